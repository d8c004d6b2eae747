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
@pytest.mark.parametrize("role", ["Councillor", "Officer", "Clerk", "Complaints officer", "Administrator"])
def test_every_role_that_reads_exempt_papers_or_writes_needs_two_factor(client, role):
    # Councillors and officers read exempt papers; a password alone must not open them (README, "Roles").
    user = UserFactory(username=f"needs-2fa-{role.replace(' ', '-').lower()}", role=role)
    client.force_login(user)
    assert client.get("/").status_code == 302
    assert client.get("/")["Location"].startswith(reverse("two_factor"))


@pytest.mark.django_db
@override_settings(REQUIRE_TWO_FACTOR=True, TWO_FACTOR_ROLES=["Clerk"])
def test_which_roles_need_two_factor_is_configurable(client):
    officer = UserFactory(username="officer-no2fa", role="Officer")
    client.force_login(officer)
    assert client.get(reverse("admin:index")).status_code == 200


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


PASSWORD = "correct-horse-battery"


@pytest.mark.django_db
@override_settings(REQUIRE_TWO_FACTOR=True)
def test_the_public_sign_in_page_needs_the_code_as_well(client):
    """Two-factor guards the whole site, not only the admin: a clerk sees drafts and exempt papers on public pages."""
    clerk = UserFactory(username="clerk-public-2fa", role="Clerk")
    device = TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    response = client.post(reverse("login"), {"username": "clerk-public-2fa", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("login"), {"username": "clerk-public-2fa", "password": PASSWORD, "otp_token": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code slows the next tries down, as it should
    response = client.post(reverse("login"), {"username": "clerk-public-2fa", "password": PASSWORD, "otp_token": code_for(device)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
@override_settings(REQUIRE_TWO_FACTOR=True)
def test_a_clerk_with_no_authenticator_is_held_at_set_up_until_a_code_matches(client):
    clerk = UserFactory(username="clerk-enrol", role="Clerk")
    response = client.post(reverse("login"), {"username": "clerk-enrol", "password": PASSWORD})
    assert response.status_code == 302
    # Signed in with a password only: every page sends them to set up an authenticator first.
    for path in ["/", "/meetings/", reverse("admin:index"), reverse("complaints:index")]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("two_factor")), path
    page = client.get(reverse("two_factor"), {"next": "/meetings/"})
    html = page.content.decode()
    assert "<svg" in html
    assert "QR code for your authenticator app" in html
    device = TOTPDevice.objects.get(user=clerk)
    assert not device.confirmed
    # A wrong code or one that is not six digits is explained next to the field; nothing is turned on.
    for bad, message in [("123456", "did not match"), ("12ab", "Enter the six digits")]:
        response = client.post(reverse("two_factor"), {"otp_token": bad, "next": "/meetings/"})
        assert response.status_code == 200
        assert message in response.content.decode()
        assert 'id="id_otp_token-error"' in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # the failures above slow further tries down, as they should
    response = client.post(reverse("two_factor"), {"otp_token": code_for(device), "next": "/meetings/"})
    assert response.status_code == 302
    assert response["Location"] == "/meetings/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/meetings/").status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
@override_settings(REQUIRE_TWO_FACTOR=True)
def test_a_complaints_officer_signed_in_with_a_password_alone_sees_no_personal_data(client):
    UserFactory(username="complaints-2fa", role="Complaints officer")
    client.post(reverse("login"), {"username": "complaints-2fa", "password": PASSWORD})
    response = client.get(reverse("complaints:work_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))


@pytest.mark.django_db
@override_settings(REQUIRE_TWO_FACTOR=True)
def test_once_set_up_the_secret_is_never_shown_again(client):
    clerk = UserFactory(username="clerk-secret", role="Clerk")
    device = TOTPDevice.objects.create(user=clerk, name="phone", confirmed=True)
    client.force_login(clerk)  # a session that has not passed two-factor
    html = client.get(reverse("two_factor")).content.decode()
    assert "<svg" not in html
    assert device.config_url.split("secret=")[1].split("&")[0] not in html
    assert 'name="otp_token"' in html


@pytest.mark.django_db
def test_whoever_has_set_up_an_authenticator_must_give_its_code(client):
    officer = UserFactory(username="officer-volunteer", role="Officer")
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    assert client.post(reverse("login"), {"username": "officer-volunteer", "password": PASSWORD}).status_code == 200
    response = client.post(reverse("login"), {"username": "officer-volunteer", "password": PASSWORD, "otp_token": code_for(device)})
    assert response.status_code == 302


@pytest.mark.django_db
@override_settings(REQUIRE_TWO_FACTOR=True)
def test_setting_up_an_authenticator_tells_its_owner_by_e_mail_and_is_never_cached(client, mailoutbox):
    clerk = UserFactory(username="clerk-notice", role="Clerk", email="clerk@example.gov.uk")
    client.force_login(clerk)
    page = client.get(reverse("two_factor"))
    assert "no-cache" in page["Cache-Control"]
    assert "no-store" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=clerk)
    assert client.post(reverse("two_factor"), {"otp_token": code_for(device)}).status_code == 302
    assert [m.to for m in mailoutbox] == [["clerk@example.gov.uk"]]
    assert "If this was not you" in mailoutbox[0].body


@pytest.mark.django_db
@override_settings(REQUIRE_TWO_FACTOR=True)
def test_after_a_wrong_code_the_page_says_to_wait_rather_than_that_the_right_code_is_wrong(client):
    clerk = UserFactory(username="clerk-throttle", role="Clerk")
    client.force_login(clerk)
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=clerk)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    assert "did not match" in client.post(reverse("two_factor"), {"otp_token": wrong}).content.decode()
    assert "Too many wrong codes. Wait" in client.post(reverse("two_factor"), {"otp_token": code_for(device)}).content.decode()


@pytest.mark.django_db
@override_settings(REQUIRE_TWO_FACTOR=True, TWO_FACTOR_SELF_ENROLMENT=False)
def test_without_self_enrolment_an_administrator_adds_the_authenticator(client):
    clerk = UserFactory(username="clerk-no-self", role="Clerk")
    client.force_login(clerk)
    html = client.get(reverse("two_factor")).content.decode()
    assert "Ask an administrator" in html
    assert "<svg" not in html
    assert not TOTPDevice.objects.filter(user=clerk).exists()


@pytest.mark.django_db
@override_settings(REQUIRE_TWO_FACTOR=True)
def test_a_half_set_up_authenticator_does_not_block_signing_in(client):
    clerk = UserFactory(username="clerk-half", role="Clerk")
    device = TOTPDevice.objects.create(user=clerk, name="Authenticator app", confirmed=False)
    response = client.post(reverse("login"), {"username": "clerk-half", "password": PASSWORD, "otp_token": code_for(device)})
    assert response.status_code == 302
    assert client.get("/")["Location"].startswith(reverse("two_factor"))


@pytest.mark.django_db
def test_administrators_never_see_an_authenticators_secret(client):
    admin_user = UserFactory(username="admin-otp", role="Administrator", is_staff=True)
    device = TOTPDevice.objects.create(user=UserFactory(username="clerk-secret-2", role="Clerk"), name="phone", confirmed=True)
    client.force_login(admin_user)
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert change.status_code == 200
    assert device.key not in change.content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code != 200
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code != 200


@pytest.mark.django_db
def test_two_factor_never_sends_you_to_another_site(client):
    officer = UserFactory(username="officer-next", role="Officer")
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=False)
    client.force_login(officer)
    response = client.post(reverse("two_factor"), {"otp_token": code_for(device), "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:home")


# ---------------------------------------------------------------------------
# Audit trail
# ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_publishing_and_withdrawing_are_logged_with_who_and_why():
    clerk = UserFactory(username="clerk-audit", role="Clerk")
    meeting = MeetingFactory(agenda_status=Meeting.AgendaStatus.DRAFT)
    meeting.committee.supporting_officers.add(clerk)
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
