"""Figures computed from the registry: the dashboard on the admin index and the statistical reports.

Every figure is an aggregate computed in the database (COUNT/SUM with GROUP BY), so the number of
queries depends on the number of breakdowns shown, never on the number of records.
"""
