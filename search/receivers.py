"""Keep the search index current as records are saved and deleted.

Indexing is infrastructure, not a business rule: these receivers only copy what records already say into their search
entries (STYLE.md keeps business rules out of signals; derived, rebuildable data like this is what signals suit).

Saves and deletes are queued and indexed together when the transaction commits (`transaction.on_commit`): the index
only ever holds committed data, a request that saves a meeting three times re-indexes it once, and work that is
rolled back (every test, a failed request) costs nothing. Outside a transaction `on_commit` runs at once, so a save
is indexed immediately. A failure while indexing is logged and never undoes the save (`robust=True`); writes that
bypass signals (QuerySet.update, bulk_create, raw SQL) and any such failure are caught up by `rebuild_search_index`.
"""

import logging

from asgiref.local import Local
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from committee.services import data_changed
from search import indexing
from search.models import INDEX_DATA

# Saves that only touch these fields change nothing in the record's entry (denormalised state kept by services).
IGNORED_UPDATE_FIELDS = {"latest_update", "current_rag", "last_update_on", "is_complete", "flagged_at", "version"}

_queue = Local()
logger = logging.getLogger(__name__)


def pending() -> dict[type, dict[int, bool]]:
    """{model: {pk: created}} saved or deleted since the last flush, in this thread."""
    if not hasattr(_queue, "records"):
        _queue.records = {}
    return _queue.records


def enqueue(model, pk, *, created: bool) -> None:
    records = pending().setdefault(model, {})
    # "Created" (no entry yet, nothing hanging off it) only if every save in the batch was of a new record.
    records[pk] = records.get(pk, True) and created
    transaction.on_commit(flush, robust=True)


def flush() -> None:
    """Index everything queued (later callbacks in the same commit find the queue empty); a bulk change goes to the
    worker (search.tasks) instead of holding up the request that made it."""
    records, _queue.records = pending(), {}
    if not records:
        return
    if sum(len(pks) for pks in records.values()) > settings.SEARCH_INDEX_IN_REQUEST_LIMIT:
        from search.tasks import index_records_task

        payload = {model._meta.label: {str(pk): created for pk, created in pks.items()} for model, pks in records.items()}
        try:
            index_records_task.delay(payload)
            return
        except Exception:  # no broker: index here rather than not at all
            logger.exception("Could not queue re-indexing of %s records; indexing now", sum(map(len, payload.values())))
    index_now(records)


def index_now(records: dict) -> None:
    """Index {model: {pk: created}} in one transaction and note that the index changed."""
    with transaction.atomic():
        for indexer in indexing.INDEXERS:
            queued = records.get(indexer.model, {})
            indexing.index_records(indexer.model, [pk for pk, created in queued.items() if created], new=True)
            indexing.index_records(indexer.model, [pk for pk, created in queued.items() if not created])
        # Cached result pages were computed from the index as it was (search.views); any save may have changed it.
        data_changed(INDEX_DATA)


def record_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:  # loaddata: related rows may not exist yet; run rebuild_search_index afterwards
        return
    if update_fields and set(update_fields) <= IGNORED_UPDATE_FIELDS:
        return
    enqueue(sender, instance.pk, created=created)


def record_deleted(sender, instance, **kwargs):
    # Indexing a record that no longer exists removes its entry.
    enqueue(sender, instance.pk, created=False)


def connect():
    for model in indexing.BY_MODEL:
        uid = f"search-index-{model._meta.label_lower}"
        post_save.connect(record_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(record_deleted, sender=model, dispatch_uid=uid)
