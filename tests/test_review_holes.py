"""Holes found by an attacker's review of the kept pages and the narrow `is_public` columns (issue 19), each kept shut.

Each test reads as the attack: what a reader was served, or what a column said, before the fix."""

import datetime

import pytest
from django.urls import reverse

from committee.access import SYSTEM
from meetings import services
from meetings.models import AgendaItem, Meeting, MinuteItem
from tests import test_kept_pages
from tests.factories import AgendaItemFactory, DocumentFactory, MeetingFactory, UserFactory
from tests.test_kept_pages import get, was_kept

keeping, world = test_kept_pages.keeping, test_kept_pages.world  # the kept pages' fixtures

pytestmark = pytest.mark.django_db


def _make_minute_exempt(minute, capture):
    with capture(execute=True):
        item = AgendaItem.objects.create(meeting=minute.meeting, number=20, title="NOW PRIVATE", exempt_paragraph=3)
        minute.agenda_item = item
        services.minute_item_save(minute_item=minute, by=SYSTEM, reason="Considered in private after all")


@pytest.mark.parametrize(
    "query",
    [
        "?committee=999999",  # no such committee: the filter is refused and every committee's decisions are listed
        "?year=1999-00",  # a year the filter does not offer
        "?committee=abc&year=2025-26",  # a bad committee beside a good year
        "?committee={x}&kind=not-a-kind",  # a good committee beside a bad filter: every committee's decisions again
    ],
)
def test_a_list_whose_filter_is_refused_is_not_kept_against_a_narrower_version(client, world, query, django_capture_on_commit_callbacks):
    # The register lists every committee's decisions when its filter is refused, so the page must be kept against
    # the versions of every committee's records: else it outlives a decision being made private in committee Y.
    url = reverse("meetings:decisions") + query.format(x=world["x"].pk)
    assert "KEPT-Y-PUBLIC-MINUTE" in get(client, url).content.decode()
    assert was_kept(get(client, url))
    y_minute = MinuteItem.objects.get(title="KEPT-Y-PUBLIC-MINUTE")
    _make_minute_exempt(y_minute, django_capture_on_commit_callbacks)
    response = get(client, url)
    assert not was_kept(response)
    assert "That KEPT-Y-PUBLIC-MINUTE be noted." not in response.content.decode()


def test_a_valid_committee_filter_is_still_kept_against_that_committee_alone(client, world, django_capture_on_commit_callbacks):
    url = reverse("meetings:decisions") + f"?committee={world['x'].pk}"
    get(client, url)
    _make_minute_exempt(MinuteItem.objects.get(title="KEPT-Y-PUBLIC-MINUTE"), django_capture_on_commit_callbacks)
    assert was_kept(get(client, url))  # committee Y's change leaves X's filtered register alone


def test_a_deleted_paper_leaves_the_plan_page_that_listed_it(client, keeping, django_capture_on_commit_callbacks):
    from improvement import services as improvement_services
    from tests.improvement.factories import PlanFactory

    with django_capture_on_commit_callbacks(execute=True):
        plan = PlanFactory()
        paper = DocumentFactory(title="PAPER-PUBLISHED-IN-ERROR", agenda_item=AgendaItemFactory(meeting=MeetingFactory()))
        improvement_services.plan_papers_set(plan=plan, documents=[paper])
    url = reverse("improvement:plan", args=[plan.slug])
    assert "PAPER-PUBLISHED-IN-ERROR" in get(client, url).content.decode()
    assert was_kept(get(client, url))
    with django_capture_on_commit_callbacks(execute=True):
        services.record_delete(record=paper, by=SYSTEM, reason="Published in error")
    assert "PAPER-PUBLISHED-IN-ERROR" not in get(client, url).content.decode()


