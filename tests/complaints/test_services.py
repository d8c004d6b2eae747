"""Due dates in working days (bank holidays excluded), extensions, escalation and closure follow the regulations."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from committee.dates import add_working_days
from complaints import services
from complaints.models import Complaint, Stage
from tests.complaints.factories import ComplaintFactory, OmbudsmanCaseFactory, StageFactory, TeamFactory

pytestmark = pytest.mark.django_db

D = datetime.date


# ---------------------------------------------------------------------------
# Due dates
# ---------------------------------------------------------------------------
def test_stage1_due_date_skips_christmas_boxing_day_and_new_year():
    # given a Stage 1 opened on Wednesday 17 December 2025
    complaint = ComplaintFactory(received_date=D(2025, 12, 15))
    # when it is opened
    stage = StageFactory(complaint=complaint, opened_date=D(2025, 12, 17))
    # then 10 working days, skipping 25 and 26 December and 1 January, end on Monday 5 January 2026
    assert stage.due_date == D(2026, 1, 5)


def test_stage2_due_date_skips_easter_and_the_early_may_bank_holiday():
    # given Stage 1 answered, and Stage 2 asked for on Thursday 10 April 2025
    complaint = ComplaintFactory(received_date=D(2025, 3, 3))
    stage1 = StageFactory(complaint=complaint, opened_date=D(2025, 3, 5))
    services.stage_close(stage=stage1, outcome=Stage.Outcome.NOT_UPHELD, response_date=D(2025, 3, 19))
    # when Stage 2 opens
    stage2 = StageFactory(complaint=complaint, number=2, opened_date=D(2025, 4, 10))
    # then 25 working days (Good Friday, Easter Monday and 5 May excluded) end on Tuesday 20 May 2025
    assert stage2.due_date == D(2025, 5, 20)


def test_working_days_taken_are_counted_without_bank_holidays():
    stage = StageFactory(complaint=ComplaintFactory(received_date=D(2025, 12, 15)), opened_date=D(2025, 12, 17))
    services.stage_close(stage=stage, outcome=Stage.Outcome.UPHELD, response_date=D(2026, 1, 5))
    stage.refresh_from_db()
    assert stage.working_days_taken == 10
    assert stage.closed_date == D(2026, 1, 5)


def test_informal_contact_is_due_two_working_days_after_receipt_over_a_bank_holiday_weekend():
    # received Friday 22 August 2025; Monday 25 August is the summer bank holiday
    complaint = ComplaintFactory(received_date=D(2025, 8, 22))
    assert complaint.informal_contact_due == D(2025, 8, 27)


def test_stage3_deadlines_move_from_panel_to_report_to_response():
    complaint = ComplaintFactory(received_date=D(2024, 4, 1))
    s1 = StageFactory(complaint=complaint, opened_date=D(2024, 4, 3))
    services.stage_close(stage=s1, outcome=Stage.Outcome.NOT_UPHELD, response_date=D(2024, 4, 12))
    s2 = StageFactory(complaint=complaint, number=2, opened_date=D(2024, 4, 22))
    services.stage_close(stage=s2, outcome=Stage.Outcome.PARTIALLY_UPHELD, response_date=D(2024, 5, 24))
    # the panel must meet within 30 working days of the request (27 May 2024 is a bank holiday)
    s3 = StageFactory(complaint=complaint, number=3, opened_date=D(2024, 6, 3))
    assert s3.due_date == D(2024, 7, 15)
    assert s3.due_label == "Panel to meet"
    # then its report within 5 working days of meeting
    s3.panel_date = D(2024, 7, 10)
    services.stage_save(stage=s3)
    assert s3.due_date == D(2024, 7, 17)
    # then the council's response within a further 15 working days
    s3.panel_report_date = D(2024, 7, 16)
    services.stage_save(stage=s3)
    assert s3.due_date == D(2024, 8, 6)
    assert s3.due_label == "Council's response"


# ---------------------------------------------------------------------------
# Extensions
# ---------------------------------------------------------------------------
def test_stage1_extension_moves_the_due_date_up_to_twenty_working_days():
    stage = StageFactory(complaint=ComplaintFactory(received_date=D(2025, 12, 15)), opened_date=D(2025, 12, 17))
    # 20 working days from 17 December 2025, over Christmas and New Year, is 19 January 2026
    services.stage_extend(stage=stage, extended_to=D(2026, 1, 19), reason="Complex complaint", letter_sent=D(2025, 12, 29))
    assert stage.due_date == D(2026, 1, 19)
    assert stage.is_extended


def test_stage1_extension_beyond_twenty_working_days_is_refused_next_to_the_field():
    stage = StageFactory(complaint=ComplaintFactory(received_date=D(2025, 12, 15)), opened_date=D(2025, 12, 17))
    with pytest.raises(ValidationError) as error:
        services.stage_extend(stage=stage, extended_to=D(2026, 1, 20), reason="Complex complaint")
    assert "extended_to" in error.value.message_dict
    assert "19 January 2026" in error.value.message_dict["extended_to"][0]


def test_stage2_extension_is_allowed_to_65_working_days_and_no_further():
    complaint = ComplaintFactory(received_date=D(2025, 3, 3))
    s1 = StageFactory(complaint=complaint, opened_date=D(2025, 3, 5))
    services.stage_close(stage=s1, outcome=Stage.Outcome.NOT_UPHELD, response_date=D(2025, 3, 19))
    s2 = StageFactory(complaint=complaint, number=2, opened_date=D(2025, 4, 10))
    limit = add_working_days(D(2025, 4, 10), 65)
    services.stage_extend(stage=s2, extended_to=limit, reason="Investigating Officer needs more interviews")
    assert s2.due_date == limit
    with pytest.raises(ValidationError):
        services.stage_extend(stage=s2, extended_to=limit + datetime.timedelta(days=7), reason="More time")


def test_an_extension_needs_a_reason():
    stage = StageFactory()
    with pytest.raises(ValidationError) as error:
        services.stage_extend(stage=stage, extended_to=stage.opened_date + datetime.timedelta(days=14), reason="")
    assert "extension_reason" in error.value.message_dict


# ---------------------------------------------------------------------------
# Escalation, outcomes, closure
# ---------------------------------------------------------------------------
def test_asking_for_stage2_closes_an_open_stage1_as_escalated():
    complaint = ComplaintFactory(received_date=D(2024, 8, 5))
    s1 = StageFactory(complaint=complaint, opened_date=D(2024, 8, 7))
    StageFactory(complaint=complaint, number=2, opened_date=D(2024, 8, 15))
    s1.refresh_from_db()
    assert s1.outcome == Stage.Outcome.ESCALATED
    assert s1.closed_date == D(2024, 8, 15)
    assert s1.working_days_taken is None  # no response letter, so not in the timescale figures


def test_stage2_without_stage1_is_refused():
    with pytest.raises(ValidationError) as error:
        StageFactory(complaint=ComplaintFactory(), number=2)
    assert "Stage 2 needs a Stage 1 first" in str(error.value)


def test_a_complaint_resolved_informally_has_no_formal_stage():
    complaint = ComplaintFactory(received_date=D(2024, 8, 5))
    services.complaint_resolve_informally(complaint=complaint, contact_date=D(2024, 8, 6))
    with pytest.raises(ValidationError):
        StageFactory(complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.closed_date == D(2024, 8, 6)
    assert complaint.current_stage == 0


def test_a_withdrawn_stage_needs_a_reason():
    stage = StageFactory()
    with pytest.raises(ValidationError) as error:
        services.stage_close(stage=stage, outcome=Stage.Outcome.WITHDRAWN, closed_date=stage.opened_date + datetime.timedelta(days=9))
    assert "withdrawal_reason" in error.value.message_dict


def test_a_finding_needs_a_response_date():
    stage = StageFactory()
    with pytest.raises(ValidationError) as error:
        services.stage_close(stage=stage, outcome=Stage.Outcome.UPHELD, closed_date=stage.opened_date + datetime.timedelta(days=9))
    assert "response_date" in error.value.message_dict


def test_the_complaint_is_closed_when_its_last_stage_and_lgsco_case_close():
    complaint = ComplaintFactory(received_date=D(2024, 6, 3))
    stage = StageFactory(complaint=complaint, opened_date=D(2024, 6, 5))
    assert Complaint.objects.get(pk=complaint.pk).closed_date is None
    services.stage_close(stage=stage, outcome=Stage.Outcome.NOT_UPHELD, response_date=D(2024, 6, 14))
    complaint.refresh_from_db()
    assert (complaint.closed_date, complaint.current_stage) == (D(2024, 6, 14), 1)
    # an LGSCO case still open keeps the complaint open (and its personal data out of the retention rule)
    case = OmbudsmanCaseFactory(complaint=complaint, received_date=D(2024, 9, 2))
    complaint.refresh_from_db()
    assert complaint.closed_date is None
    case.decision, case.decision_date, case.closed_date = "not_upheld", D(2024, 11, 1), D(2024, 11, 1)
    services.ombudsman_case_save(case=case)
    complaint.refresh_from_db()
    assert complaint.closed_date == D(2024, 11, 1)


def test_references_run_on_within_the_financial_year():
    first = ComplaintFactory(received_date=D(2025, 4, 1))
    second = ComplaintFactory(received_date=D(2026, 3, 31))
    next_year = ComplaintFactory(received_date=D(2026, 4, 1))
    assert (first.reference, second.reference, next_year.reference) == ("CSC-2526-0001", "CSC-2526-0002", "CSC-2627-0001")


def test_dates_outside_1990_to_2100_are_refused_before_any_working_day_arithmetic():
    with pytest.raises(ValidationError) as error:
        ComplaintFactory(received_date=D(9999, 12, 31))
    assert "received_date" in error.value.message_dict


# ---------------------------------------------------------------------------
# Bulk import (older systems' records, the demo)
# ---------------------------------------------------------------------------
def test_bulk_import_derives_the_same_dates_and_closure_as_one_by_one_entry():
    record = services.ImportedComplaint(
        complaint=Complaint(reference="OLD-0001", received_date=D(2025, 12, 15)),
        stages=[
            Stage(number=1, opened_date=D(2025, 12, 17)),  # left open: closed as escalated by Stage 2
            Stage(number=2, opened_date=D(2026, 1, 6), outcome=Stage.Outcome.NOT_UPHELD, response_date=D(2026, 2, 6)),
        ],
        personal_data={"complainant_name": "Imported Name"},
    )
    (complaint,) = services.complaints_import(records=[record])
    stage1, stage2 = complaint.stages.order_by("number")
    assert stage1.due_date == D(2026, 1, 5)
    assert (stage1.outcome, stage1.closed_date) == (Stage.Outcome.ESCALATED, D(2026, 1, 6))
    assert stage2.working_days_taken == 23
    assert (complaint.current_stage, complaint.closed_date, complaint.informal_contact_due) == (2, D(2026, 2, 6), D(2025, 12, 17))
    assert complaint.history.count() == 1
    assert complaint.personal_data.complainant_name == "Imported Name"


def test_bulk_import_refuses_a_stage_that_skips_one():
    record = services.ImportedComplaint(
        complaint=Complaint(reference="OLD-0002", received_date=D(2025, 12, 15)), stages=[Stage(number=2, opened_date=D(2025, 12, 17))]
    )
    with pytest.raises(ValidationError):
        services.complaints_import(records=[record])
    assert not Complaint.objects.filter(reference="OLD-0002").exists()


# ---------------------------------------------------------------------------
# Reference lists
# ---------------------------------------------------------------------------
def test_a_team_is_found_by_any_of_its_names_and_closed_teams_drop_out():
    from complaints.models import Team

    cass = TeamFactory(name="Children's Advice and Support Service (CASS)", aliases="CASS\nthe Care and Support Service (CASS)")
    TeamFactory(name="Fostering", valid_to=D(2024, 3, 31))
    assert list(Team.objects.named("the care and support service (cass)")) == [cass]
    assert list(Team.objects.named("CASS")) == [cass]
    assert not Team.objects.named("Care").exists()
    assert "Fostering" not in Team.objects.current(D(2025, 1, 1)).values_list("name", flat=True)


def test_csv_labels_cannot_become_spreadsheet_formulas(client):
    team = TeamFactory(name="=HYPERLINK(1)")
    StageFactory(complaint=ComplaintFactory(received_date=D(2024, 6, 3), teams=[team]))
    rows = client.get("/complaints/report/2024-25/teams.csv").content.decode()
    assert "'=HYPERLINK(1)" in rows


def test_a_stage_cannot_open_before_the_complaint_is_received():
    with pytest.raises(ValidationError) as error:
        StageFactory(complaint=ComplaintFactory(received_date=D(2024, 6, 3)), opened_date=D(2024, 6, 1))
    assert "opened_date" in error.value.message_dict
