"""Taking turns: a named lock held until the current transaction ends, for numbers handed out as "the next one"."""

import hashlib

from django.db import connection


def hold(name: str) -> None:
    """Wait for, then hold until commit or rollback, the lock called `name` (PostgreSQL advisory lock).

    SQLite (the local demo) allows one writer at a time anyway, so there is nothing to take there.
    """
    if connection.vendor != "postgresql":
        return
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
