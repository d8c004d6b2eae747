"""The actions tracker: its "by owner" summary, its counts and its query budget, on a small known set of actions."""

import csv
import datetime
import io

import pytest
from django.db.models import Q
from django.urls import reverse

from meetings.models import Action, Meeting
from tests.factories import ActionFactory, CommitteeFactory, MeetingFactory, MinuteItemFactory, OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
PAST = TODAY - datetime.timedelta(days=10)
FUTURE = TODAY + datetime.timedelta(days=30)


@pytest.fixture
def tracked():
    """Alice owes four (one overdue), Bob only a cancelled one, a role owes one overdue, one done is unassigned; two are hidden."""
    committee = CommitteeFactory(slug="tracked")
    minute = MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=TODAY - datetime.timedelta(days=90)))
    alice = OfficerFactory(name="Alice Able", slug="alice")
    bob = OfficerFactory(name="Bob Brown", slug="bob")
    OfficerFactory(name="Carol Owes-Nothing", slug="carol")
    ActionFactory(minute_item=minute, owner=alice, due_date=PAST, description="Alice overdue")
    ActionFactory(minute_item=minute, owner=alice, due_date=FUTURE, status=Action.Status.IN_PROGRESS, description="Alice due")
    ActionFactory(minute_item=minute, owner=alice, due_date=PAST, status=Action.Status.DONE, completed_date=PAST)
    ActionFactory(minute_item=minute, owner=alice, due_date=PAST, status=Action.Status.CANCELLED)
    ActionFactory(minute_item=minute, owner=bob, due_date=PAST, status=Action.Status.CANCELLED)
    ActionFactory(minute_item=minute, owner=None, owner_text="Head of Libraries", due_date=PAST, status=Action.Status.IN_PROGRESS)
    ActionFactory(minute_item=minute, owner=None, owner_text="", due_date=FUTURE, status=Action.Status.DONE, completed_date=PAST)
    # Hidden from the public: a minute taken in private, and minutes still in unpublished draft.
    exempt = MinuteItemFactory(meeting=minute.meeting, is_exempt=True)
    ActionFactory(minute_item=exempt, owner=alice, due_date=PAST, description="Alice exempt")
    draft = MeetingFactory(committee=committee, minutes_status=Meeting.MinutesStatus.DRAFT, minutes_published=False)
    ActionFactory(minute_item=MinuteItemFactory(meeting=draft), owner=bob, due_date=FUTURE, description="Bob draft")
    return {"committee": committee, "alice": alice, "bob": bob}


def row(owner=None, owner_text="", open=0, overdue=0, done=0):
    return {
        "owner__slug": owner.slug if owner else None,
        "owner__name": owner.name if owner else None,
        "owner__honorific": owner.honorific if owner else None,
        "owner_text": owner_text,
        "open": open,
        "overdue": overdue,
        "done": done,
    }


def test_the_summary_counts_open_overdue_and_done_per_owner_most_overdue_first(client, tracked):
    # given the known set; when the public opens the tracker
    response = client.get(reverse("meetings:actions"))
    # then each owner's figures, hidden actions left out, owners with only cancelled actions still listed
    assert list(response.context["by_owner"]) == [
        row(tracked["alice"], open=2, overdue=1, done=1),
        row(owner_text="Head of Libraries", open=1, overdue=1),
        row(tracked["bob"]),
        row(done=1),
    ]


def test_the_summary_counts_hidden_actions_for_those_who_may_see_them(client, tracked):
    supporter = UserFactory(username="tracker-supporter", role="Officer")
    tracked["committee"].supporting_officers.add(supporter)
    client.force_login(supporter)
    by_owner = list(client.get(reverse("meetings:actions")).context["by_owner"])
    assert by_owner[0] == row(tracked["alice"], open=3, overdue=2, done=1)
    assert row(tracked["bob"], open=1) in by_owner


