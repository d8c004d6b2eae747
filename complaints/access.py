"""Who may read complainants' and children's personal data: the one definition, used by the admin and the pages."""

from committee.access import granted

PERSONAL_DATA_PERM = "complaints.view_personal_data"


def sees_personal_data(user) -> bool:
    """The Complaints officer role (or a user given the permission itself); never implied by being a superuser."""
    cached = getattr(user, "_sees_personal_data", None)
    if cached is None:
        cached = granted(user, PERSONAL_DATA_PERM)
        if user is not None and getattr(user, "is_authenticated", False):
            user._sees_personal_data = cached
    return cached
