"""Roles are Django groups with permissions; this declares them in one place and syncs them.

Run by a data migration and by `manage.py sync_roles`, so adding a model to a role is a one-line change here.
"""

import importlib

from django.apps import apps as global_apps
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
    "meetings.minutespeaker",
    "meetings.speakerlink",
    "meetings.resolution",
    "meetings.action",
    "meetings.actionupdate",
    "meetings.question",
    "meetings.workprogrammeitem",
    "meetings.recommendation",
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
    # Who may sign in, with which role, and whom a login stands for (linking a person, setting who supports a
    # committee); never the content those logins read, unless also given that role.
    ADMINISTRATOR: _perms(["auth.user", "auth.group"], ["view", "add", "change", "delete"])
    + _perms(["committee.committee", "committee.person"], ["view", "change"])
    + ["otp_totp.view_totpdevice", "otp_totp.add_totpdevice", "otp_totp.change_totpdevice", "otp_totp.delete_totpdevice"],
}
# Clerks publish and withdraw agendas and minutes, and see the e-mails the system sent for their committees.
ROLE_PERMISSIONS[CLERK] += ["meetings.publish_meeting"] + _perms(["meetings.reminderlog", "meetings.publicationnotice"], ["view"])
# Staff (admin-site) access follows the role.
STAFF_ROLES = {OFFICER, CLERK, COMPLAINTS_OFFICER, ADMINISTRATOR}


def declared_permissions() -> dict[str, list[str]]:
    """This file's declarations plus each installed app's own `<app>.roles.ROLE_PERMISSIONS`, merged by role.

    Apps declare their own permissions so that this (base) app never imports them.
    """
    merged = {name: list(codes) for name, codes in ROLE_PERMISSIONS.items()}
    for config in global_apps.get_app_configs():
        if config.name == __name__.rsplit(".", 1)[0]:
            continue
        try:
            module = importlib.import_module(f"{config.name}.roles")
        except ModuleNotFoundError:
            continue
        for name, codes in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged.setdefault(name, []).extend(codes)
    return merged


def sync_roles() -> dict[str, int]:
    """Create or update each role group so it holds exactly its declared permissions."""
    result = {}
    for name, codes in declared_permissions().items():
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


def migration_sync_roles(apps, schema_editor):
    """For a RunPython data migration: create permissions now (normally done after migrate) and sync the groups."""
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0)
    sync_roles()
