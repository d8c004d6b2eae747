"""Writes shared by every app."""

from django.db.models import F
from django.utils import timezone

from committee.models import DataVersion


def data_changed(name: str) -> None:
    """Note that the data called `name` changed, so whatever is cached against its version is recomputed on next use."""
    if not DataVersion.objects.filter(name=name).update(number=F("number") + 1, changed_at=timezone.now()):
        DataVersion.objects.get_or_create(name=name)
