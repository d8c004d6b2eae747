"""The retention rule: personal data of complaints closed longer ago than the limit goes; the statistics stay."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from complaints import services
from complaints.models import Complaint, ComplaintPersonalData, Stage
from tests.complaints.factories import ComplaintFactory, StageFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def closed_complaint(closed_days_ago: int, name: str) -> Complaint:
    closed = TODAY - datetime.timedelta(days=closed_days_ago)
    complaint = ComplaintFactory(
        received_date=closed - datetime.timedelta(days=20), personal_data={"complainant_name": name, "narrative": name}
    )
    stage = StageFactory(complaint=complaint, opened_date=closed - datetime.timedelta(days=18))
    services.stage_close(stage=stage, outcome=Stage.Outcome.NOT_UPHELD, response_date=closed)
    complaint.refresh_from_db()
    return complaint


def run(*args) -> str:
    out = io.StringIO()
    call_command("anonymise_complaints", *args, stdout=out)
    return out.getvalue()


def test_old_closed_complaints_lose_their_personal_data_and_its_history():
    # given a complaint closed 400 days ago, one closed 100 days ago, and one still open
    old = closed_complaint(400, "Old Complainant")
    recent = closed_complaint(100, "Recent Complainant")
    still_open = ComplaintFactory(
        received_date=TODAY - datetime.timedelta(days=900), personal_data={"complainant_name": "Open Complainant"}
    )
    StageFactory(complaint=still_open, opened_date=TODAY - datetime.timedelta(days=898))
    # when the retention rule runs for a one-year limit
    assert "1 complaint closed more than 365 days ago anonymised." in run("--older-than-days", "365")
    # then only the old one is anonymised, its audit trail included
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert not ComplaintPersonalData.objects.filter(complaint=old).exists()
    assert not ComplaintPersonalData.history.filter(complaint_id=old.pk).exists()
    assert ComplaintPersonalData.objects.filter(complaint__in=[recent, still_open]).count() == 2
    # and the anonymous record still counts in the statistics
    assert Stage.objects.filter(complaint=old, outcome=Stage.Outcome.NOT_UPHELD).exists()


def test_running_it_twice_changes_nothing_more():
    old = closed_complaint(400, "Old Complainant")
    run("--older-than-days", "365")
    old.refresh_from_db()
    first = old.anonymised_at
    assert "0 complaints closed more than 365 days ago anonymised." in run("--older-than-days", "365")
    old.refresh_from_db()
    assert old.anonymised_at == first


def test_the_default_limit_comes_from_settings():
    closed_complaint(40, "Forty Days")
    with override_settings(COMPLAINTS_RETENTION_DAYS=30):
        assert "1 complaint closed more than 30 days ago anonymised." in run()
    assert f"{services.retention_days()} days" in run()  # six years (2192 days) unless the setting says otherwise


def test_dry_run_counts_without_changing_anything():
    complaint = closed_complaint(400, "Old Complainant")
    assert "1 complaint closed more than 365 days ago would be anonymised." in run("--older-than-days", "365", "--dry-run")
    assert ComplaintPersonalData.objects.filter(complaint=complaint).exists()


def test_personal_data_cannot_be_added_back_after_anonymising():
    complaint = closed_complaint(400, "Old Complainant")
    run("--older-than-days", "365")
    complaint.refresh_from_db()
    with pytest.raises(services.ValidationError):
        services.personal_data_save(complaint=complaint, complainant_name="Again")
