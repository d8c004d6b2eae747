"""Personal data reaches the Complaints officer role only: never the public, councillors or other staff.

A marker is planted in every personal field (and in their change history); every complaints page, every CSV,
the PDF (text extracted with pypdf) and the admin's lists, forms, history, search and autocomplete are fetched
for each role, and the marker must appear in none of them. The complaints officer, as a control, does see it.
"""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from committee.dates import add_working_days
from complaints import services
from complaints.models import ComplaintPersonalData, Stage
from complaints.report import AnnualComplaintsReport
from tests.complaints.factories import ComplaintFactory, StageFactory, TeamFactory
from tests.factories import UserFactory
from tests.pdfs import body, get_pdf

pytestmark = pytest.mark.django_db

MARKER = "PERSONAL-MARKER-XYZ"
ROLES = {
    "public": None,
    "councillor": "Councillor",
    "officer": "Officer",
    "clerk": "Clerk",
    "administrator (not superuser)": "Administrator",
    # Managing the system is not reading what it holds: a superuser sees personal data only if also given the role.
    "superuser": "SUPERUSER",
}


@pytest.fixture
def planted():
    """One closed complaint in 2024/25 and one open, overdue one this year, both with the marker in every personal field."""
    team = TeamFactory(name="Family Safeguarding", slug="family-safeguarding")
    personal = {
        "complainant_name": f"{MARKER} Name",
        "complainant_address": f"1 {MARKER} Street",
        "complainant_email": f"{MARKER}@example.org",
        "complainant_phone": MARKER,
        "child_name": f"{MARKER} Child",
        "narrative": f"The complaint in the complainant's words: {MARKER}.",
    }
    closed = ComplaintFactory(received_date=datetime.date(2024, 6, 3), teams=[team], personal_data=personal)
    stage = StageFactory(complaint=closed, opened_date=datetime.date(2024, 6, 5))
    services.stage_close(stage=stage, outcome=Stage.Outcome.PARTIALLY_UPHELD, response_date=datetime.date(2024, 6, 14))
    # a second edit, so the audit trail holds the marker twice
    services.personal_data_save(complaint=closed, narrative=f"Updated notes: {MARKER}.")

    today = datetime.date.today()
    received = today - datetime.timedelta(days=30)
    open_complaint = ComplaintFactory(received_date=received, teams=[team], personal_data=personal)
    open_stage = StageFactory(complaint=open_complaint, opened_date=add_working_days(received, 2))
    return closed, open_complaint, open_stage


def urls_for(closed, open_complaint, open_stage) -> list[str]:
    """Every complaints page, CSV and PDF, and every admin view of the planted records."""
    urls = [reverse("complaints:index"), reverse("complaints:work_list")]
    for year in ("2024-25", open_complaint.financial_year.slug):
        urls += [reverse("complaints:report", args=[year]), reverse("complaints:report_pdf", args=[year])]
        urls += [reverse("complaints:report_csv", args=[year, key]) for key in AnnualComplaintsReport.TABLES]
    history_id = closed.history.first().history_id
    urls += [
        "/admin/",
        "/admin/complaints/",
        "/admin/complaints/complaint/",
        "/admin/complaints/complaint/?q=PERSONAL-MARKER",
        f"/admin/complaints/complaint/{closed.pk}/change/",
        f"/admin/complaints/complaint/{open_complaint.pk}/change/",
        f"/admin/complaints/complaint/{closed.pk}/history/",
        f"/admin/complaints/complaint/{closed.pk}/history/{history_id}/",
        "/admin/complaints/stage/",
        f"/admin/complaints/stage/{open_stage.pk}/change/",
        "/admin/complaints/complaintpersonaldata/",
        "/admin/autocomplete/?app_label=complaints&model_name=stage&field_name=complaint&term=PERSONAL",
    ]
    return urls


