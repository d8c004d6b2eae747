"""Complaints officers log complaints and their stages through the admin; the same rules apply as in the services."""

import datetime

import pytest

from complaints.models import Complaint, ComplaintPersonalData, Stage
from tests.complaints.factories import ComplaintFactory, StageFactory, TeamFactory, ThemeFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/complaints/complaint/add/"


def inline_prefixes(client, url) -> dict[str, str]:
    """{model name: formset prefix} of the inlines on an admin form."""
    response = client.get(url)
    assert response.status_code == 200
    return {inline.formset.model._meta.model_name: inline.formset.prefix for inline in response.context["inline_admin_formsets"]}


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def complaint_form(team, theme, **overrides):
    data = {
        "reference": "",
        "received_date": "03/06/2024",
        "received_how": "email",
        "procedure": "statutory",
        "complainant_type": "parent",
        "via_mp_or_councillor": "unknown",
        "teams": [str(team.pk)],
        "primary_theme": str(theme.pk),
        "themes": [str(theme.pk)],
        "informal_contact_date": "",
        "equality_age": "prefer_not_to_say",
        "equality_sex": "",
        "equality_ethnicity": "",
        "equality_disability": "",
        "lessons_learnt_returned": "unknown",
    }
    data.update(overrides)
    return data


def stage_form(prefix, i, number, opened, **fields):
    base = {
        "number": str(number),
        "opened_date": opened,
        "extended_to": "",
        "extension_reason": "",
        "extension_letter_sent": "",
        "response_date": "",
        "closed_date": "",
        "outcome": "",
        "withdrawal_reason": "",
        "financial_remedy_amount": "",
        "investigating_officer": "",
        "independent_person": "",
        "panel_date": "",
        "panel_report_date": "",
        "panel_recommendations_count": "0",
        "panel_recommendations": "",
    }
    base.update(fields)
    return {f"{prefix}-{i}-{k}": v for k, v in base.items()}


def test_complaints_officer_adds_a_complaint_with_its_stages_and_personal_data(client, complaints_officer):
    # given a complaints officer, a team and a theme
    team, theme = TeamFactory(name="Initial Response Team"), ThemeFactory(name="Communication")
    client.force_login(complaints_officer)
    prefixes = inline_prefixes(client, ADD_URL)
    stages, personal = prefixes["stage"], prefixes["complaintpersonaldata"]
    # when they add a complaint with Stage 1 answered and Stage 2 opened, and the complainant's details
    data = {
        **complaint_form(team, theme),
        **management(stages, total=2),
        **stage_form(stages, 0, 1, "05/06/2024", response_date="14/06/2024", outcome="not_upheld"),
        **stage_form(stages, 1, 2, "24/06/2024", investigating_officer="Fictional IO", independent_person="Fictional IP"),
        **management(personal, total=1),
        f"{personal}-0-complainant_name": "A Fictional Parent",
        f"{personal}-0-complainant_address": "",
        f"{personal}-0-complainant_email": "parent@example.org",
        f"{personal}-0-complainant_phone": "",
        f"{personal}-0-child_name": "",
        f"{personal}-0-child_date_of_birth": "",
        f"{personal}-0-narrative": "Fictional narrative.",
    }
    response = client.post(ADD_URL, data)
    # then it is saved with the year's next reference, working-day due dates and its personal data
    assert response.status_code == 302, [i.formset.errors for i in response.context["inline_admin_formsets"]] + [
        response.context["adminform"].form.errors,
        [i.formset.non_form_errors() for i in response.context["inline_admin_formsets"]],
    ]
    complaint = Complaint.objects.get()
    assert complaint.reference == "CSC-2425-0001"
    assert complaint.informal_contact_due == datetime.date(2024, 6, 5)
    assert list(complaint.teams.all()) == [team]
    stage1, stage2 = complaint.stages.order_by("number")
    assert (stage1.due_date, stage1.working_days_taken, stage1.closed_date) == (datetime.date(2024, 6, 19), 7, datetime.date(2024, 6, 14))
    assert stage2.due_date == datetime.date(2024, 7, 29)  # 25 working days
    assert complaint.current_stage == 2
    assert complaint.closed_date is None
    assert ComplaintPersonalData.objects.get(complaint=complaint).complainant_name == "A Fictional Parent"
    assert complaint.history.exists()
    assert stage2.history.exists()


def test_stage2_without_stage1_is_refused_next_to_the_field_and_nothing_is_lost(client, complaints_officer):
    team, theme = TeamFactory(), ThemeFactory()
    client.force_login(complaints_officer)
    prefixes = inline_prefixes(client, ADD_URL)
    stages = prefixes["stage"]
    data = {
        **complaint_form(team, theme),
        **management(stages, total=1),
        **stage_form(stages, 0, 2, "24/06/2024"),
        **management(prefixes["complaintpersonaldata"], total=0),
    }
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Stage 2 needs a Stage 1 first." in response.content.decode()
    assert 'value="24/06/2024"' in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_stage_opening_before_the_complaint_arrived_is_refused_on_a_new_complaint(client, complaints_officer):
    team, theme = TeamFactory(), ThemeFactory()
    client.force_login(complaints_officer)
    prefixes = inline_prefixes(client, ADD_URL)
    stages = prefixes["stage"]
    data = {
        **complaint_form(team, theme),
        **management(stages, total=1),
        **stage_form(stages, 0, 1, "01/06/2024"),
        **management(prefixes["complaintpersonaldata"], total=0),
    }
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "A stage cannot open before the complaint is received." in response.content.decode()
    assert not Complaint.objects.exists()


