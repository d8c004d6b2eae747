"""Login protection, two-factor for sensitive roles, security headers, production settings, audit and edit locking."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from meetings import services
from meetings.models import Meeting, MinuteItem
from tests.factories import CommitteeFactory, MeetingFactory, MinuteItemFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_reports_no_issues_with_production_settings():
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (Playwright) must not leak into a deployment check.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-" + "x7Qp2!vZ" * 6,
        "ALLOWED_HOSTS": "scrutiny.example.gov.uk",
        "DEBUG": "false",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("meetings:home"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    # and no page relies on inline script
    assert "<script>" not in response.content.decode()


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account(client):
    UserFactory(username="councillor-x")
    for _ in range(5):
        client.post(reverse("login"), {"username": "councillor-x", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "councillor-x", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


@pytest.mark.django_db
def test_good_login_works(client):
    UserFactory(username="councillor-y")
    response = client.post(reverse("login"), {"username": "councillor-y", "password": "correct-horse-battery"})
    assert response.status_code == 302


@pytest.mark.django_db
@override_settings(REQUIRE_TWO_FACTOR=True)
def test_clerk_needs_two_factor_for_the_admin(client):
    clerk = UserFactory(username="clerk-2fa", role="Clerk")
    device = TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    # password alone is not enough
    response = client.post(reverse("admin:login"), {"username": "clerk-2fa", "password": "correct-horse-battery"})
    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302
    # with the six-digit code from the authenticator the admin opens
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(
        reverse("admin:login"),
        {"username": "clerk-2fa", "password": "correct-horse-battery", "otp_device": device.persistent_id, "otp_token": token},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
@override_settings(REQUIRE_TWO_FACTOR=True)
def test_officer_role_does_not_need_two_factor(client):
    officer = UserFactory(username="officer-no2fa", role="Officer")
    client.force_login(officer)
    assert client.get(reverse("admin:index")).status_code == 200


# ---------------------------------------------------------------------------
# Audit trail
# ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_publishing_and_withdrawing_are_logged_with_who_and_why():
    clerk = UserFactory(username="clerk-audit", role="Clerk")
    meeting = MeetingFactory(agenda_status=Meeting.AgendaStatus.DRAFT)
    services.meeting_publish_agenda(meeting=meeting, by=clerk)
    services.meeting_withdraw_agenda(meeting=meeting, by=clerk, reason="wrong report attached")
    history = list(meeting.history.order_by("history_date"))
    assert [h.history_change_reason for h in history[-2:]] == ["Agenda published", "Agenda withdrawn: wrong report attached"]
    assert all(h.history_user == clerk for h in history[-2:])


@pytest.mark.django_db
def test_admin_shows_who_changed_a_minute_and_when(client):
    clerk = UserFactory(username="clerk-history", role="Clerk")
    minute = MinuteItemFactory(body="First text")
    minute.meeting.committee.supporting_officers.add(clerk)
    minute.body = "Second text"
    minute._history_user = clerk
    minute.save()
    client.force_login(clerk)
    response = client.get(reverse("admin:meetings_minuteitem_history", args=[minute.pk]))
    assert response.status_code == 200
    assert "clerk-history" in response.content.decode()


# ---------------------------------------------------------------------------
# Edits don't clobber
# ---------------------------------------------------------------------------
def minute_form(minute, body, seen_version):
    def management(prefix):
        return {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }

    return {
        "meeting": minute.meeting_id,
        "number": str(minute.number),
        "prefix": minute.prefix,
        "title": minute.title,
        "agenda_item": "",
        "body": body,
        "seen_version": str(seen_version),
        **management("resolutions"),
        **management("actions"),
        **management("questions"),
    }


@pytest.mark.django_db
def test_second_of_two_concurrent_edits_is_refused_and_its_text_shown_back(client):
    # given two officers who opened the same minute item at version 1
    committee = CommitteeFactory()
    first, second = UserFactory(username="officer-a", role="Officer"), UserFactory(username="officer-b", role="Officer")
    committee.supporting_officers.add(first, second)
    minute = MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=datetime.date(2025, 11, 13)), body="Original")
    url = reverse("admin:meetings_minuteitem_change", args=[minute.pk])
    # when the first saves
    client.force_login(first)
    assert client.post(url, minute_form(minute, "Officer A's wording", 1)).status_code == 302
    # and the second saves what they typed from the same starting point
    client.force_login(second)
    response = client.post(url, minute_form(minute, "Officer B's careful wording", 1))
    # then the second save is refused with a clear message and their text is still in the form
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this minute item while you were editing it" in html
    assert "Officer B&#x27;s careful wording" in html
    minute.refresh_from_db()
    assert minute.body == "Officer A's wording"
    assert minute.version == 2
    assert MinuteItem.objects.get(pk=minute.pk).history.count() == 2


@pytest.mark.django_db
def test_migrated_roles_hold_their_declared_permissions():
    """A freshly migrated database gives each role its permissions, including ones added by later migrations."""
    from django.contrib.auth.models import Group

    clerk = Group.objects.get(name="Clerk")
    assert clerk.permissions.filter(codename="publish_meeting").exists()
    assert Group.objects.get(name="Complaints officer").permissions.filter(codename="view_personal_data").exists()
    assert not Group.objects.get(name="Councillor").permissions.filter(codename="view_personal_data").exists()
