"""Writes shared by every app."""

from django.db.models import F
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from committee.models import DataVersion


def data_changed(name: str) -> None:
    """Note that the data called `name` changed, so whatever is cached against its version is recomputed on next use."""
    if not DataVersion.objects.filter(name=name).update(number=F("number") + 1, changed_at=timezone.now()):
        DataVersion.objects.get_or_create(name=name)


def two_factor_device_for(user) -> TOTPDevice:
    """The user's authenticator: the confirmed one, else the one being set up (made now if there is none yet)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def two_factor_verify(request, *, device: TOTPDevice, token: str) -> bool:
    """Check a six-digit code (django-otp throttles repeated failures); if it matches, the authenticator is confirmed
    and this session is verified."""
    if not device.verify_token(token):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return True