def test_unlinking_a_paper_from_a_plan_changes_both_pages(client, keeping, django_capture_on_commit_callbacks):
    from improvement import services as improvement_services
    from tests.improvement.factories import PlanFactory

    with django_capture_on_commit_callbacks(execute=True):
        plan = PlanFactory(name="PLAN-LINKED-TO-PAPER")
        paper = DocumentFactory(title="PAPER-LINKED-TO-PLAN", agenda_item=AgendaItemFactory(meeting=MeetingFactory()))
        improvement_services.plan_papers_set(plan=plan, documents=[paper])
    plan_url, paper_url = reverse("improvement:plan", args=[plan.slug]), reverse("meetings:document", args=[paper.pk])
    assert "PAPER-LINKED-TO-PLAN" in get(client, plan_url).content.decode()
    assert "PLAN-LINKED-TO-PAPER" in get(client, paper_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        improvement_services.plan_papers_set(plan=plan, documents=[])
    assert "PAPER-LINKED-TO-PLAN" not in get(client, plan_url).content.decode()
    assert "PLAN-LINKED-TO-PAPER" not in get(client, paper_url).content.decode()


def test_a_plan_taken_back_to_draft_leaves_the_paper_page_that_named_it(client, keeping, django_capture_on_commit_callbacks):
    from improvement import services as improvement_services
    from improvement.models import ImprovementPlan
    from tests.improvement.factories import PlanFactory

    with django_capture_on_commit_callbacks(execute=True):
        plan = PlanFactory(name="PLAN-NOT-YET-AGREED")
        paper = DocumentFactory(title="A covering report", agenda_item=AgendaItemFactory(meeting=MeetingFactory()))
        improvement_services.plan_papers_set(plan=plan, documents=[paper])
    url = reverse("meetings:document", args=[paper.pk])
    assert "PLAN-NOT-YET-AGREED" in get(client, url).content.decode()
    assert was_kept(get(client, url))
    with django_capture_on_commit_callbacks(execute=True):
        plan.status = ImprovementPlan.Status.DRAFT
        plan.save()
    assert "PLAN-NOT-YET-AGREED" not in get(client, url).content.decode()


def test_a_kept_page_is_not_served_to_another_host(client, world):
    # The calendar link is absolute (webcal://host/...): a page kept for one host named must not be served to another.
    url = reverse("meetings:committee", args=[world["x"].slug])
    assert "webcal://localhost/" in client.get(url, HTTP_HOST="localhost").content.decode()
    html = client.get(url, HTTP_HOST="127.0.0.1").content.decode()
    assert "webcal://127.0.0.1/" in html
    assert "webcal://localhost/" not in html


def test_a_minute_moved_to_another_meeting_leaves_its_old_meetings_page(client, world, django_capture_on_commit_callbacks):
    # Saving the minute bumped only the pages of the meeting it now belongs to: its old meeting's page (another
    # committee's, here) went on showing it, though it now sits in minutes nobody has published.
    x_meeting = world["meetings"][world["x"].pk]
    url = reverse("meetings:detail", args=[x_meeting.pk])
    assert "KEPT-X-PUBLIC-MINUTE" in get(client, url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        draft = MeetingFactory(
            committee=world["y"],
            date=datetime.date(2025, 10, 1),
            minutes_status=Meeting.MinutesStatus.DRAFT,
            minutes_published=False,
        )
        minute = MinuteItem.objects.get(title="KEPT-X-PUBLIC-MINUTE")
        minute.meeting, minute.number = draft, None
        services.minute_item_save(minute_item=minute, by=SYSTEM, reason="Minuted under the wrong meeting")
    assert "KEPT-X-PUBLIC-MINUTE" not in get(client, url).content.decode()


def test_every_kept_page_is_the_same_for_readers_of_one_scope_whatever_their_roles(client, world, django_capture_on_commit_callbacks):
    """What is kept may vary only by scope and data: two readers of one scope with different roles (a councillor and
    an administrator who is a superuser and complaints officer; a member and the committee's clerk) are kept the very
    same HTML for every registered page, whatever the page would otherwise show a role."""
    from django.core.cache import cache

    from committee import keep
    from improvement import services as improvement_services
    from tests.improvement.factories import ActionFactory

    x_meeting = world["meetings"][world["x"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        action = ActionFactory()
        paper = DocumentFactory(title="KEPT-SAME-PAPER", agenda_item=AgendaItemFactory(meeting=x_meeting))
        improvement_services.plan_papers_set(plan=action.plan, documents=[paper])
        admin = UserFactory(username="kept-admin", role="Complaints officer")
        admin.is_superuser = True
        admin.save()
        clerk = UserFactory(username="kept-clerk", role="Clerk")
        world["x"].supporting_officers.add(clerk)
    person = world["member"].person
    urls = [
        reverse("meetings:home"),
        reverse("meetings:list"),
        reverse("meetings:detail", args=[x_meeting.pk]),
        reverse("meetings:document", args=[paper.pk]),
        reverse("meetings:committee", args=[world["x"].slug]),
        reverse("meetings:work_programme", args=[world["x"].slug]),
        reverse("meetings:committee_attendance", args=[world["x"].slug]),
        reverse("meetings:people"),
        reverse("meetings:person", args=[person.slug]),
        reverse("meetings:decisions"),
        reverse("meetings:actions"),
        reverse("meetings:questions"),
        reverse("meetings:recommendations"),
        reverse("committee:list"),
        reverse("search:index") + "?q=kept",
        reverse("improvement:home"),
        reverse("improvement:plan", args=[action.plan.slug]),
        reverse("improvement:plan_actions", args=[action.plan.slug]),
        reverse("improvement:action", args=[action.pk]),
        reverse("improvement:measures"),
        reverse("improvement:inspections"),
    ]
    for first, second in ((world["councillor"], admin), (world["member"], clerk)):
        for url in urls:
            kept = []
            for who in (first, second):
                keep.forget_kept_pages()  # rendered afresh for each reader
                response = get(client, url, who)
                assert not was_kept(response), url
                kept.append(cache.get(response.wsgi_request.kept_key))
            assert kept[0] is not None, url
            assert kept[0] == kept[1], f"{url} differs between {first.username} and {second.username}"
