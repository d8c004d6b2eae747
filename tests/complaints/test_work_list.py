"""The officer's work list: stages overdue or due in the next two working days, with a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse

from committee.dates import add_working_days
from complaints import services
from complaints.models import Stage
from tests.complaints.factories import ComplaintFactory, StageFactory, TeamFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def stage_due_on(due: datetime.date, team=None) -> Stage:
    """An open Stage 1 whose (extended) due date is `due`."""
    received = due - datetime.timedelta(days=40)
    complaint = ComplaintFactory(received_date=received, teams=[team] if team else [])
    stage = StageFactory(complaint=complaint, opened_date=received + datetime.timedelta(days=1))
    stage.extended_to, stage.extension_reason = due, "Complex"
    # extensions are capped at 20 working days, so set the date as the service would for one within the limit
    Stage.objects.filter(pk=stage.pk).update(due_date=due, extended_to=due)
    return stage


def test_lists_overdue_and_due_within_two_working_days_only(client, complaints_officer):
    overdue = StageFactory(
        complaint=ComplaintFactory(received_date=TODAY - datetime.timedelta(days=60)), opened_date=TODAY - datetime.timedelta(days=58)
    )
    due_soon = stage_due_on(add_working_days(TODAY, 2))
    later = stage_due_on(add_working_days(TODAY, 3))
    closed = StageFactory(
        complaint=ComplaintFactory(received_date=TODAY - datetime.timedelta(days=60)), opened_date=TODAY - datetime.timedelta(days=58)
    )
    services.stage_close(stage=closed, outcome=Stage.Outcome.UPHELD, response_date=TODAY - datetime.timedelta(days=30))
    client.force_login(complaints_officer)
    html = client.get(reverse("complaints:work_list")).content.decode()
    assert overdue.complaint.reference in html
    assert "Overdue by" in html
    assert due_soon.complaint.reference in html
    assert "Due in 2 working days" in html
    assert later.complaint.reference not in html
    assert closed.complaint.reference not in html


def test_filters_by_state_stage_and_team(client, complaints_officer):
    team = TeamFactory(name="Adoption")
    overdue = StageFactory(
        complaint=ComplaintFactory(received_date=TODAY - datetime.timedelta(days=60), teams=[team]),
        opened_date=TODAY - datetime.timedelta(days=58),
    )
    due_soon = stage_due_on(add_working_days(TODAY, 1))
    client.force_login(complaints_officer)
    html = client.get(reverse("complaints:work_list"), {"state": "due"}).content.decode()
    assert due_soon.complaint.reference in html
    assert overdue.complaint.reference not in html
    html = client.get(reverse("complaints:work_list"), {"team": team.pk}).content.decode()
    assert overdue.complaint.reference in html
    assert due_soon.complaint.reference not in html
    assert client.get(reverse("complaints:work_list"), {"number": "9", "state": "<script>"}).status_code == 200


def test_informal_contacts_due_are_listed(client, complaints_officer):
    complaint = ComplaintFactory(received_date=TODAY)
    client.force_login(complaints_officer)
    html = client.get(reverse("complaints:work_list")).content.decode()
    assert "Informal contact due" in html
    assert complaint.reference in html


def test_work_list_runs_the_same_queries_with_1_and_20_stages(
    client, complaints_officer, django_assert_num_queries, django_assert_max_num_queries
):
    """Guards the N+1 on each row's complaint, teams and (for complaints officers) personal data."""
    team = TeamFactory()
    ComplaintFactory(received_date=TODAY - datetime.timedelta(days=61), teams=[team], personal_data={"complainant_name": "X"})
    first = StageFactory(
        complaint=ComplaintFactory(received_date=TODAY - datetime.timedelta(days=60), teams=[team]),
        opened_date=TODAY - datetime.timedelta(days=58),
    )
    assert first
    client.force_login(complaints_officer)
    client.get(reverse("complaints:work_list"))  # warm the session and permission caches
    with django_assert_max_num_queries(14) as baseline:  # session, user, permissions, savepoints, the list and its counts
        client.get(reverse("complaints:work_list"))
    for i in range(19):
        complaint = ComplaintFactory(
            received_date=TODAY - datetime.timedelta(days=60 + i), teams=[team], personal_data={"complainant_name": f"N{i}"}
        )
        StageFactory(complaint=complaint, opened_date=TODAY - datetime.timedelta(days=58 + i))
    with django_assert_num_queries(len(baseline.captured_queries)):
        html = client.get(reverse("complaints:work_list")).content.decode()
    assert html.count("Overdue by") == 20


def test_the_index_links_to_the_work_list_only_for_those_who_may_use_it(client, complaints_officer):
    ComplaintFactory(received_date=TODAY)
    assert reverse("complaints:work_list") not in client.get(reverse("complaints:index")).content.decode()
    client.force_login(complaints_officer)
    assert reverse("complaints:work_list") in client.get(reverse("complaints:index")).content.decode()
