"""Kept pages (committee/keep.py): never served to a reader with a different access scope, never after a change to the
data they show, and a change to one committee's records leaves every other committee's kept pages alone."""

import datetime

import pytest
from django.urls import reverse

from committee import keep
from committee.access import SYSTEM
from committee.models import DataVersion, Membership
from meetings import services
from meetings.models import AgendaItem
from tests.factories import CommitteeFactory, MeetingFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

EXEMPT = "MARKER-KEPT-EXEMPT-MINUTE"
DAY = datetime.date(2025, 9, 4)


@pytest.fixture
def keeping(settings):
    settings.KEPT_PAGES = True  # off in the test settings: a test's writes never commit (see config/settings/test.py)


@pytest.fixture
def world(keeping, django_capture_on_commit_callbacks):
    """Two committees, each with a public meeting whose minutes record a decision; one minute of X's is exempt."""
    with django_capture_on_commit_callbacks(execute=True):
        x, y = CommitteeFactory(name="Kept X Committee"), CommitteeFactory(name="Kept Y Committee")
        meetings = {}
        for committee, title in ((x, "KEPT-X-PUBLIC-MINUTE"), (y, "KEPT-Y-PUBLIC-MINUTE")):
            meeting = meetings[committee.pk] = MeetingFactory(committee=committee, date=DAY)
            minute = services.minute_item_create(by=SYSTEM, meeting=meeting, title=title, body="Discussed.")
            services.resolution_create(by=SYSTEM, minute_item=minute, text=f"That {title} be noted.")
        exempt_item = AgendaItem.objects.create(meeting=meetings[x.pk], number=9, title="CONTRACT", exempt_paragraph=3)
        exempt = services.minute_item_create(by=SYSTEM, meeting=meetings[x.pk], title="CONTRACT", agenda_item=exempt_item, body=EXEMPT)
        services.resolution_create(by=SYSTEM, minute_item=exempt, text=f"That {EXEMPT} be agreed.")
        member = UserFactory(username="kept-member", role="Councillor")
        Membership.objects.create(committee=x, person=PersonFactory(user=member), start_date=datetime.date(2025, 5, 14))
        councillor = UserFactory(username="kept-councillor", role="Councillor")
        officer = UserFactory(username="kept-officer", role="Officer")
        x.supporting_officers.add(officer)
    return {"x": x, "y": y, "meetings": meetings, "member": member, "councillor": councillor, "officer": officer}


def get(client, url, who=None):
    client.logout()
    if who is not None:
        client.force_login(who)
    response = client.get(url)
    assert response.status_code == 200
    return response


def was_kept(response) -> bool:
    """Served from a kept page (the view did not run; only the header, messages and footer were rendered for it)."""
    return getattr(response.wsgi_request, "keeping", None) is False


def pages(world):
    return [reverse("meetings:detail", args=[world["meetings"][world["x"].pk].pk]), reverse("meetings:decisions"), reverse("meetings:home")]


@pytest.mark.parametrize(
    "order",
    [
        ("public", "councillor", "member", "officer"),
        ("officer", "member", "councillor", "public"),
        ("member", "public", "officer", "councillor"),
    ],
)
def test_a_kept_page_is_never_served_to_a_reader_with_another_access_scope(client, world, order):
    # The committee's members and its supporting officers see the same records (its drafts and exempt business): one
    # scope. Another councillor sees what the public sees, but someone signed in never shares with someone who is not.
    scope = {"public": "public", "councillor": "signed in", "member": "committee X", "officer": "committee X"}
    for url in pages(world):
        seen, scopes_seen = {}, set()
        for who in order:
            response = get(client, url, world.get(who))
            assert was_kept(response) == (scope[who] in scopes_seen), f"{who} was served a page kept for another scope: {url}"
            scopes_seen.add(scope[who])
            seen[who] = response.content.decode()
        # The member and the committee's officer may see the exempt minute; the public and other councillors never.
        assert EXEMPT in seen["member"]
        assert EXEMPT in seen["officer"]
        assert EXEMPT not in seen["public"]
        assert EXEMPT not in seen["councillor"]
        # Asked again, each is served the page kept for their own scope, with their own header.
        for who in order:
            response = get(client, url, world.get(who))
            html = response.content.decode()
            assert (EXEMPT in html) == (EXEMPT in seen[who])
            if who == "public":
                assert "Signed in" not in html
                assert "Sign in" in html
            else:
                assert f"Signed in as {world[who].username}" in html
                assert "csrfmiddlewaretoken" in html  # the sign-out form's token is the reader's own, made now
        assert was_kept(response)


def test_readers_of_one_scope_share_the_kept_page(client, world):
    url = reverse("meetings:decisions")
    other_member = UserFactory(username="kept-member-2", role="Councillor")
    Membership.objects.create(committee=world["x"], person=PersonFactory(user=other_member), start_date=datetime.date(2025, 5, 14))
    assert not was_kept(get(client, url, world["member"]))
    shared = get(client, url, other_member)
    assert was_kept(shared)
    assert "Signed in as kept-member-2" in shared.content.decode()
    assert "kept-member<" not in shared.content.decode()
    assert keep.scope(type("R", (), {"user": world["member"]})()) == keep.scope(type("R", (), {"user": other_member})())


