"""The read-only open data API (django-ninja): OpenAPI 3 at /api/openapi.json, documentation at /api/docs.

The API is public and anonymous whoever calls it: every list is read with `visible_to(AnonymousUser())`, so it
shows exactly what a member of the public sees on the pages, and never contact details, draft or exempt content.
Each list is paginated (limit/offset) and eager-loads what it shows, so its query count does not grow with its rows.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from ninja import Field, NinjaAPI, Query, Router
from ninja.openapi.docs import DocsBase
from ninja.pagination import LimitOffsetPagination, paginate

from api import schemas
from api.filters import (
    ActionFilter,
    AgendaItemFilter,
    EventFilter,
    ImprovementActionFilter,
    MembershipFilter,
    MinuteFilter,
    OrganizationFilter,
    PersonFilter,
    RecommendationFilter,
    ResolutionFilter,
)
from committee.models import Committee, Membership, Person
from improvement.models import ImpactMeasure, ImprovementAction, ImprovementPlan, Measure, Measurement
from meetings.models import Action, AgendaItem, Document, Meeting, MinuteItem, Recommendation, Resolution

ANONYMOUS = AnonymousUser()
PAGE = {"max_limit": 500}
# No list is anywhere near this long; beyond it PostgreSQL's OFFSET would overflow (bigint) and fail with a 500.
MAX_OFFSET = 10_000_000


class Pagination(LimitOffsetPagination):
    """limit/offset, with the offset bounded so that an absurd one is a 422 that says so, not a server error."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"Items to skip (0 to {MAX_OFFSET:,}).")


class GovukDocs(DocsBase):
    """The API documentation as an ordinary page of the site (GOV.UK styles, no third-party script), from the schema."""

    def render_page(self, request, api, **kwargs):
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = [
            {
                "method": method.upper(),
                "path": path,
                "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "parameters": [p for p in op.get("parameters", []) if p.get("in") in ("query", "path")],
            }
            for path, methods in schema["paths"].items()
            for method, op in methods.items()
        ]
        context = {"api": api, "operations": operations, "openapi_url": reverse("api:openapi-json")}
        return render(request, "api/docs.html", context)


