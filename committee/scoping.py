"""Records that belong to a committee: one way to say which committee, used to scope reads and check writes.

Each QuerySet of such a record names the path from the record to its committee (`committee_path`); the admin narrows
every list, choice and autocomplete with `editable_by(user)`, and actions check permission with `committee_id_of`.
"""

from django.db import models

from committee.access import supported_committee_ids


class CommitteeScopedQuerySet(models.QuerySet):
    # The lookup from the record to its committee, e.g. "minute_item__meeting__committee"; "" for a committee itself.
    committee_path = "committee"

    def of_committees(self, committee_ids):
        """Records of the given committees."""
        lookup = f"{self.committee_path}__in" if self.committee_path else "pk__in"
        return self.filter(**{lookup: committee_ids})

    def editable_by(self, user):
        """Records of the committees `user` supports (the admin shows nothing else)."""
        return self.of_committees(supported_committee_ids(user))


def committee_path_of(model) -> str | None:
    """The model's path to its committee, or None if its records belong to no committee."""
    queryset = model._default_manager.get_queryset()
    return queryset.committee_path if isinstance(queryset, CommitteeScopedQuerySet) else None


def committee_id_of(record) -> int | None:
    """The committee `record` belongs to (following its foreign keys, so an unsaved record works too)."""
    path = committee_path_of(type(record))
    if path is None:
        return None
    if path == "":
        return record.pk
    *steps, last = path.split("__")
    return getattr(follow(record, steps), f"{last}_id", None)


def follow(record, steps):
    """The record reached from `record` along the foreign keys `steps`, or None where a link is empty."""
    target = record
    for step in steps:
        if getattr(target, f"{step}_id", True) is None:
            return None
        target = getattr(target, step, None)
        if target is None:
            return None
    return target


def records_beyond(record, committee_ids) -> list:
    """Records of committees outside `committee_ids` that deleting `record` would remove or change: what its delete
    cascades to, and what would lose its link to it (SET_NULL). A shared record (a person, a plan) may reach them."""
    from django.contrib.admin.utils import NestedObjects
    from django.db import router

    collector = NestedObjects(using=router.db_for_write(type(record)))
    collector.collect([record])
    affected = [obj for objects in collector.data.values() for obj in objects if obj is not record]
    for batches in collector.field_updates.values():
        for batch in batches:
            affected += list(batch)
    # Links through a many-to-many field go with the record too (an inspection considered at another committee).
    for related in record._meta.many_to_many:
        if committee_path_of(related.related_model) is not None:
            linked = getattr(record, related.name)
            affected += list(linked.exclude(pk__in=related.related_model._default_manager.of_committees(committee_ids)))
    return [obj for obj in affected if committee_path_of(type(obj)) is not None and committee_id_of(obj) not in committee_ids]