def test_the_summary_agrees_with_the_follow_through_record(client, tracked):
    tracker = client.get(reverse("meetings:actions")).context["by_owner"]
    record = client.get(reverse("meetings:follow_through", args=["tracked"])).context["by_owner"]
    keys = ("owner__slug", "owner_text")
    assert [(*(r[k] for k in keys), r["outstanding"], r["overdue"], r["on_time"] + r["late"]) for r in record] == [
        (*(r[k] for k in keys), r["open"], r["overdue"], r["done"]) for r in tracker
    ]


@pytest.mark.parametrize(
    ("params", "listed"),
    [
        ({}, 3),  # no filters at all: the default, open, as on the pages after it and in the CSV
        ({"state": ""}, 3),  # the form's default, open
        ({"state": "open"}, 3),
        ({"state": "overdue"}, 2),
        ({"state": "done"}, 2),
        ({"state": "all"}, 7),
        ({"state": "bogus"}, 7),  # an invalid filter falls back to every visible action
        ({"state": "all", "owner": "ALICE"}, 4),
        ({"state": "overdue", "committee": "COMMITTEE"}, 2),
    ],
)
def test_the_caption_counts_exactly_the_listed_actions(client, tracked, params, listed):
    params = {k: {"ALICE": tracked["alice"].pk, "COMMITTEE": tracked["committee"].pk}.get(v, v) for k, v in params.items()}
    response = client.get(reverse("meetings:actions"), params)
    paginator = response.context["paginator"]
    assert paginator.count == listed == paginator.object_list.count()
    assert f"{listed} actions" in response.content.decode()


def test_the_count_comes_from_the_summary_not_a_separate_count_query(client, tracked, django_assert_max_num_queries):
    with django_assert_max_num_queries(6) as captured:
        client.get(reverse("meetings:actions"), {"state": "overdue"})
    assert not [q for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]


def test_the_tracker_runs_the_same_queries_for_one_action_as_for_forty(client, django_assert_num_queries):
    """Guards against N+1 over listed actions and summary rows: one grouped summary query, however many owners."""
    ActionFactory(due_date=PAST)
    # The request's savepoint and its release (ATOMIC_REQUESTS), the summary, owner and committee choices, the page's rows.
    with django_assert_num_queries(6):
        client.get(reverse("meetings:actions"))
    ActionFactory.create_batch(40, due_date=PAST)
    with django_assert_num_queries(6):
        response = client.get(reverse("meetings:actions"), {"state": "overdue"})
    assert len(response.context["by_owner"]) == 41
    assert response.context["paginator"].count == 41


def test_the_owner_filter_offers_everyone_who_owes_an_action(client, tracked):
    owners = client.get(reverse("meetings:actions")).context["filter"].form.fields["owner"].queryset
    assert [p.slug for p in owners] == ["alice", "bob"]


def test_the_summary_downloads_with_the_same_columns(client, tracked):
    response = client.get(reverse("meetings:actions"), {"format": "csv", "table": "by_owner"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["owner slug", "owner name", "owner honorific", "owner text", "open", "overdue", "done"]
    assert rows[1] == ["alice", "Alice Able", "", "", "2", "1", "1"]
    assert len(rows) == 5


def test_the_open_actions_index_covers_exactly_what_the_tracker_calls_open():
    """The partial index serves the open and overdue lists only while its condition is `open()`'s filter."""
    index = next(i for i in Action._meta.indexes if i.name == "action_open_due_idx")
    assert index.condition == Q(status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS])
    assert str(Action.objects.filter(index.condition).query) == str(Action.objects.open().query)


def test_every_page_of_the_tracker_lists_the_same_actions_as_its_first(client, tracked):
    """The pagination and CSV links carry a query string; the first page has none. Both mean the default, open."""
    first = client.get(reverse("meetings:actions"))
    again = client.get(reverse("meetings:actions"), {"page": 1})
    assert [a.pk for a in first.context["actions"]] == [a.pk for a in again.context["actions"]]
