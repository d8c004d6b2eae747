"""The pages every browser gate visits: axe-core (WCAG 2.2 AA), the Nu Html Checker and the screenshots.

Each later issue adds its pages here with one line, e.g.

    Page("complaint-list", lambda: reverse("complaints:list"), role=roles.COMPLAINTS_OFFICER),

- ``name``: a short slug; it names the page in failure reports and its screenshots
  (``var/screenshots/<name>-1280.png`` and ``-375.png``), so keep it unique.
- ``path``: the URL path with any query string, or a callable returning it. Callables run after the demo
  committee (``tests/conftest.py::demo``) is loaded, so they can look its records up.
- ``role``: sign in as a user in this role group first (dashboards, staff-only pages); ``None`` for the public.

The page must answer 200 to that user. Data a page needs beyond the demo belongs in the demo YAML
(meetings/demo/) or, failing that, in ``extra_data`` below.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.management import call_command
from django.urls import reverse

from committee import roles
from committee.models import Committee, Person
from meetings.models import Document, Meeting

COMMITTEE_SLUG = "children-and-young-people-scrutiny-committee"


@dataclass(frozen=True)
class Page:
    name: str
    path: str | Callable[[], str]
    role: str | None = None

    def url(self) -> str:
        """The path to visit, resolved now (so callables see the loaded data)."""
        return self.path() if callable(self.path) else self.path


def meeting_url(day: datetime.date) -> str:
    return Meeting.objects.get(committee__slug=COMMITTEE_SLUG, date=day).get_absolute_url()


def committee_pk() -> int:
    return Committee.objects.get(slug=COMMITTEE_SLUG).pk


PAGES: list[Page] = [
    Page("home", "/"),
    Page("committee-list", lambda: reverse("committee:list")),
    Page("committee-detail", lambda: reverse("meetings:committee", args=[COMMITTEE_SLUG])),
    Page("work-programme", lambda: reverse("meetings:work_programme", args=[COMMITTEE_SLUG])),
    Page("committee-attendance", lambda: reverse("meetings:committee_attendance", args=[COMMITTEE_SLUG]) + "?year=2025-26"),
    Page("meeting-list", lambda: reverse("meetings:list")),
    Page("meeting-list-filtered", lambda: f"{reverse('meetings:list')}?committee={committee_pk()}&year=2025-26&status=held"),
    Page("meeting-2025-07-10", lambda: meeting_url(datetime.date(2025, 7, 10))),
    Page("meeting-2025-11-13", lambda: meeting_url(datetime.date(2025, 11, 13))),
    Page("document", lambda: reverse("meetings:document", args=[Document.objects.exclude(body="").order_by("pk").first().pk])),
    Page("person-list", lambda: reverse("meetings:people")),
    Page("person-detail", lambda: Person.objects.get(slug="c-boles").get_absolute_url()),
    Page("decisions", lambda: reverse("meetings:decisions")),
    Page("actions", lambda: reverse("meetings:actions")),
    Page("actions-overdue", lambda: f"{reverse('meetings:actions')}?state=overdue"),
    Page("questions", lambda: reverse("meetings:questions")),
    Page("login", lambda: reverse("login")),
    Page("two-factor-set-up", lambda: reverse("two_factor"), role=roles.CLERK),
]


# Each app adds its pages with one line.
from tests.improvement.pages import improvement_pages  # noqa: E402

PAGES += improvement_pages(Page)


def _with_complaints_demo(path):
    """The gate's demo fixture loads the committee only; complaints pages load their own fictional records once."""

    def resolve():
        from complaints.models import Complaint

        if not Complaint.objects.exists():
            call_command("load_complaints_demo", verbosity=0)
        return path()

    return resolve


PAGES += [
    Page("search", lambda: f"{reverse('search:index')}?q=ofsted"),
    Page("search-filtered", lambda: f"{reverse('search:index')}?q=inspection&kind=document&date_from=1/1/2025"),
    Page("search-empty", lambda: reverse("search:index")),
    Page("api-docs", lambda: reverse("api:openapi-view")),
    Page("follow-through", lambda: reverse("meetings:follow_through", args=[COMMITTEE_SLUG])),
    Page("recommendations", lambda: reverse("meetings:recommendations")),
    Page("complaints-index", _with_complaints_demo(lambda: reverse("complaints:index"))),
    Page("complaints-report-2024-25", _with_complaints_demo(lambda: reverse("complaints:report", args=["2024-25"]))),
    Page("complaints-report-2022-23", _with_complaints_demo(lambda: reverse("complaints:report", args=["2022-23"]))),
    Page("complaints-work-list", _with_complaints_demo(lambda: reverse("complaints:work_list")), role=roles.COMPLAINTS_OFFICER),
]
