"""Admin side of access rules: personal-data masking, district scope, import/export permissions."""


class AccessMixin:
    pass
