"""Who may see and change what: the one place that decides restricted (draft and exempt) access and committee scope.

Being a superuser grants neither: a committee's drafts, exempt papers and records are for its members and the officers
who support it, and the IT administrator who manages logins is neither unless also given that place (README, "Roles").
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Q


def _committees():
    # Looked up, not imported: committee.models builds its QuerySets on committee.scoping, which uses this module.
    return apps.get_model("committee", "Committee").objects


def restricted_committee_ids(user) -> frozenset[int]:
    """Committees whose drafts and exempt items `user` may see (cached on the user for the request)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_restricted_committee_ids", None)
    if cached is None:
        cached = frozenset(_committees().with_restricted_access_for(user).values_list("pk", flat=True))
        user._restricted_committee_ids = cached
    return cached


def supported_committee_ids(user) -> frozenset[int]:
    """Committees whose records `user` may enter in the admin: those they support (cached on the user for the request)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_supported_committee_ids", None)
    if cached is None:
        cached = frozenset(_committees().supported_by(user).values_list("pk", flat=True))
        user._supported_committee_ids = cached
    return cached


def forget(user) -> None:
    """Drop the per-request caches above (after the user's committees change within a request)."""
    for name in ("_restricted_committee_ids", "_supported_committee_ids"):
        if hasattr(user, name):
            delattr(user, name)


class SystemActor:
    """Who acts when no person does: the demo loader, migrations and scheduled commands. Every rule but the permission
    check still applies, and the audit trail records the reason given (there is no user to record)."""

    is_authenticated = False
    is_system = True
    pk = None

    def __str__(self):
        return "the system"


SYSTEM = SystemActor()


def may(user, perm: str, committee_id: int | None) -> bool:
    """Whether `user` holds `perm` (e.g. "meetings.change_minuteitem") for the committee `committee_id`."""
    if user is SYSTEM:
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(perm) and committee_id in supported_committee_ids(user)


def require(user, perm: str, committee_id: int | None, doing: str) -> None:
    """Refuse (PermissionDenied, with a message a person can act on) unless `user` may `perm` for that committee."""
    if may(user, perm, committee_id):
        return
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(f"Sign in to {doing}.")
    if committee_id not in supported_committee_ids(user):
        raise PermissionDenied(f"You do not support this committee, so you cannot {doing}. Ask its clerk.")
    raise PermissionDenied(f"Your role does not allow you to {doing}. Ask the committee's clerk.")


def granted(user, perm: str) -> bool:
    """Whether `perm` ("app.codename") is granted to `user` by a role (group) or to them directly.

    Unlike `user.has_perm`, being a superuser does not count: what a role reads (complainants' personal data) is given
    with the role, never implied by managing the system.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if isinstance(user, get_user_model()) and not user.is_superuser:
        # The permissions Django loads (and keeps on the user) for has_perm: the page's later checks cost nothing more.
        # A superuser's would be every permission there is, so theirs are looked up as granted.
        backend = ModelBackend()
        return perm in backend.get_user_permissions(user) | backend.get_group_permissions(user)
    app_label, codename = perm.split(".")
    permissions = apps.get_model("auth", "Permission").objects.filter(content_type__app_label=app_label, codename=codename)
    return permissions.filter(Q(group__user=user) | Q(user=user)).exists()


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
        self._supported_committee_ids = frozenset()  # it reads; it never enters or changes anything

    def has_perm(self, perm, obj=None) -> bool:
        return False
