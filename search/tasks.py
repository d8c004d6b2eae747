"""Jobs of the search app, run by the worker (config/celery.py): re-indexing after bulk changes."""

from celery import shared_task
from django.apps import apps


@shared_task(name="search.index_records")
def index_records_task(records: dict) -> int:
    """Re-index {model label: {pk: created}} saved in one bulk change (idempotent: indexing twice writes the same entries)."""
    from search.receivers import index_now

    index_now({apps.get_model(label): {int(pk): created for pk, created in pks.items()} for label, pks in records.items()})
    return sum(len(pks) for pks in records.values())
