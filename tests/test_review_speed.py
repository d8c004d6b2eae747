"""Fresh-eyes review of the speed work (3abc230..): the shortcuts must show exactly what the plain queries did, and
never more than the reader may see."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchVector

from committee.models import Membership
from search import query as search_query
from search.models import SearchEntry
from tests.complaints.test_privacy import MARKER, planted  # noqa: F401 - planted: a fixture, used below
from tests.factories import CommitteeFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------
# search.query.newest_page: the newest entries stand in for the table, the filters still apply to every row
# ---------------------------------------------------------------------------
@pytest.fixture
def entries():
    """Public and restricted entries of two committees, newest restricted ones of the other committee first."""
    mine, other = CommitteeFactory(name="Mine"), CommitteeFactory(name="Other")
    member = UserFactory(username="review-member", role="Councillor")
    Membership.objects.create(committee=mine, person=PersonFactory(user=member), start_date=datetime.date(2020, 1, 1))
    n = 0
    for day in range(60):
        date = datetime.date(2025, 1, 1) + datetime.timedelta(days=day // 2)  # dates shared: the id breaks the tie
        for committee, visibility in itertools.product((mine, other), SearchEntry.Visibility.values):
            n += 1
            SearchEntry.objects.create(
                kind=("minute", "document", "resolution")[n % 3],
                object_id=n,
                committee=committee,
                date=date if n % 17 else None,
                title=f"Respite {committee.name} {visibility} {n}",
                body="respite" if n % 5 else "other words",
                url=f"/x/{n}/",
                visibility=visibility,
            )
    SearchEntry.objects.update(vector=SearchVector("title", "body"))
    return {"mine": mine, "other": other, "member": member}


@pytest.mark.parametrize("per_result", [100, 3, 1])
@pytest.mark.parametrize("who", ["public", "member"])
def test_newest_page_equals_the_full_query_for_every_filter_and_page(entries, monkeypatch, per_result, who):
    monkeypatch.setattr(search_query, "NEWEST_WINDOW_PER_RESULT", per_result)
    user = entries["member"] if who == "member" else AnonymousUser()
    visible = SearchEntry.objects.visible_to(user).prefetch_related("committee")
    words = search_query.parse("respite")
    variants = {
        "words": search_query.matching(visible, words),
        "everything": visible,
        "kind": search_query.matching(visible, words).filter(kind="document"),
        "mine": search_query.matching(visible, words).filter(committee=entries["mine"]),
        "other": search_query.matching(visible, words).filter(committee=entries["other"]),
        "date_from": search_query.matching(visible, words).filter(date__gte=datetime.date(2025, 1, 20)),
    }
    for name, queryset in variants.items():
        for start in range(0, 100, 20):
            expected = list(search_query.newest_first(queryset)[start : start + 20])
            found = search_query.newest_page(queryset, start, start + 20)
            assert [e.pk for e in found] == [e.pk for e in expected], (name, start)
            assert [e.title for e in found] == [e.title for e in expected]
            restricted = [e for e in found if e.visibility == SearchEntry.Visibility.RESTRICTED]
            if who == "public":
                assert not restricted
            else:
                assert all(e.committee_id == entries["mine"].pk for e in restricted)


# ---------------------------------------------------------------------------
# committee.two_factor: the permissions it loads with the roles are exactly Django's own
# ---------------------------------------------------------------------------
def _django_permissions(user):
    """What ModelBackend answers for a fresh copy of `user` (nothing kept on it)."""
    from django.contrib.auth import get_user_model

    fresh = get_user_model().objects.get(pk=user.pk)
    return fresh.get_all_permissions(), fresh.get_user_permissions(), fresh.get_group_permissions()


def _users():
    from django.contrib.auth.models import Group, Permission

    plain = UserFactory(username="tf-plain")
    direct = UserFactory(username="tf-direct")
    direct.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    councillor = UserFactory(username="tf-councillor", role="Councillor")
    both = UserFactory(username="tf-both", role="Complaints officer")
    both.user_permissions.add(Permission.objects.get(codename="publish_meeting"))
    both.groups.add(Group.objects.create(name="A role with no permissions"))
    empty_role = UserFactory(username="tf-empty-role")
    empty_role.groups.add(Group.objects.get(name="A role with no permissions"))
    inactive = UserFactory(username="tf-inactive", role="Clerk")
    inactive.is_active = False
    inactive.save()
    superuser = UserFactory(username="tf-super")
    superuser.is_superuser = True
    superuser.save()
    return [plain, direct, councillor, both, empty_role, inactive, superuser]


def test_the_permissions_two_factor_loads_are_djangos_own(settings):
    from django.contrib.auth import get_user_model

    from committee.access import granted
    from committee.two_factor import two_factor_required

    settings.REQUIRE_TWO_FACTOR = True
    for user in _users():
        loaded = get_user_model().objects.get(pk=user.pk)
        two_factor_required(loaded)
        expected_all, expected_own, expected_roles = _django_permissions(user)
        assert loaded.get_all_permissions() == expected_all, user.username
        assert loaded.get_user_permissions() == expected_own, user.username
        assert loaded.get_group_permissions() == expected_roles, user.username
        for perm in ("complaints.view_personal_data", "meetings.publish_meeting", "complaints.view_complaint"):
            fresh = get_user_model().objects.get(pk=user.pk)
            assert loaded.has_perm(perm) == fresh.has_perm(perm), (user.username, perm)
            assert granted(loaded, perm) == granted(fresh, perm), (user.username, perm)
        for app in ("complaints", "meetings", "auth"):
            assert loaded.has_module_perms(app) == get_user_model().objects.get(pk=user.pk).has_module_perms(app)


# ---------------------------------------------------------------------------
# The meeting page asks for no agenda or minutes the meeting cannot show: the same rows as Meeting.with_full_record
# ---------------------------------------------------------------------------
@pytest.fixture
def readers():

    committee = CommitteeFactory(name="Reviewed Committee")
    other = CommitteeFactory(name="Another Committee")
    member = UserFactory(username="mr-member", role="Councillor")
    Membership.objects.create(committee=committee, person=PersonFactory(user=member), start_date=datetime.date(2020, 1, 1))
    officer = UserFactory(username="mr-officer", role="Officer")
    committee.supporting_officers.add(officer)
    other_officer = UserFactory(username="mr-other-officer", role="Officer")
    other.supporting_officers.add(other_officer)
    other_member = UserFactory(username="mr-other-member", role="Councillor")
    Membership.objects.create(committee=other, person=PersonFactory(user=other_member), start_date=datetime.date(2020, 1, 1))
    return committee, {"public": None, "member": member, "officer": officer, "other officer": other_officer, "other member": other_member}


def test_the_meeting_page_shows_what_with_full_record_shows_for_every_state_and_reader(client, readers):
    from meetings.models import AgendaItem, Meeting
    from tests.factories import MeetingFactory, MinuteItemFactory

    committee, who = readers
    meetings = []
    day = datetime.date(2025, 1, 6)
    for agenda, minutes, published in itertools.product(Meeting.AgendaStatus.values, Meeting.MinutesStatus.values, (False, True)):
        day += datetime.timedelta(days=7)
        meeting = MeetingFactory(committee=committee, date=day, agenda_status=agenda, minutes_status=minutes, minutes_published=published)
        AgendaItem.objects.create(meeting=meeting, number=1, title=f"OPEN-AGENDA-{meeting.pk}")
        exempt = AgendaItem.objects.create(meeting=meeting, number=2, title=f"EXEMPT-AGENDA-{meeting.pk}", exempt_paragraph=3)
        MinuteItemFactory(meeting=meeting, title=f"OPEN-MINUTE-{meeting.pk}", body=f"OPEN-BODY-{meeting.pk}")
        MinuteItemFactory(
            meeting=meeting, title=f"EXEMPT-MINUTE-{meeting.pk}", body=f"EXEMPT-BODY-{meeting.pk}", agenda_item=exempt, is_exempt=True
        )
        meetings.append(meeting)
    for name, user in who.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        reader = user or AnonymousUser()
        for meeting in meetings:
            response = client.get(meeting.get_absolute_url())
            assert response.status_code == 200
            shown = response.context["meeting"]
            full = Meeting.objects.with_full_record(reader).get(pk=meeting.pk)
            assert [i.pk for i in shown.agenda_items.all()] == [i.pk for i in full.agenda_items.all()], (name, meeting)
            assert [m.pk for m in shown.minute_items.all()] == [m.pk for m in full.minute_items.all()], (name, meeting)
            html = response.content.decode()
            insider = name in ("member", "officer")
            if not insider:
                assert f"EXEMPT-BODY-{meeting.pk}" not in html
                if meeting.agenda_status != Meeting.AgendaStatus.PUBLISHED:
                    assert f"OPEN-AGENDA-{meeting.pk}" not in html
                if not Meeting.objects.filter(Meeting.public_minutes_q(), pk=meeting.pk).exists():
                    assert f"OPEN-MINUTE-{meeting.pk}" not in html
                    assert f"OPEN-BODY-{meeting.pk}" not in html
            else:
                assert f"OPEN-AGENDA-{meeting.pk}" in html
                assert f"OPEN-BODY-{meeting.pk}" in html
                assert f"EXEMPT-BODY-{meeting.pk}" in html


# ---------------------------------------------------------------------------
# A measure's page names no priority of a plan still in draft
# ---------------------------------------------------------------------------
def test_a_measure_page_names_no_priority_of_a_draft_plan(client):
    from improvement.models import ImprovementPlan
    from tests.improvement.factories import MeasureFactory, PlanFactory, PriorityFactory

    measure = MeasureFactory(name="Caseloads")
    published = PriorityFactory(plan=PlanFactory(name="PUBLISHED-PLAN", short_name=""), label="Priority 1")
    draft = PriorityFactory(plan=PlanFactory(name="DRAFT-PLAN", short_name="", status=ImprovementPlan.Status.DRAFT), label="Priority 2")
    measure.priorities.add(published, draft)
    html = client.get(measure.get_absolute_url()).content.decode()
    assert "PUBLISHED-PLAN" in html
    assert "DRAFT-PLAN" not in html


def test_newest_page_with_a_subquery_of_entries_before_the_main_from(entries):
    """A column that is itself a query of entries comes before the statement's own FROM: the newest entries must stand in
    for the table, never for that subquery."""
    from django.db.models import Exists, OuterRef

    later = SearchEntry.objects.filter(committee_id=OuterRef("committee_id"), date__gt=OuterRef("date"))
    queryset = SearchEntry.objects.visible_to(AnonymousUser()).annotate(has_later=Exists(later))
    for start in (0, 20):
        expected = list(search_query.newest_first(queryset)[start : start + 20])
        found = search_query.newest_page(queryset, start, start + 20)
        assert [(e.pk, e.has_later) for e in found] == [(e.pk, e.has_later) for e in expected]


def test_newest_page_still_looks_among_the_newest_for_the_search_pages_own_queries(entries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    visible = SearchEntry.objects.visible_to(entries["member"]).prefetch_related("committee")
    queryset = search_query.matching(visible, search_query.parse("respite")).filter(kind="minute", date__gte=datetime.date(2025, 1, 2))
    with CaptureQueriesContext(connection) as queries:
        search_query.newest_page(queryset, 0, 20)
    assert ') AS "search_searchentry"' in queries.captured_queries[0]["sql"]


# ---------------------------------------------------------------------------
# The complaints work list with two-factor on (its permissions then loaded by committee.two_factor)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "direct", "sees_names"),
    [("Officer", None, False), ("Complaints officer", None, True), ("Officer", "view_personal_data", True), ("Administrator", None, None)],
)
@pytest.mark.parametrize("two_factor", [False, True])
def test_the_work_list_shows_names_only_to_whom_it_may_with_two_factor_on_or_off(
    client,
    settings,
    planted,  # noqa: F811 - the fixture imported above
    role,
    direct,
    sees_names,
    two_factor,
):
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    settings.REQUIRE_TWO_FACTOR = two_factor
    settings.TWO_FACTOR_ROLES = ["A role nobody here holds"]  # no code asked for: the permissions are still loaded with the roles
    user = UserFactory(username=f"wl-{role}-{direct}".lower().replace(" ", "-"), role=role)
    if direct:
        user.user_permissions.add(Permission.objects.get(codename=direct))
    client.force_login(user)
    response = client.get(reverse("complaints:work_list"))
    if sees_names is None:  # a role with no complaints permission: refused, two-factor or not
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert (MARKER in html) is sees_names
    assert ("Complainant</th>" in html) is sees_names
    may_open = user.has_perm("complaints.change_complaint") or user.has_perm("complaints.view_complaint")
    assert ("/admin/complaints/complaint/" in html) is may_open


# ---------------------------------------------------------------------------
# A plan put on a draft agenda: the agenda is not public, so neither is the plan's place on it
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(("who", "sees"), [("public", False), ("other officer", False), ("member", True), ("officer", True)])
def test_a_plan_on_a_draft_agenda_is_listed_only_for_those_who_may_see_that_agenda(client, readers, who, sees):
    from django.urls import reverse

    from committee.access import SYSTEM
    from improvement import services
    from meetings.models import Meeting
    from tests.factories import AgendaItemFactory, MeetingFactory
    from tests.improvement.factories import PlanFactory

    committee, users = readers
    plan = PlanFactory()
    meeting = MeetingFactory(committee=committee, agenda_status=Meeting.AgendaStatus.DRAFT)
    presentation = services.plan_presentation_create(plan=plan, agenda_item=AgendaItemFactory(meeting=meeting, number=7), by=SYSTEM)
    if users[who] is not None:
        client.force_login(users[who])
    html = client.get(plan.get_absolute_url()).content.decode()
    assert (presentation.get_absolute_url() in html) is sees
    assert (meeting.get_absolute_url() in html) is sees
    assert client.get(presentation.get_absolute_url()).status_code == (200 if sees else 404)
    assert client.get(reverse("improvement:since", args=[plan.slug, meeting.pk])).status_code == (200 if sees else 404)
    # Once the agenda is published, everyone sees it.
    meeting.agenda_status = Meeting.AgendaStatus.PUBLISHED
    meeting.save()
    client.logout()
    assert presentation.get_absolute_url() in client.get(plan.get_absolute_url()).content.decode()
