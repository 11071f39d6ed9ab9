"""The import engine: build a Plan of a whole file, then apply it in one transaction.

Stages, each in its own module:

- header.py: which model column each header names;
- cells.py: each cell as a stored value (relations by name, organizations to create);
- existing.py: the registered records the file talks about, with a few chunked queries;
- planning.py: every row validated, matched and compared, giving a Plan (nothing is written);
- plan.py: the Plan as typed values and its JSON form, kept between preview and confirmation;
- preview.py: the changes as text for the preview;
- applying.py: the Plan written with bulk statements, history rows and an audit event.

service.py wraps these as the operations the admin and the management commands use.
"""

from __future__ import annotations

from .applying import apply_plan
from .plan import Change, Create, Diff, NewOrganization, Plan, RowError, Update
from .planning import build_plan

__all__ = ["Change", "Create", "Diff", "NewOrganization", "Plan", "RowError", "Update", "apply_plan", "build_plan"]
