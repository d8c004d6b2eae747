"""The work list counts its stages once: the overdue and due figures give the list's length unless a stage or team
filter narrows it; the personal-data check reuses the permissions Django loads anyway."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committee.dates import add_working_days
from tests.complaints.factories import ComplaintFactory, StageFactory, TeamFactory
from tests.complaints.test_work_list import TODAY, stage_due_on

pytestmark = pytest.mark.django_db
URL = reverse("complaints:work_list")


def stage_counts(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    return sum('COUNT("complaints_stage"' in q["sql"] or "COUNT(*)" in q["sql"] for q in queries), response


@pytest.fixture
def three_stages(complaints_officer, client):
    team = TeamFactory()
    StageFactory(
        complaint=ComplaintFactory(received_date=TODAY - datetime.timedelta(days=60), teams=[team]),
        opened_date=TODAY - datetime.timedelta(days=58),
    )
    stage_due_on(add_working_days(TODAY, 1), team=team)
    stage_due_on(add_working_days(TODAY, 2))
    client.force_login(complaints_officer)
    client.get(URL)  # warm the session and permission caches
    return team


def test_the_unfiltered_list_counts_its_stages_once(client, three_stages):
    counted, response = stage_counts(client)
    assert counted == 1
    assert response.context["paginator"].count == len(response.context["stages"]) == 3
    counted, response = stage_counts(client, state="overdue")
    assert counted == 1
    assert response.context["paginator"].count == len(response.context["stages"]) == 1


def test_a_team_filter_counts_what_it_lists(client, three_stages):
    counted, response = stage_counts(client, team=three_stages.pk)
    assert counted == 2  # the overdue and due figures, then the team's own stages
    assert response.context["paginator"].count == len(response.context["stages"]) == 2


def test_the_personal_data_check_costs_no_query_of_its_own(client, three_stages):
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    assert not any('FROM "auth_permission"' in q["sql"] and "SELECT 1 AS" in q["sql"] for q in queries)
