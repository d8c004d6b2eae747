"""`?format=csv` on a list page downloads exactly the rows the page would list to that user, with its filters.

The lead's list views take `CSVExportMixin` as their first base; until then these tests put it in front of them here.
"""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from committee.access import SYSTEM
from committee.models import Membership
from meetings import services
from meetings.csv_export import CSVExportMixin, cell
from meetings.models import Action, Meeting, Recommendation
from meetings.views import core
from meetings.views.followthrough import FollowThroughView, RecommendationListView
from tests.factories import (
    ActionFactory,
    CommitteeFactory,
    MeetingFactory,
    MinuteItemFactory,
    PersonFactory,
    QuestionFactory,
    ResolutionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def with_csv(view_class):
    """The view as served (the list views include CSVExportMixin)."""
    if issubclass(view_class, CSVExportMixin):
        return view_class.as_view()
    return type(view_class.__name__, (CSVExportMixin, view_class), {}).as_view()


VIEWS = {
    "meetings": with_csv(core.MeetingListView),
    "decisions": with_csv(core.ResolutionListView),
    "actions": with_csv(core.ActionListView),
    "questions": with_csv(core.QuestionListView),
    "recommendations": with_csv(RecommendationListView),
    "follow_through": with_csv(FollowThroughView),
}


def download(view, user=None, kwargs=None, **params):
    request = RequestFactory().get("/", {"format": "csv", **params})
    request.user = user or AnonymousUser()
    response = VIEWS[view](request, **(kwargs or {}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.fixture
def world():
    committee = CommitteeFactory(name="CSV Committee", slug="csv")
    other = CommitteeFactory(name="Other Committee", slug="other")
    public = MeetingFactory(committee=committee, date=datetime.date(2025, 9, 16))
    ResolutionFactory(minute_item__meeting=public, text="That the public report be noted.")
    ResolutionFactory(minute_item=MinuteItemFactory(meeting=public, is_exempt=True), text="MARKER-CSV-EXEMPT")
    draft = MeetingFactory(committee=committee, date=datetime.date(2025, 11, 13), minutes_status=Meeting.MinutesStatus.DRAFT)
    draft_minute = MinuteItemFactory(meeting=draft)
    ResolutionFactory(minute_item=draft_minute, text="MARKER-CSV-DRAFT")
    ActionFactory(minute_item=draft_minute, description="MARKER-CSV-DRAFT action")
    QuestionFactory(meeting=draft, minute_item=draft_minute, question="MARKER-CSV-DRAFT question")
    ResolutionFactory(minute_item__meeting=MeetingFactory(committee=other), text="That the other report be noted.")
    open_action = ActionFactory(minute_item__meeting=public, description="Send the figures.")
    done = ActionFactory(minute_item__meeting=public, description="Done already.")
    services.action_complete(by=SYSTEM, action=done, completed_date=public.date + datetime.timedelta(days=5))
    QuestionFactory(meeting=public, question="When will the library reopen?", answer="In spring.")
    Recommendation.objects.create(committee=committee, minute_item=open_action.minute_item, text="That Cabinet fund it.")
    member = UserFactory(username="csv-member", role="Councillor")
    Membership.objects.create(committee=committee, person=PersonFactory(user=member), start_date=datetime.date(2025, 5, 14))
    return {"committee": committee, "other": other, "member": member}


def column(rows, name):
    return [r[name] for r in rows]


def test_decisions_csv_has_exactly_the_decisions_the_user_may_see(world):
    public_rows = download("decisions")
    assert sorted(column(public_rows, "Decision")) == ["That the other report be noted.", "That the public report be noted."]
    member_rows = download("decisions", user=world["member"])
    assert {"MARKER-CSV-EXEMPT", "MARKER-CSV-DRAFT"} <= set(column(member_rows, "Decision"))
    assert len(member_rows) == 4


def test_the_csv_keeps_the_filters(world):
    rows = download("decisions", committee=world["other"].pk)
    assert column(rows, "Decision") == ["That the other report be noted."]
    assert column(download("decisions", q="public"), "Decision") == ["That the public report be noted."]
    assert len(download("meetings", committee=world["committee"].pk)) == 2
    assert len(download("meetings")) == 3


def test_actions_csv_follows_the_trackers_state_filter(world):
    assert column(download("actions"), "Action") == ["Send the figures."]
    everything = download("actions", state="all")
    assert sorted(column(everything, "Action")) == ["Done already.", "Send the figures."]
    assert {"Completed", "Overdue", "Owner", "Link"} <= set(everything[0])
    assert everything[0]["Link"].startswith("http://testserver/meetings/")


def test_questions_and_recommendations(world):
    assert column(download("questions"), "Question") == ["When will the library reopen?"]
    assert "MARKER-CSV-DRAFT question" in column(download("questions", user=world["member"]), "Question")
    assert column(download("recommendations"), "Recommendation") == ["That Cabinet fund it."]


def test_a_dashboard_table_downloads_by_name(world):
    rows = download("actions", table="by_owner")
    assert sum(int(r["open"]) for r in rows) == 1
    assert sum(int(r["done"]) for r in rows) == 1
    by_year = download("follow_through", table="by_year", kwargs={"slug": "csv"})
    assert by_year
    assert {"made", "overdue"} <= set(by_year[0])


def test_only_tables_of_dict_rows_download(world):
    request = RequestFactory().get("/", {"format": "csv", "table": "paginator"})
    request.user = AnonymousUser()
    with pytest.raises(Http404):
        VIEWS["actions"](request)


def test_cells_that_a_spreadsheet_would_run_are_neutralised(world):
    ResolutionFactory(minute_item__meeting=MeetingFactory(), text='=HYPERLINK("http://evil.example","click")')
    texts = column(download("decisions"), "Decision")
    assert '\'=HYPERLINK("http://evil.example","click")' in texts
    assert cell("+1") == "'+1"
    assert cell("-x") == "'-x"
    assert cell("@sum") == "'@sum"
    assert cell(True) == "Yes"
    assert cell(None) == ""
    assert cell(datetime.date(2026, 1, 7)) == "2026-01-07"


def test_the_list_page_offers_the_download_with_its_filters(world, rf):
    request = rf.get("/decisions/", {"committee": world["committee"].pk, "page": "1"})
    request.user = AnonymousUser()
    response = VIEWS["decisions"](request)
    assert response.context_data["csv_url"] == f"?committee={world['committee'].pk}&format=csv"


def test_a_csv_runs_the_same_queries_for_one_row_as_for_twenty(django_assert_max_num_queries):
    """Guards against N+1 on each row's minute, meeting and committee."""
    ActionFactory()
    with django_assert_max_num_queries(4) as one:
        download("actions", state="all")
    ActionFactory.create_batch(20)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(download("actions", state="all")) == 21
    assert Action.objects.count() == 21