def test_an_extension_past_the_limit_is_refused_next_to_the_field(client, complaints_officer):
    team, theme = TeamFactory(), ThemeFactory()
    client.force_login(complaints_officer)
    prefixes = inline_prefixes(client, ADD_URL)
    stages = prefixes["stage"]
    data = {
        **complaint_form(team, theme),
        **management(stages, total=1),
        **stage_form(stages, 0, 1, "05/06/2024", extended_to="31/07/2024", extension_reason="Complex"),
        **management(prefixes["complaintpersonaldata"], total=0),
    }
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Stage 1 can be extended to 20 working days at most (3 July 2024)." in response.content.decode()


def test_staff_without_the_permission_see_the_record_but_not_the_personal_data_inline(client):
    complaint = ComplaintFactory(personal_data={"complainant_name": "Hidden Name"})
    officer = UserFactory(username="officer-admin", role="Officer")
    client.force_login(officer)
    response = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/")
    assert response.status_code == 200
    assert "complaintpersonaldata" not in inline_prefixes(client, f"/admin/complaints/complaint/{complaint.pk}/change/")
    assert "Hidden Name" not in response.content.decode()
    # and cannot change the record
    assert client.post(f"/admin/complaints/complaint/{complaint.pk}/change/", {}).status_code == 403


def test_deleting_stage1_while_stage2_exists_is_refused(client, complaints_officer):
    complaint = ComplaintFactory(received_date=datetime.date(2024, 6, 3))
    s1 = StageFactory(complaint=complaint, opened_date=datetime.date(2024, 6, 5))
    s2 = StageFactory(complaint=complaint, number=2, opened_date=datetime.date(2024, 6, 24))
    client.force_login(complaints_officer)
    url = f"/admin/complaints/complaint/{complaint.pk}/change/"
    prefixes = inline_prefixes(client, url)
    stages = prefixes["stage"]
    team, theme = TeamFactory(), ThemeFactory()
    data = {
        **complaint_form(team, theme, reference=complaint.reference),
        **management(stages, total=2, initial=2),
        **stage_form(
            stages,
            0,
            1,
            "05/06/2024",
            id=str(s1.pk),
            complaint=str(complaint.pk),
            DELETE="on",
            outcome="escalated",
            closed_date="24/06/2024",
        ),
        **stage_form(stages, 1, 2, "24/06/2024", id=str(s2.pk), complaint=str(complaint.pk)),
        **management(prefixes["complaintpersonaldata"], total=0),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Stage 1 cannot be deleted while Stage 2 exists." in response.content.decode()
    assert Stage.objects.filter(complaint=complaint).count() == 2


def test_stage_list_filters_overdue(client, complaints_officer):
    overdue = StageFactory(complaint=ComplaintFactory(received_date=datetime.date(2024, 6, 3)), opened_date=datetime.date(2024, 6, 5))
    client.force_login(complaints_officer)
    html = client.get("/admin/complaints/stage/", {"state": "overdue"}).content.decode()
    assert overdue.complaint.reference in html


# ---------------------------------------------------------------------------
# Escalation in one step; nothing dated in the future (issue 15)
# ---------------------------------------------------------------------------
def test_escalating_closes_the_stage_and_opens_the_next_with_its_due_date(client, complaints_officer):
    complaint = ComplaintFactory(received_date=datetime.date(2025, 6, 2))
    StageFactory(complaint=complaint, number=1, opened_date=datetime.date(2025, 6, 4))
    client.force_login(complaints_officer)
    page = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/").content.decode()
    step = f"/admin/complaints/complaint/{complaint.pk}/step/escalate/"
    assert step in page
    assert "Escalate to Stage 2" in client.get(step).content.decode()
    assert client.post(step, {"opened_date": "2025-06-20", "reason": ""}).status_code == 302
    first, second = complaint.stages.order_by("number")
    assert (first.outcome, first.closed_date) == (Stage.Outcome.ESCALATED, datetime.date(2025, 6, 20))
    assert (second.number, second.opened_date) == (2, datetime.date(2025, 6, 20))
    assert second.due_date is not None


def test_a_new_complaints_first_stage_is_numbered_one(client, complaints_officer):
    client.force_login(complaints_officer)
    response = client.get(ADD_URL)
    stages = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is Stage).formset
    assert stages.empty_form["number"].value() == 1


def test_a_response_dated_in_the_future_is_refused():
    from django.core.exceptions import ValidationError

    from complaints import services

    stage = StageFactory(complaint=ComplaintFactory(received_date=datetime.date(2025, 6, 2)), opened_date=datetime.date(2025, 6, 4))
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.stage_close(stage=stage, outcome=Stage.Outcome.UPHELD, response_date=datetime.date.today() + datetime.timedelta(days=5))
