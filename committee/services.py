"""Writes shared by every app."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from committee.access import SYSTEM, forget, may, require
from committee.actions import Refused, audit
from committee.models import Committee, DataVersion, Membership, Person, SpecialRole, surname_first

logger = logging.getLogger(__name__)


def data_changed(name: str) -> None:
    """Note that the data called `name` changed, so whatever is cached against its version is recomputed on next use."""

    def bump() -> int:
        return DataVersion.objects.filter(name=name).update(number=F("number") + 1, changed_at=timezone.now())

    if not bump():
        _, created = DataVersion.objects.get_or_create(name=name)
        if not created:  # made by a concurrent first change: this change still counts
            bump()


def two_factor_device_for(user) -> TOTPDevice:
    """The user's authenticator: the confirmed one, else the one being set up (made now if there is none yet)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def two_factor_verify(request, *, device: TOTPDevice, token: str) -> str | None:
    """Check a six-digit code. If it matches, the authenticator is confirmed (its owner told by e-mail, the first
    time) and this session is verified, and None is returned; otherwise why not, to show next to the field."""
    allowed, extra = device.verify_is_allowed()
    if not allowed:
        # django-otp slows guessing down: each wrong code doubles the wait before the next try.
        until = (extra or {}).get("locked_until")
        wait = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else None
        return f"Too many wrong codes. Wait {wait} seconds, then enter the code the app shows." if wait else "Too many wrong codes."
    if not device.verify_token(token):
        return "That code did not match. Enter the code the app shows now."
    newly = not device.confirmed
    if newly:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    if newly:
        logger.warning("Two-factor authenticator set up for %s", request.user.get_username())
        if request.user.email:
            # Someone who had only the password could set one up first: the owner hears of it at once.
            send_mail(
                f"{settings.SERVICE_NAME}: an authenticator app was set up for your account",
                f"An authenticator app was set up for signing in to {settings.SERVICE_NAME} as {request.user.get_username()} "
                f"at {timezone.localtime():%H:%M on %-d %B %Y}.\n\nIf this was not you, tell an administrator straight away: "
                "they will remove it and you can set up your own.",
                None,
                [request.user.email],
                fail_silently=True,
            )
    return None


# ---------------------------------------------------------------------------
# Committees, people and seats (the admin saves through these)
# ---------------------------------------------------------------------------
MANAGES_ACCESS = "auth.change_user"  # the Administrator role: who may sign in, and as whom


def _require_perm(by, perm: str, doing: str) -> None:
    if by is SYSTEM:
        return
    if by is None or not getattr(by, "is_authenticated", False) or not by.has_perm(perm):
        raise PermissionDenied(f"Your role does not allow you to {doing}.")


@transaction.atomic
def committee_save(*, committee: Committee, by, reason: str = "") -> Committee:
    """Add or change a committee; whoever adds one supports it, so they can go on to enter its records."""
    creating = committee.pk is None
    if creating:
        _require_perm(by, "committee.add_committee", "add committees")
    elif not (may(by, "committee.change_committee", committee.pk) or may_manage_access(by)):
        require(by, "committee.change_committee", committee.pk, "change this committee")
    committee.full_clean()
    audit(committee, by=by, reason=reason or ("Committee added" if creating else "Committee changed"))
    committee.save()
    if creating and by is not SYSTEM:
        committee.supporting_officers.add(by)
        forget(by)
    return committee


def may_manage_access(by) -> bool:
    """Administrators decide who may sign in and whom a login stands for (never reading what those logins read)."""
    return by is SYSTEM or (getattr(by, "is_authenticated", False) and by.has_perm(MANAGES_ACCESS))


@transaction.atomic
def person_save(*, person: Person, by, reason: str = "") -> Person:
    """Add or change a person; only an administrator links a person to a login (a councillor's login sees drafts)."""
    _require_perm(by, f"committee.{'change' if person.pk else 'add'}_person", "change people's records")
    stored = Person.objects.filter(pk=person.pk).values_list("user_id", flat=True).first() if person.pk else None
    if person.user_id != stored and not may_manage_access(by):
        raise Refused({"user": "Only an administrator links a person to a login."})
    person.sort_name = surname_first(person.name)
    person.full_clean()
    audit(person, by=by, reason=reason or "Person record changed")
    person.save()
    return person


@transaction.atomic
def seat_save(*, seat: Membership | SpecialRole, by, reason: str = "") -> Membership | SpecialRole:
    """Add or change a seat on a committee (membership) or a special role, for a committee the user supports."""
    verb = "change" if seat.pk else "add"
    require(by, f"committee.{verb}_{seat._meta.model_name}", seat.committee_id, "change this committee's members")
    seat.full_clean()
    audit(seat, by=by, reason=reason or "Seat recorded")
    seat.save()
    return seat


@transaction.atomic
def record_delete(*, record, by, reason: str = "") -> None:
    """Delete a committee, person or seat, unless other records depend on it."""
    if isinstance(record, Person):
        _require_perm(by, "committee.delete_person", "delete people's records")
    else:
        committee_id = record.pk if isinstance(record, Committee) else record.committee_id
        require(by, f"committee.delete_{record._meta.model_name}", committee_id, "delete this committee's records")
    audit(record, by=by, reason=reason or "Deleted")
    try:
        record.delete()
    except ProtectedError as error:
        kinds = sorted({obj._meta.verbose_name_plural for obj in error.protected_objects})
        raise Refused(f"Other records depend on this one ({', '.join(kinds)}): change or delete those first.") from error
