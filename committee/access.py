"""Who may see what: the one place that decides restricted (draft and exempt) access, per request."""

from committee.models import Committee


def restricted_committee_ids(user) -> frozenset[int]:
    """Committees whose drafts and exempt items `user` may see (cached on the user for the request)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_restricted_committee_ids", None)
    if cached is None:
        cached = frozenset(Committee.objects.with_restricted_access_for(user).values_list("pk", flat=True))
        user._restricted_committee_ids = cached
    return cached
