"""The read-only REST API for the city's other systems (/api/v1/, schema /api/schema/, docs /api/docs/).

keys.py holds the API keys and the client a key stands for; auth.py authenticates, authorises and
throttles; resources.py declares the endpoints; filters.py and pagination.py read the query
parameters; serializers.py renders records as the spreadsheets name them; views.py and urls.py
serve them; calls.py writes every call to the audit log; errors.py gives errors as Chinese JSON.
The access rules themselves (district scope, personal data) stay in registry/access.py.
"""