def test_a_minute_edited_through_the_service_changes_the_meeting_page_decisions_register_and_home(
    client, world, django_capture_on_commit_callbacks
):
    x_meeting = world["meetings"][world["x"].pk]
    for url in pages(world):
        get(client, url)
        assert was_kept(get(client, url))
    minute = x_meeting.minute_items.get(title="KEPT-X-PUBLIC-MINUTE")
    resolution = minute.resolutions.get()
    with django_capture_on_commit_callbacks(execute=True):
        minute.title = "KEPT-X-MINUTE-AS-CORRECTED"
        services.minute_item_save(minute_item=minute, by=SYSTEM, reason="Corrected")
        resolution.text = "That KEPT-X-RESOLUTION-AS-CORRECTED be noted."
        services.resolution_save(resolution=resolution, by=SYSTEM, reason="Corrected")
    for url in pages(world):
        response = get(client, url)
        assert not was_kept(response), url
        html = response.content.decode()
        assert "KEPT-X-RESOLUTION-AS-CORRECTED" in html, url
        if url != reverse("meetings:home"):
            assert "KEPT-X-MINUTE-AS-CORRECTED" in html, url
            assert "KEPT-X-PUBLIC-MINUTE" not in html, url


def test_a_change_to_one_committee_leaves_another_committees_kept_pages_alone(client, world, django_capture_on_commit_callbacks):
    x, y = world["x"], world["y"]
    x_page = reverse("meetings:detail", args=[world["meetings"][x.pk].pk])
    y_page = reverse("meetings:detail", args=[world["meetings"][y.pk].pk])
    y_decisions = reverse("meetings:decisions") + f"?committee={y.pk}"
    y_committee = reverse("meetings:committee", args=[y.slug])
    for url in (x_page, y_page, y_decisions, y_committee, reverse("meetings:decisions")):
        get(client, url)
    minute = world["meetings"][x.pk].minute_items.get(title="KEPT-X-PUBLIC-MINUTE")
    with django_capture_on_commit_callbacks(execute=True):
        minute.body = "Discussed at length."
        services.minute_item_save(minute_item=minute, by=SYSTEM, reason="Corrected")
    for url in (y_page, y_decisions, y_committee):
        assert was_kept(get(client, url)), f"{url} was thrown away by a change to another committee"
    assert not was_kept(get(client, x_page))
    assert not was_kept(get(client, reverse("meetings:decisions")))  # every committee's decisions: it changed


def test_a_write_bumps_only_the_versions_of_what_it_belongs_to(world, django_capture_on_commit_callbacks):
    x, y = world["x"], world["y"]
    before = dict(list(DataVersion.objects.values_list("name", "number")))
    minute = world["meetings"][x.pk].minute_items.get(title="KEPT-X-PUBLIC-MINUTE")
    with django_capture_on_commit_callbacks(execute=True):
        services.minute_item_save(minute_item=minute, by=SYSTEM, reason="Corrected")
    after = dict(list(DataVersion.objects.values_list("name", "number")))
    bumped = {name for name, number in after.items() if number != before.get(name)}
    assert {keep.committee_pages(x.pk), keep.year_pages("2025-26"), keep.MEETINGS} <= bumped
    assert keep.committee_pages(y.pk) not in bumped
    assert not {name for name in bumped if name.startswith("pages:plan:")}
    assert keep.PEOPLE not in bumped


def test_a_meeting_moved_to_another_year_leaves_its_old_years_pages(world, django_capture_on_commit_callbacks):
    meeting = world["meetings"][world["x"].pk]
    before = DataVersion.objects.keys([keep.year_pages("2025-26"), keep.year_pages("2024-25")])
    with django_capture_on_commit_callbacks(execute=True):
        meeting.date = datetime.date(2025, 3, 6)
        meeting.save()
    after = DataVersion.objects.keys([keep.year_pages("2025-26"), keep.year_pages("2024-25")])
    # Both years' lists change: the meeting leaves one and joins the other.
    assert all(b != a for b, a in zip(before.split(","), after.split(","), strict=True))


def test_a_download_is_never_answered_with_a_kept_page(client, world):
    url = reverse("meetings:decisions")
    get(client, url)
    response = client.get(url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")


def test_messages_are_the_readers_own_on_a_kept_page(client, world, rf):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    url = reverse("meetings:decisions")
    get(client, url)
    storage = CookieStorage(rf.get("/"))
    client.cookies[storage.cookie_name] = storage._encode([Message(constants.SUCCESS, "KEPT-MESSAGE-FOR-THIS-READER")])
    response = client.get(url)
    assert was_kept(response)
    assert "KEPT-MESSAGE-FOR-THIS-READER" in response.content.decode()
    assert "KEPT-MESSAGE-FOR-THIS-READER" not in client.get(url).content.decode()  # shown once, then gone


def test_no_page_with_personal_data_is_kept():
    assert not [name for name in keep.PAGES if name.startswith("complaints:")]
    assert "meetings:follow_through" not in keep.PAGES  # offers the signed-in reader their own subscription


def test_with_keeping_off_every_page_is_rendered(client, world, settings):
    settings.KEPT_PAGES = False
    url = reverse("meetings:decisions")
    get(client, url)
    assert not was_kept(get(client, url))


def test_a_progress_update_to_one_plan_changes_its_dashboard_and_leaves_another_plans_alone(
    client, keeping, django_capture_on_commit_callbacks
):
    from improvement.models import ImprovementAction
    from tests.improvement import factories as improvement

    with django_capture_on_commit_callbacks(execute=True):
        actions = [improvement.ActionFactory(), improvement.ActionFactory()]
    a, b = (reverse("improvement:plan", args=[action.plan.slug]) for action in actions)
    a_action = reverse("improvement:action", args=[actions[0].pk])
    for url in (a, b, a_action):
        get(client, url)
        assert was_kept(get(client, url))
    with django_capture_on_commit_callbacks(execute=True):
        improvement.update(ImprovementAction.objects.get(pk=actions[0].pk), datetime.date(2025, 9, 1), narrative="KEPT-PLAN-UPDATE")
    assert not was_kept(get(client, a))
    assert was_kept(get(client, b))
    assert not was_kept(get(client, a_action))
