"""Admin changelist performance at scale (estimated counts, index-friendly search)."""


class FastChangelistMixin:
    pass
