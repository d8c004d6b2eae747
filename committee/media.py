"""Stored files (MEDIA_ROOT or the STORAGES backend): walking them, finding those no record points to, removing them.

Uploaded papers, agenda packs and built PDFs live in the default storage, not in the database: a backup must take both
(committee.backup), and files whose record was deleted (a paper removed, a pack pruned) stay until removed here.
"""

import datetime
import logging

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

logger = logging.getLogger(__name__)

# Files younger than this are left alone: their record may not be committed yet (an upload or a build in progress).
DEFAULT_GRACE = datetime.timedelta(hours=24)


def stored_files(storage=None, folder: str = "") -> list[str]:
    """Every file in the storage, as storage names ("packs/2026/x.pdf"), sorted."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += stored_files(storage, f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def referenced_files() -> set[str]:
    """Every file name a record points to, across every model's FileFields (history keeps names as text, not files)."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(n for n in model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True) if n)
    return names


def orphaned_files(*, grace: datetime.timedelta = DEFAULT_GRACE) -> list[str]:
    """Stored files no record points to, older than `grace`."""
    referenced = referenced_files()
    cutoff = timezone.now() - grace
    orphans = []
    for name in stored_files():
        if name in referenced:
            continue
        try:
            modified = default_storage.get_modified_time(name)
        except (NotImplementedError, OSError):
            modified = None
        if modified is None or modified < cutoff:
            orphans.append(name)
    return orphans


def remove_orphaned_media(*, dry_run: bool = True, grace: datetime.timedelta = DEFAULT_GRACE) -> dict:
    """Delete (or with dry_run only list) stored files no record points to. Returns {"removed": n, "bytes": size, "files": [...]}."""
    orphans = orphaned_files(grace=grace)
    size = 0
    for name in orphans:
        try:
            size += default_storage.size(name)
        except OSError:
            pass
        if not dry_run:
            default_storage.delete(name)
            logger.info("Removed orphaned media file %s", name)
    return {"removed": len(orphans), "bytes": size, "files": orphans}
