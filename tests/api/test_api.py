"""The open data API: a valid OpenAPI 3 schema, every endpoint within a fixed query budget, public content only."""

import datetime

import pytest
from django.urls import reverse
from openapi_spec_validator import validate

from committee.access import SYSTEM
from committee.models import Membership, Person
from meetings import services
from meetings.models import AgendaItem, Document, Meeting, Recommendation
from tests.factories import (
    ActionFactory,
    CommitteeFactory,
    DocumentFactory,
    MeetingFactory,
    MinuteItemFactory,
    PersonFactory,
    ResolutionFactory,
)

pytestmark = pytest.mark.django_db

MARKERS = ["MARKER-API-EXEMPT", "MARKER-API-DRAFT", "MARKER-API-WITHDRAWN", "secret@example.gov.uk", "0161 999 0000", "A Questioner"]


def get(client, name, *args, **params):
    response = client.get(reverse(f"api:{name}", args=args), params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


# ---------------------------------------------------------------------------
# Schema and documentation
# ---------------------------------------------------------------------------
def test_the_openapi_schema_is_valid_openapi_3_with_every_endpoint(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    validate(spec)
    for path in [
        "/api/organizations",
        "/api/people",
        "/api/memberships",
        "/api/events",
        "/api/events/{event_id}",
        "/api/agenda-items",
        "/api/minutes",
        "/api/resolutions",
        "/api/actions",
        "/api/recommendations",
        "/api/improvement-plans",
        "/api/improvement-plans/{slug}/actions",
        "/api/improvement-plans/{slug}/impact-measures",
        "/api/kpis",
        "/api/kpis/{slug}/measurements",
        "/api/complaints/annual-reports",
        "/api/complaints/annual-reports/{year}",
    ]:
        assert path in spec["paths"], path
    assert all(op.get("summary") for methods in spec["paths"].values() for op in methods.values())


def test_the_documentation_is_a_page_of_the_site(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "/api/openapi.json" in html
    assert "GET /api/events" in html
    assert '<script src="https://' not in html  # nothing from a CDN: the site's CSP allows scripts from itself only


# ---------------------------------------------------------------------------
# A world with public and private content, at 1× and 10×
# ---------------------------------------------------------------------------
def build(n: int, tag: str):
    """n committees' worth of everything the API lists, public; some private content beside it."""
    from tests.improvement.factories import ActionFactory as PlanActionFactory
    from tests.improvement.factories import MeasureFactory, MeasurementFactory, PlanFactory, update

    for i in range(n):
        committee = CommitteeFactory(slug=f"{tag}-committee-{i}", name=f"{tag} committee {i}")
        Membership.objects.create(committee=committee, person=PersonFactory(), start_date=datetime.date(2025, 5, 14))
        meeting = MeetingFactory(committee=committee)
        item = AgendaItem.objects.create(meeting=meeting, number=1, title="REPORT")
        DocumentFactory(agenda_item=item)
        minute = MinuteItemFactory(meeting=meeting, agenda_item=item)
        ResolutionFactory(minute_item=minute)
        ActionFactory(minute_item=minute)
        Recommendation.objects.create(committee=committee, minute_item=minute, text="That Cabinet agree.")
        plan = PlanFactory(slug=f"{tag}-plan-{i}") if i == 0 else PlanFactory()
        action = PlanActionFactory(outcome__priority__plan=plan)
        update(action, datetime.date(2025, 9, 1))
        measure = MeasureFactory(slug=f"{tag}-kpi-{i}")
        MeasurementFactory(measure=measure)


@pytest.fixture
def private_content():
    committee = CommitteeFactory(slug="private-api", name="Private API committee")
    published = MeetingFactory(committee=committee)
    exempt_item = AgendaItem.objects.create(meeting=published, number=9, title="CONTRACT", exempt_paragraph=3)
    Document.objects.create(agenda_item=exempt_item, title="MARKER-API-EXEMPT report", body="MARKER-API-EXEMPT")
    minute = services.minute_item_create(
        by=SYSTEM, meeting=published, title="CONTRACT", agenda_item=exempt_item, body="MARKER-API-EXEMPT minute"
    )
    services.resolution_create(by=SYSTEM, minute_item=minute, text="MARKER-API-EXEMPT resolution")
    due = published.date + datetime.timedelta(days=30)
    services.action_create(by=SYSTEM, minute_item=minute, description="MARKER-API-EXEMPT action", due_date=due)
    Recommendation.objects.create(committee=committee, minute_item=minute, text="MARKER-API-EXEMPT recommendation")
    draft = MeetingFactory(committee=committee, agenda_status=Meeting.AgendaStatus.DRAFT, minutes_status=Meeting.MinutesStatus.DRAFT)
    AgendaItem.objects.create(meeting=draft, number=1, title="MARKER-API-DRAFT agenda")
    draft_minute = MinuteItemFactory(meeting=draft, body="MARKER-API-DRAFT minute")
    ResolutionFactory(minute_item=draft_minute, text="MARKER-API-DRAFT resolution")
    withdrawn = MeetingFactory(committee=committee, agenda_status=Meeting.AgendaStatus.WITHDRAWN)
    AgendaItem.objects.create(meeting=withdrawn, number=1, title="MARKER-API-WITHDRAWN agenda")
    PersonFactory(name="O Fficer", kind=Person.Kind.OFFICER, email="secret@example.gov.uk", phone="0161 999 0000")
    PersonFactory(name="A Questioner", kind=Person.Kind.PUBLIC)
    return {"published": published, "committee": committee}


LIST_ENDPOINTS = [
    ("organizations", ()),
    ("people", ()),
    ("memberships", ()),
    ("events", ()),
    ("agenda_items", ()),
    ("minutes", ()),
    ("resolutions", ()),
    ("actions", ()),
    ("recommendations", ()),
    ("improvement_plans", ()),
    ("improvement_plan_actions", ("q-plan-0",)),
    ("improvement_plan_impact_measures", ("q-plan-0",)),
    ("kpis", ()),
    ("kpi_measurements", ("q-kpi-0",)),
]


def test_every_list_answers_in_the_same_number_of_queries_for_ten_times_the_rows(client, django_assert_max_num_queries):
    """Guards against N+1 in each endpoint's serialisation (committee, meeting, documents of each row)."""
    build(1, "q")
    baseline = {}
    for name, args in LIST_ENDPOINTS:
        with django_assert_max_num_queries(8) as one:
            response = client.get(reverse(f"api:{name}", args=args), {"limit": 500})
        assert response.status_code == 200, name
        baseline[name] = (len(one.captured_queries), response.json()["count"])
    build(10, "r")
    for name, args in LIST_ENDPOINTS:
        queries, count = baseline[name]
        with django_assert_max_num_queries(queries):
            response = client.get(reverse(f"api:{name}", args=args), {"limit": 500})
        assert response.status_code == 200, name
        if not args:
            assert response.json()["count"] >= 10 * count, name


def test_event_detail_query_count_does_not_grow_with_its_agenda(client, django_assert_max_num_queries):
    meeting = MeetingFactory()
    AgendaItem.objects.create(meeting=meeting, number=1, title="ONE")
    with django_assert_max_num_queries(6) as one:
        client.get(reverse("api:event", args=[meeting.pk]))
    for n in range(2, 12):
        DocumentFactory(agenda_item=AgendaItem.objects.create(meeting=meeting, number=n, title=f"ITEM {n}"))
    with django_assert_max_num_queries(len(one.captured_queries)):
        data = client.get(reverse("api:event", args=[meeting.pk])).json()
    assert len(data["agenda"]) == 11


def test_no_endpoint_carries_private_content_or_contact_details(client, private_content):
    build(1, "p")
    published = private_content["published"]
    urls = [reverse(f"api:{name}") for name, args in LIST_ENDPOINTS if not args]
    urls += [reverse("api:event", args=[m.pk]) for m in Meeting.objects.all()]
    urls += [reverse("api:organization", args=["private-api"])]
    urls += [reverse("api:person", args=[p.pk]) for p in Person.objects.exclude(kind=Person.Kind.PUBLIC)]
    for url in urls:
        body = client.get(url, {"limit": 500}).content.decode()
        assert not [m for m in MARKERS if m in body], url
    # The exempt item itself is listed (its title is public, as on the meeting page) but without its papers.
    items = get(client, "agenda_items", event=published.pk)["items"]
    exempt = next(i for i in items if i["exempt"])
    assert exempt["documents"] == []
    assert exempt["exempt_paragraph"] == 3
    minute = next(m for m in get(client, "minutes", event=published.pk)["items"] if m["exempt"])
    assert minute["text"] == ""


def test_members_of_the_public_are_not_people_and_have_no_page(client, private_content):
    public = Person.objects.get(kind=Person.Kind.PUBLIC)
    assert client.get(reverse("api:person", args=[public.pk])).status_code == 404
    people = get(client, "people")["items"]
    assert not {"email", "phone"} & set(people[0])


def test_signing_in_does_not_widen_what_the_api_shows(client, private_content):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="api-superuser", is_superuser=True))
    body = client.get(reverse("api:resolutions"), {"limit": 500}).content.decode()
    assert "MARKER-API" not in body


# ---------------------------------------------------------------------------
# Pagination and filters
# ---------------------------------------------------------------------------
def test_limit_and_offset_page_through_a_list(client):
    committee = CommitteeFactory()
    for _ in range(5):
        MeetingFactory(committee=committee)
    page = get(client, "events", limit=2, offset=2)
    assert page["count"] == 5
    assert len(page["items"]) == 2
    assert client.get(reverse("api:events"), {"limit": 0}).status_code == 422
    assert len(get(client, "events", limit=100000)["items"]) == 5  # capped at 500, not refused


def test_events_filter_by_committee_date_and_status(client):
    health, children = CommitteeFactory(), CommitteeFactory()
    MeetingFactory(committee=health, date=datetime.date(2025, 6, 1))
    MeetingFactory(committee=health, date=datetime.date(2026, 1, 1), status=Meeting.Status.CANCELLED)
    MeetingFactory(committee=children, date=datetime.date(2026, 2, 1))
    assert get(client, "events", organization=health.pk)["count"] == 2
    assert get(client, "events", date_from="2026-01-01")["count"] == 2
    assert get(client, "events", organization=health.pk, date_to="2025-12-31")["count"] == 1
    cancelled = get(client, "events", status="cancelled")["items"]
    assert [e["status"] for e in cancelled] == ["cancelled"]
    assert cancelled[0]["ics_url"].endswith(f"/meetings/{cancelled[0]['id']}/calendar.ics")


def test_memberships_on_a_date(client):
    committee = CommitteeFactory()
    last_year = {"start_date": datetime.date(2024, 5, 1), "end_date": datetime.date(2025, 4, 30)}
    Membership.objects.create(committee=committee, person=PersonFactory(), **last_year)
    Membership.objects.create(committee=committee, person=PersonFactory(), start_date=datetime.date(2025, 5, 14))
    assert get(client, "memberships", organization=committee.pk)["count"] == 2
    assert get(client, "memberships", organization=committee.pk, on="2025-06-01")["count"] == 1


def test_an_event_has_ocd_names(client):
    meeting = MeetingFactory(venue="Council Chamber", ended_at=datetime.time(21, 15))
    event = get(client, "event", meeting.pk)
    assert event["classification"] == "committee-meeting"
    assert event["location"] == {"name": "Council Chamber", "provenance": "recorded"}
    assert event["organization_id"] == meeting.committee_id
    assert event["start_date"].startswith(f"{meeting.date.isoformat()}T")
    assert event["end_date"] is not None
    assert event["minutes"] == "approved"
    assert event["agenda_published"] is True


def test_unknown_things_are_404(client):
    assert client.get(reverse("api:event", args=[999999])).status_code == 404
    assert client.get(reverse("api:organization", args=["nope"])).status_code == 404
    assert client.get(reverse("api:improvement_plan_actions", args=["nope"])).status_code == 404
    assert client.get(reverse("api:complaints_report", args=["2024-25"])).status_code == 404
    assert client.get(reverse("api:complaints_report", args=["twenty"])).status_code == 404


def test_complaints_figures_are_aggregate_tables_only(client):
    from tests.complaints.factories import ComplaintFactory, StageFactory

    StageFactory(complaint=ComplaintFactory(received_date=datetime.date(2024, 6, 3)))
    years = get(client, "complaints_reports")
    assert years[0]["year"] == "2024-25"
    report = get(client, "complaints_report", "2024-25")
    assert report["label"] == "2024/25"
    assert {t["key"] for t in report["tables"]} >= {"summary", "received_by_stage"}
    summary = next(t for t in report["tables"] if t["key"] == "summary")
    assert summary["rows"][0]["values"][0] is not None