api = NinjaAPI(
    title=f"{settings.COUNCIL_NAME} Scrutiny open data",
    version="1.0.0",
    description=(
        "Read-only open data about scrutiny committees: committees, people, memberships, meetings, agendas, minutes, "
        "decisions, actions, recommendations, improvement plans, KPIs and complaints figures. Public content only. "
        "Lists are paginated with `limit` and `offset`; `count` gives the total. Licensed under the Open Government Licence v3.0."
    ),
    urls_namespace="api",
    docs=GovukDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

committees = Router(tags=["Committees and people"])
meetings = Router(tags=["Meetings"])
improvement = Router(tags=["Improvement plans and KPIs"])
complaints = Router(tags=["Complaints"])


# ---------------------------------------------------------------------------
# Committees, people, memberships
# ---------------------------------------------------------------------------
@committees.get("/organizations", response=list[schemas.Organization], url_name="organizations", summary="Committees")
@paginate(Pagination, **PAGE)
def list_organizations(request, filters: Query[OrganizationFilter]):
    return filters.filter(Committee.objects.order_by("name"))


@committees.get("/organizations/{slug}", response=schemas.Organization, url_name="organization", summary="One committee")
def get_organization(request, slug: str):
    return get_object_or_404(Committee, slug=slug)


def public_people():
    # Members of the public who asked questions are not listed as people.
    return Person.objects.exclude(kind=Person.Kind.PUBLIC)


@committees.get("/people", response=list[schemas.Person], url_name="people", summary="People (no contact details)")
@paginate(Pagination, **PAGE)
def list_people(request, filters: Query[PersonFilter]):
    return filters.filter(public_people().order_by("name", "pk"))


@committees.get("/people/{int:person_id}", response=schemas.Person, url_name="person", summary="One person")
def get_person(request, person_id: int):
    return get_object_or_404(public_people(), pk=person_id)


@committees.get("/memberships", response=list[schemas.Membership], url_name="memberships", summary="Committee seats")
@paginate(Pagination, **PAGE)
def list_memberships(request, filters: Query[MembershipFilter]):
    return filters.filter(Membership.objects.order_by("committee_id", "-start_date", "pk"))


# ---------------------------------------------------------------------------
# Meetings, agendas, minutes, decisions, actions, recommendations
# ---------------------------------------------------------------------------
def public_agenda_items():
    return (
        AgendaItem.objects.visible_to(ANONYMOUS)
        .select_related("meeting")
        .prefetch_related(Prefetch("documents", queryset=Document.objects.visible_to(ANONYMOUS).order_by("order", "pk")))
    )


@meetings.get("/events", response=list[schemas.Event], url_name="events", summary="Meetings")
@paginate(Pagination, **PAGE)
def list_events(request, filters: Query[EventFilter]):
    return filters.filter(Meeting.objects.select_related("committee").order_by("-date", "-start_time", "pk"))


@meetings.get("/events/{int:event_id}", response=schemas.EventDetail, url_name="event", summary="One meeting with its public agenda")
def get_event(request, event_id: int):
    queryset = Meeting.objects.select_related("committee").prefetch_related(
        Prefetch("agenda_items", queryset=public_agenda_items().order_by("number"))
    )
    return get_object_or_404(queryset, pk=event_id)


@meetings.get("/agenda-items", response=list[schemas.AgendaItem], url_name="agenda_items", summary="Items of published agendas")
@paginate(Pagination, **PAGE)
def list_agenda_items(request, filters: Query[AgendaItemFilter]):
    return filters.filter(public_agenda_items().order_by("-meeting__date", "number", "pk"))


@meetings.get("/minutes", response=list[schemas.Minute], url_name="minutes", summary="Minutes (approved, or drafts the clerk published)")
@paginate(Pagination, **PAGE)
def list_minutes(request, filters: Query[MinuteFilter]):
    queryset = MinuteItem.objects.visible_to(ANONYMOUS).with_access(ANONYMOUS).select_related("meeting")
    return filters.filter(queryset.order_by("-meeting__date", "number", "pk"))


@meetings.get("/resolutions", response=list[schemas.Resolution], url_name="resolutions", summary="Decisions")
@paginate(Pagination, **PAGE)
def list_resolutions(request, filters: Query[ResolutionFilter]):
    queryset = Resolution.objects.visible_to(ANONYMOUS).with_context()
    return filters.filter(queryset.order_by("-minute_item__meeting__date", "minute_item__number", "number", "pk"))


@meetings.get("/actions", response=list[schemas.Action], url_name="actions", summary="Actions and commitments")
@paginate(Pagination, **PAGE)
def list_actions(request, filters: Query[ActionFilter]):
    queryset = Action.objects.visible_to(ANONYMOUS).with_context().with_is_overdue()
    return filters.filter(queryset.order_by("-minute_item__meeting__date", "pk"))


@meetings.get("/recommendations", response=list[schemas.Recommendation], url_name="recommendations", summary="Recommendations")
@paginate(Pagination, **PAGE)
def list_recommendations(request, filters: Query[RecommendationFilter]):
    queryset = Recommendation.objects.visible_to(ANONYMOUS)
    return filters.filter(queryset.order_by("-minute_item__meeting__date", "pk"))


# ---------------------------------------------------------------------------
# Improvement plans and KPIs (published plans only)
# ---------------------------------------------------------------------------
@improvement.get("/improvement-plans", response=list[schemas.ImprovementPlan], url_name="improvement_plans", summary="Improvement plans")
@paginate(Pagination, **PAGE)
def list_improvement_plans(request):
    return ImprovementPlan.objects.published().select_related("board").with_summary().order_by("-period_start", "name", "pk")


@improvement.get(
    "/improvement-plans/{slug}/actions",
    response=list[schemas.ImprovementAction],
    url_name="improvement_plan_actions",
    summary="A plan's actions, in plan order, with their current RAG rating",
)
@paginate(Pagination, **PAGE)
def list_improvement_actions(request, slug: str, filters: Query[ImprovementActionFilter]):
    plan = get_object_or_404(ImprovementPlan.objects.published(), slug=slug)
    return filters.filter(ImprovementAction.objects.for_plan(plan).in_plan_order())


@improvement.get(
    "/improvement-plans/{slug}/impact-measures",
    response=list[schemas.ImpactMeasure],
    url_name="improvement_plan_impact_measures",
    summary='A plan\'s own "How will we measure impact?" register, as printed, area by area',
)
@paginate(Pagination, **PAGE)
def list_impact_measures(request, slug: str):
    plan = get_object_or_404(ImprovementPlan.objects.published(), slug=slug)
    return ImpactMeasure.objects.filter(plan=plan).select_related("priority").in_plan_order()


@improvement.get("/kpis", response=list[schemas.Kpi], url_name="kpis", summary="Measures (KPIs) with their latest value")
@paginate(Pagination, **PAGE)
def list_kpis(request, active: bool | None = None):
    queryset = Measure.objects.with_latest().order_by("name", "pk")
    return queryset.filter(is_active=active) if active is not None else queryset


@improvement.get(
    "/kpis/{slug}/measurements", response=list[schemas.Measurement], url_name="kpi_measurements", summary="A KPI's reported values"
)
@paginate(Pagination, **PAGE)
def list_measurements(request, slug: str):
    measure = get_object_or_404(Measure, slug=slug)
    return Measurement.objects.filter(measure=measure).order_by("period_end", "pk")


# ---------------------------------------------------------------------------
# Complaints: the published annual report's aggregate tables
# ---------------------------------------------------------------------------
@complaints.get(
    "/complaints/annual-reports",
    response=list[schemas.ComplaintsYear],
    url_name="complaints_reports",
    summary="Children's social care complaints: the financial years with an annual report, with headline counts",
)
def list_complaints_reports(request):
    from complaints.report import report_years

    return [
        {
            "year": row["year"].slug,
            "label": row["year"].label,
            "stage1": row["stage1"],
            "stage2": row["stage2"],
            "stage3": row["stage3"],
            "compliments": row["compliments"],
            "url": request.build_absolute_uri(reverse("api:complaints_report", kwargs={"year": row["year"].slug})),
        }
        for row in report_years()
    ]


@complaints.get(
    "/complaints/annual-reports/{year}",
    response=schemas.ComplaintsReport,
    url_name="complaints_report",
    summary="Children's social care complaints: the annual report's tables for a financial year (totals only)",
)
def get_complaints_report(request, year: str):
    from complaints.report import published_report
    from complaints.years import FinancialYear

    try:
        financial_year = FinancialYear.parse(year)
    except ValueError:
        raise Http404("Give the year as 2024-25.") from None
    # The same cached, aggregate-only report the public page shows (complaints.report); never a single complaint.
    from complaints import published
    from complaints.report import PublishedReport

    report = published_report(financial_year)
    if report is None and published.has_published_figures(financial_year):
        report = PublishedReport(financial_year, datetime.date.today(), [], [])  # the council's published figures only
    if report is None:
        raise Http404(f"No complaints records for {financial_year.label}.")
    printed = published.published_record(financial_year, report)
    return {
        "year": financial_year.slug,
        "label": financial_year.label,
        "as_at": report.as_at,
        "html_url": request.build_absolute_uri(reverse("complaints:report", kwargs={"year": financial_year})),
        "tables": [
            {
                "key": t.key,
                "title": t.title,
                "caption": t.caption,
                "headers": t.headers,
                "rows": [
                    {
                        "label": r.label,
                        "values": [(str(c.value) if c.value is not None else None) for c in r.cells],
                        "is_total": r.is_total,
                        "provenance": [c.provenance for c in r.cells],
                    }
                    for r in t.rows
                ],
                "notes": t.notes,
            }
            for t in report.tables
        ],
        "published": [
            {
                "report": p.report.title or str(p.report),
                "table": t.table,
                "where_printed": t.reference,
                "year": t.year.slug,
                "row": c.figure.row,
                "column": c.figure.column,
                "published": c.figure.printed,
                "from_the_register": c.register_text or None,
                "register_provenance": c.register_provenance,
                "compared": c.compared,
            }
            for p in printed
            for t in p.tables
            for c in t.rows
        ],
        "report_text": [{"heading": s.heading, "text": s.text} for p in printed for s in p.sections],
    }


api.add_router("", committees)
api.add_router("", meetings)
api.add_router("", improvement)
api.add_router("", complaints)
