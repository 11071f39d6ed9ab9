"""Valid identifiers for test records, with the check characters of registry.validators."""

from __future__ import annotations

from registry.validators import credit_code_check_char, id_number_check_char


def id_number(birth: str = "19800105", area: str = "150102", sequence: str = "001") -> str:
    """A valid resident identity number (GB 11643): area, birth date, sequence, MOD 11-2 check digit."""
    body = area + birth + sequence
    return body + id_number_check_char(body)


def credit_code(body: str = "91150100MA0N00000") -> str:
    """A valid unified social credit code (GB 32100): 17 characters and their check character."""
    return body + credit_code_check_char(body)
