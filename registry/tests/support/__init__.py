"""What tests build on: users in the real roles, one valid record of any model, valid identifiers.

from registry.tests.support import make_user, RecordFactory, id_number, credit_code, record_models
"""

from .identifiers import credit_code, id_number
from .records import RecordFactory, record_models
from .users import PASSWORD, make_user

__all__ = ["PASSWORD", "RecordFactory", "credit_code", "id_number", "make_user", "record_models"]
