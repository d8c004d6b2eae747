"""Query helpers the apps share."""

from django.db import connections


def union_all(*querysets) -> list:
    """The rows of `querysets` (each ordered and sliced: an index range with its own LIMIT) in one UNION ALL statement
    where the database allows a LIMIT in each part (PostgreSQL), else one query each (SQLite, `make run`): the same
    rows either way, in no set order."""
    first, *rest = querysets
    if connections[first.db].features.supports_slicing_ordering_in_compound:
        return list(first.union(*rest, all=True))
    return [row for queryset in querysets for row in queryset]
