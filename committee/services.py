"""Writes shared by every app."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from committee.models import DataVersion

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
