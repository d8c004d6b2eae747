"""Health checks for a load balancer or process manager: /healthz/ (the process answers) and /readyz/ (it can work)."""

import logging
import uuid

from django.core.cache import cache
from django.db import connections, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
@transaction.non_atomic_requests  # a request transaction would need the database before the check could report it
def healthz(request):
    """The process is up and answering; nothing else is checked (restart it if this fails)."""
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def _queue() -> None:
    from config.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=3)


CHECKS = {"database": _database, "cache": _cache, "queue": _queue}


@never_cache
@require_safe
@transaction.non_atomic_requests
def readyz(request):
    """The database, the cache and the job queue's broker all answer: 200, else 503 naming what does not."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # any failure means "not ready"; the reason goes to the log, not to the caller
            logger.exception("Readiness check failed: %s", name)
            results[name] = "unreachable"
        else:
            results[name] = "ok"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", **results}, status=200 if ready else 503)
