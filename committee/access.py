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


class MembersReader:
    """Whoever has restricted access to one committee and no other: the reader a members' copy is printed for.

    The worker builds restricted PDFs (committee.printing) with no request and no signed-in user; every visible_to()
    asks restricted_committee_ids(), which this answers, so the copy holds what any of that committee's members sees.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, committee_id: int):
        self._restricted_committee_ids = frozenset({committee_id})

    def has_perm(self, perm, obj=None) -> bool:
        return False
