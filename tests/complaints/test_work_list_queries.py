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


@pytest.mark.parametrize("role", ["Complaints officer", "Officer", None])
def test_the_two_factor_check_loads_the_permissions_django_would(settings, role):
    """committee.two_factor reads a user's roles with their permissions in one query and keeps both sets of permissions
    as ModelBackend would have loaded them: the same roles need two-factor, the same permissions are granted."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Group, Permission

    from committee.two_factor import two_factor_required
    from tests.factories import UserFactory

    settings.REQUIRE_TWO_FACTOR = True
    user = UserFactory(username=f"two-factor-{role}", role=role)
    user.groups.add(Group.objects.create(name="A role with no permissions"))
    user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    checked = get_user_model().objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        assert two_factor_required(checked) is (role is not None)
        assert ModelBackend().get_all_permissions(checked) == ModelBackend().get_all_permissions(get_user_model().objects.get(pk=user.pk))
    assert len(queries) == 1 + 3  # the one above, then the fresh copy's user, own and roles' permissions
    assert "complaints.view_personal_data" in checked._user_perm_cache


def test_a_verified_complaints_officer_asks_no_permission_query_of_their_own(client, settings, three_stages):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import UserFactory

    settings.REQUIRE_TWO_FACTOR = True
    officer = UserFactory(username="verified-complaints-officer", role="Complaints officer")
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    client.force_login(officer)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # passed two-factor, as django_otp.login records it
    session.save()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    # One query for roles and permissions: the two-factor check's, which has_perm then reuses.
    assert sum('"auth_permission"' in q["sql"] or '"auth_group"' in q["sql"] for q in queries) == 1