def body_text(response) -> str:
    if response.get("Content-Type") == "application/pdf":
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body(response))).pages)
    return response.content.decode(errors="replace")


@pytest.mark.parametrize("role", list(ROLES))
def test_no_personal_field_reaches_anyone_outside_the_complaints_group(client, planted, role):
    # given the marker in every personal field, and a user in `role` (or nobody signed in)
    closed, open_complaint, open_stage = planted
    if ROLES[role] == "SUPERUSER":
        client.force_login(UserFactory(username="privacy-superuser", is_superuser=True, is_staff=True))
    elif ROLES[role]:
        client.force_login(UserFactory(username=f"privacy-{role.split()[0]}", role=ROLES[role]))
    leaks, statuses = [], []
    for url in urls_for(*planted):
        # when they fetch it
        response = get_pdf(client, url)
        statuses.append((url, response.status_code))
        # then the marker is nowhere in what they receive (a refusal is fine too)
        assert response.status_code in (200, 302, 403, 404), f"{url}: {response.status_code}"
        if MARKER.lower() in body_text(response).lower():
            leaks.append(url)
    assert not leaks, f"{role} received personal data at: {leaks}"
    if role in ("officer", "superuser"):
        # staff with view permission really do open the records (so the absence above means something)
        assert dict(statuses)[f"/admin/complaints/complaint/{closed.pk}/change/"] == 200
        assert dict(statuses)[reverse("complaints:work_list")] == 200


@pytest.mark.parametrize("role", ["officer", "clerk"])
def test_searching_the_admin_by_name_finds_nothing_without_the_permission(client, planted, role):
    # a search that matched names would reveal who complained, even without showing the name
    closed, *_ = planted
    client.force_login(UserFactory(username=f"search-{role}", role=ROLES[role]))
    html = client.get("/admin/complaints/complaint/", {"q": f"{MARKER} Name"}).content.decode()
    assert closed.reference not in html


def test_the_reports_are_public_and_anonymous(client, planted):
    response = client.get(reverse("complaints:report", args=["2024-25"]))
    assert response.status_code == 200
    assert "contains totals only" in response.content.decode()


def test_work_list_refuses_the_public_and_councillors(client, planted):
    assert client.get(reverse("complaints:work_list")).status_code == 302  # to the login page
    client.force_login(UserFactory(username="wl-councillor", role="Councillor"))
    assert client.get(reverse("complaints:work_list")).status_code == 403


def test_officers_see_the_work_list_without_personal_data(client, planted):
    *_, open_stage = planted
    client.force_login(UserFactory(username="wl-officer", role="Officer"))
    html = client.get(reverse("complaints:work_list")).content.decode()
    assert open_stage.complaint.reference in html
    assert "Complainant</th>" not in html
    assert MARKER not in html


def test_the_complaints_officer_does_see_the_personal_data(client, planted, complaints_officer):
    # the control: the same pages do carry the marker for the one role allowed it
    closed, open_complaint, _ = planted
    client.force_login(complaints_officer)
    assert MARKER in client.get(f"/admin/complaints/complaint/{closed.pk}/change/").content.decode()
    assert MARKER in client.get(reverse("complaints:work_list")).content.decode()
    found = client.get("/admin/complaints/complaint/", {"q": f"{MARKER} Name"}).content.decode()
    assert closed.reference in found
    # and still not on the public report
    assert MARKER not in client.get(reverse("complaints:report", args=["2024-25"])).content.decode()


def test_anonymising_removes_the_personal_data_and_its_history(planted):
    closed, open_complaint, _ = planted
    services.complaint_anonymise(complaint=closed)
    assert not ComplaintPersonalData.objects.filter(complaint=closed).exists()
    assert not ComplaintPersonalData.history.filter(complaint_id=closed.pk).exists()
    # the other complaint keeps its own
    assert ComplaintPersonalData.history.filter(complaint_id=open_complaint.pk, complainant_name__contains=MARKER).exists()
