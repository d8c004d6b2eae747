"""Roles are Django groups with permissions; this declares them in one place and syncs them.

Run by a data migration and by `manage.py sync_roles`, so adding a model to a role is a one-line change here.
"""

from django.contrib.auth.models import Group, Permission

COUNCILLOR = "Councillor"
OFFICER = "Officer"
CLERK = "Clerk"
COMPLAINTS_OFFICER = "Complaints officer"
ADMINISTRATOR = "Administrator"

MEETING_RECORDS = [
    "meetings.meeting",
    "meetings.agendaitem",
    "meetings.document",
    "meetings.attendance",
    "meetings.declarationofinterest",
    "meetings.minuteitem",
    "meetings.resolution",
    "meetings.action",
    "meetings.actionupdate",
    "meetings.question",
    "meetings.workprogrammeitem",
]
COMMITTEE_RECORDS = ["committee.committee", "committee.person", "committee.membership", "committee.specialrole"]


def _perms(models, actions):
    return [f"{model.split('.')[0]}.{action}_{model.split('.')[1]}" for model in models for action in actions]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    COUNCILLOR: _perms(MEETING_RECORDS + COMMITTEE_RECORDS, ["view"]),
    OFFICER: _perms(MEETING_RECORDS, ["view", "add", "change"])
    + _perms(COMMITTEE_RECORDS, ["view"])
    + _perms(["committee.person"], ["add", "change"]),
    CLERK: _perms(MEETING_RECORDS + COMMITTEE_RECORDS, ["view", "add", "change", "delete"]),
    COMPLAINTS_OFFICER: _perms(COMMITTEE_RECORDS, ["view"]),
    ADMINISTRATOR: _perms(["auth.user", "auth.group"], ["view", "add", "change", "delete"]),
}
# Staff (admin-site) access follows the role.
STAFF_ROLES = {OFFICER, CLERK, COMPLAINTS_OFFICER, ADMINISTRATOR}


def sync_roles() -> dict[str, int]:
    """Create or update each role group so it holds exactly its declared permissions."""
    result = {}
    for name, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = []
        for code in codes:
            app_label, codename = code.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm:
                perms.append(perm)
        group.permissions.set(perms)
        result[name] = len(perms)
    return result
