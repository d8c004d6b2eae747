"""Nobody sees what they should not: every URL of the project, every role, every state, one declared matrix.

URL patterns are read from the resolver, so a new page that is not declared here fails the test.
Marker strings are planted in draft, withdrawn and exempt content; a role that may not see them must never
receive them in any response body.
"""

import datetime
import io
from dataclasses import dataclass

import pypdf
import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from committee.access import SYSTEM
from committee.models import Membership
from meetings import services
from meetings.models import Action, AgendaItem, Document, Meeting, MinuteItem, Question, Resolution
from tests.complaints.factories import ComplaintFactory, StageFactory
from tests.factories import CommitteeFactory, MeetingFactory, PersonFactory, UserFactory
from tests.improvement.factories import improvement_url_cases
from tests.pdfs import get_pdf

pytestmark = pytest.mark.django_db

RESTRICTED_MARKERS = [
    "MARKER-DRAFT-AGENDA",
    "MARKER-DRAFT-REPORT",
    "MARKER-WITHDRAWN-AGENDA",
    "MARKER-EXEMPT-REPORT",
    "MARKER-EXEMPT-MINUTE",
    "MARKER-EXEMPT-RESOLUTION",
    "MARKER-EXEMPT-ACTION",
    "MARKER-DRAFT-MINUTES",
    "MARKER-DRAFT-RESOLUTION",
    "MARKER-DRAFT-ACTION",
    "MARKER-DRAFT-QUESTION",
]

# Roles: (username, group, is the user a current member of / supporting officer for the committee)
ROLES = {
    "public": None,
    "councillor (member)": ("Councillor", "member"),
    "councillor (not a member)": ("Councillor", None),
    "officer (supports the committee)": ("Officer", "support"),
    "officer (other committee)": ("Officer", None),
    "clerk (supports the committee)": ("Clerk", "support"),
    "complaints officer": ("Complaints officer", None),
    "administrator": ("Administrator", None),
}
RESTRICTED_ROLES = {"councillor (member)", "officer (supports the committee)", "clerk (supports the committee)"}


@dataclass
class World:
    committee: object
    published: Meeting
    draft_agenda: Meeting
    withdrawn: Meeting
    draft_minutes: Meeting
    exempt_report: Document
    draft_report: Document
    public_report: Document
    users: dict
    member_person: object = None
    packs: dict | None = None


def _word_document(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _attach_originals(document: Document) -> None:
    """An uploaded (untagged) PDF and the Word document the text came from: protected files, like the paper. Its
    structured body is rendered from body_source by the service, as every entry path does."""
    from weasyprint import HTML

    document.file.save("upload.pdf", ContentFile(HTML(string=f"<p>{document.title}</p>").write_pdf()), save=False)
    document.source_file.save("original.docx", ContentFile(_word_document(document.title)), save=False)
    services.document_save(document=document, pdf_changed=True, by=SYSTEM)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    committee = CommitteeFactory(name="Access Test Committee", slug="access-test-committee")
    day = datetime.date(2026, 2, 1)
    published = MeetingFactory(committee=committee, date=day)
    draft_agenda = MeetingFactory(committee=committee, date=day + datetime.timedelta(days=30), agenda_status=Meeting.AgendaStatus.DRAFT)
    withdrawn = MeetingFactory(committee=committee, date=day + datetime.timedelta(days=60), agenda_status=Meeting.AgendaStatus.WITHDRAWN)
    draft_minutes = MeetingFactory(committee=committee, date=day + datetime.timedelta(days=90), minutes_status=Meeting.MinutesStatus.DRAFT)

    public_item = AgendaItem.objects.create(meeting=published, number=6, title="PUBLIC REPORT", report_status="attached")
    public_report = Document.objects.create(agenda_item=public_item, title="Public report", body_source="Nothing secret.")
    exempt_item = AgendaItem.objects.create(meeting=published, number=7, title="CHILDREN'S HOME CONTRACT", exempt_paragraph=3)
    exempt_report = Document.objects.create(agenda_item=exempt_item, title="Contract terms", body_source="MARKER-EXEMPT-REPORT prices")
    exempt_minute = services.minute_item_create(
        by=SYSTEM, meeting=published, title="CHILDREN'S HOME CONTRACT", agenda_item=exempt_item, body="MARKER-EXEMPT-MINUTE"
    )
    services.resolution_create(by=SYSTEM, minute_item=exempt_minute, text="MARKER-EXEMPT-RESOLUTION")
    services.action_create(
        by=SYSTEM, minute_item=exempt_minute, description="MARKER-EXEMPT-ACTION", due_date=day + datetime.timedelta(days=10)
    )

    draft_item = AgendaItem.objects.create(meeting=draft_agenda, number=6, title="MARKER-DRAFT-AGENDA", description="MARKER-DRAFT-AGENDA")
    draft_report = Document.objects.create(agenda_item=draft_item, title="Draft report", body_source="MARKER-DRAFT-REPORT")
    AgendaItem.objects.create(meeting=withdrawn, number=6, title="MARKER-WITHDRAWN-AGENDA")
    for document in (public_report, exempt_report, draft_report):
        _attach_originals(document)

    draft_minute = services.minute_item_create(by=SYSTEM, meeting=draft_minutes, title="DRAFT MINUTE", body="MARKER-DRAFT-MINUTES")
    services.resolution_create(by=SYSTEM, minute_item=draft_minute, text="MARKER-DRAFT-RESOLUTION")
    services.action_create(
        by=SYSTEM, minute_item=draft_minute, description="MARKER-DRAFT-ACTION", due_date=day + datetime.timedelta(days=120)
    )
    Question.objects.create(
        meeting=draft_minutes,
        minute_item=draft_minute,
        asker_name="A Resident",
        question="MARKER-DRAFT-QUESTION",
        written_response_owed=True,
    )

    complaint = ComplaintFactory(received_date=datetime.date(2025, 6, 2))
    StageFactory(complaint=complaint, opened_date=datetime.date(2025, 6, 4))

    users = {}
    for role, spec in ROLES.items():
        if spec is None:
            users[role] = None
            continue
        group, relation = spec
        user = UserFactory(username=role.replace(" ", "-").replace("(", "").replace(")", ""), role=group)
        if group == "Administrator":
            user.is_superuser = False
            user.save()
        if relation == "member":
            Membership.objects.create(committee=committee, person=PersonFactory(user=user), start_date=datetime.date(2025, 5, 14))
        elif relation == "support":
            committee.supporting_officers.add(user)
        users[role] = user
    from search import receivers

    receivers.flush()  # index what was saved: indexing runs when a transaction commits, which a test never does
    member = users["councillor (member)"].person
    return World(committee, published, draft_agenda, withdrawn, draft_minutes, exempt_report, draft_report, public_report, users, member)


def pdf_text(content: bytes) -> str:
    """All text of a PDF response, so markers inside PDFs are caught too."""
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(content)).pages)


# How to fill each URL pattern, and who may open it. Every named non-admin pattern must appear here.
def url_cases(w: World):
    everyone = set(ROLES)
    meetings = [w.published, w.draft_agenda, w.withdrawn, w.draft_minutes]
    return {
        "meetings:home": [("/", everyone)],
        "meetings:list": [("/meetings/", everyone), ("/meetings/?status=held", everyone)],
        "meetings:detail": [(m.get_absolute_url(), everyone) for m in meetings],
        "meetings:document": [
            (f"/documents/{w.public_report.pk}/", everyone),
            (f"/documents/{w.exempt_report.pk}/", RESTRICTED_ROLES),
            (f"/documents/{w.draft_report.pk}/", RESTRICTED_ROLES),
        ],
        "meetings:committee": [(f"/committees/{w.committee.slug}/", everyone)],
        "meetings:work_programme": [(f"/committees/{w.committee.slug}/work-programme/", everyone)],
        "meetings:committee_attendance": [
            (f"/committees/{w.committee.slug}/attendance/", everyone),
            (f"/committees/{w.committee.slug}/attendance/?format=csv&table=rows", everyone),
        ],
        "meetings:people": [("/people/", everyone)],
        "meetings:person": [(w.member_person.get_absolute_url(), everyone)],
        "meetings:decisions": [("/decisions/", everyone), ("/decisions/?q=MARKER", everyone)],
        "meetings:actions": [("/actions/?state=all", everyone), ("/actions/?state=overdue", everyone)],
        "meetings:questions": [("/questions/", everyone)],
        "committee:list": [("/committees/", everyone)],
        **improvement_url_cases(w.published, everyone),
        "complaints:index": [("/complaints/", everyone)],
        "complaints:report": [("/complaints/report/2025-26/", everyone), ("/complaints/report/2019-20/", set())],
        "complaints:report_csv": [("/complaints/report/2025-26/summary.csv", everyone)],
        "complaints:report_pdf": [("/complaints/report/2025-26.pdf", everyone)],
        "complaints:work_list": [
            (
                "/complaints/work-list/",
                {"officer (supports the committee)", "officer (other committee)", "clerk (supports the committee)", "complaints officer"},
            )
        ],
        "meetings:follow_through": [(f"/committees/{w.committee.slug}/follow-through/", everyone)],
        # PDFs: the same rules as the pages they print (text is extracted for the marker check below).
        "meetings:document_pdf": [
            (f"/documents/{w.public_report.pk}/pdf/", everyone),
            (f"/documents/{w.exempt_report.pk}/pdf/", RESTRICTED_ROLES),
            (f"/documents/{w.draft_report.pk}/pdf/", RESTRICTED_ROLES),
        ],
        "meetings:document_word": [
            (f"/documents/{w.public_report.pk}/word/", everyone),
            (f"/documents/{w.exempt_report.pk}/word/", RESTRICTED_ROLES),
            (f"/documents/{w.draft_report.pk}/word/", RESTRICTED_ROLES),
        ],
        # Lists the papers that are not accessible (their uploads are untagged): only those the viewer may read.
        "meetings:accessibility": [("/accessibility/", everyone)],
        "meetings:minutes_pdf": [
            (f"/meetings/{w.published.pk}/minutes.pdf", everyone),
            (f"/meetings/{w.draft_minutes.pk}/minutes.pdf", RESTRICTED_ROLES),
        ],
        "meetings:pack": [
            (w.packs["public"].get_absolute_url(), everyone),
            (w.packs["restricted"].get_absolute_url(), RESTRICTED_ROLES),
            (w.packs["draft"].get_absolute_url(), RESTRICTED_ROLES),
        ]
        if w.packs
        else [],
        # Feeds are anonymous: public content only, for everyone.
        "meetings:calendar": [("/meetings/calendar.ics", everyone)],
        "meetings:meeting_calendar": [(f"/meetings/{m.pk}/calendar.ics", everyone) for m in meetings],
        "meetings:committee_calendar": [(f"/committees/{w.committee.slug}/calendar.ics", everyone)],
        "meetings:feed": [("/feed/", everyone)],
        "meetings:committee_feed": [(f"/committees/{w.committee.slug}/feed/", everyone)],
        # Search: results filtered by the same visibility rule (markers are searched for directly).
        "search:index": [("/search/?q=MARKER", everyone), ("/search/?q=MARKER*", everyone), ("/search/?q=contract", everyone)],
        # The open data API is public and never carries drafts, exempt content or personal data.
        "api:index": [("/api/", set())],  # redirects to the API documentation
        "api:api-root": [("/api/", set())],
        "api:openapi-json": [("/api/openapi.json", everyone)],
        "api:openapi-view": [("/api/docs", everyone)],
        "api:organizations": [("/api/organizations", everyone)],
        "api:organization": [(f"/api/organizations/{w.committee.slug}", everyone)],
        "api:people": [("/api/people", everyone)],
        "api:person": [(f"/api/people/{w.member_person.pk}", everyone)],
        "api:memberships": [("/api/memberships", everyone)],
        "api:events": [("/api/events", everyone)],
        "api:event": [(f"/api/events/{m.pk}", everyone) for m in meetings],
        "api:agenda_items": [("/api/agenda-items", everyone)],
        "api:minutes": [("/api/minutes", everyone)],
        "api:resolutions": [("/api/resolutions", everyone)],
        "api:actions": [("/api/actions", everyone)],
        "api:recommendations": [("/api/recommendations", everyone)],
        "api:improvement_plans": [("/api/improvement-plans", everyone)],
        "api:improvement_plan_actions": [("/api/improvement-plans/no-such-plan/actions", set())],
        "api:improvement_plan_impact_measures": [("/api/improvement-plans/no-such-plan/impact-measures", set())],
        "api:kpis": [("/api/kpis", everyone)],
        "api:kpi_measurements": [("/api/kpis/no-such-kpi/measurements", set())],
        "api:complaints_reports": [("/api/complaints/annual-reports", everyone)],
        "api:complaints_report": [("/api/complaints/annual-reports/2025-26", everyone)],
        "meetings:recommendations": [("/recommendations/", everyone)],
        "meetings:subscribe": [(f"/committees/{w.committee.slug}/subscribe/", set())],  # POST only; GET redirects
        "login": [("/accounts/login/", everyone)],
        # Health checks for the load balancer: nothing but "ok" per dependency.
        "healthz": [("/healthz/", everyone)],
        "readyz": [("/readyz/", everyone)],
        "logout": [],  # POST only; nothing to leak
        "two_factor": [("/accounts/two-factor/", everyone - {"public"})],  # the public are sent to sign in
    }


def named_patterns(patterns=None, namespace=""):
    """Every named URL pattern outside the admin, as "namespace:name"."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_patterns(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_pattern_is_declared_in_the_matrix(world):
    declared = set(url_cases(world))
    missing = sorted(set(named_patterns()) - declared)
    assert not missing, f"URL patterns with no access rules declared in tests/test_access_matrix.py: {missing}"


@pytest.fixture
def world_with_packs(world, settings, tmp_path):
    """The world plus built agenda packs: published public, restricted (with the exempt report), and a draft."""
    from meetings import packs

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AGENDA_PACK_BUILD_IN_BACKGROUND = False
    public, restricted = packs.pack_build(by=SYSTEM, meeting=world.published)
    packs.pack_publish(by=SYSTEM, pack=public)
    world.packs = {"public": public, "restricted": restricted, "draft": packs.pack_build(by=SYSTEM, meeting=world.draft_agenda)[0]}
    return world


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_gets_exactly_what_the_matrix_allows_and_no_restricted_text(client, world_with_packs, role):
    world = world_with_packs
    user = world.users[role]
    if user:
        client.force_login(user)
    may_see_restricted = role in RESTRICTED_ROLES
    failures = []
    for name, cases in url_cases(world).items():
        for url, allowed in cases:
            response = get_pdf(client, url)
            expected_ok = role in allowed
            if expected_ok and response.status_code != 200:
                failures.append(f"{name} {url}: expected 200, got {response.status_code}")
            if not expected_ok and response.status_code not in (302, 403, 404):
                failures.append(f"{name} {url}: expected refusal, got {response.status_code}")
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = pdf_text(raw) if response.get("Content-Type") == "application/pdf" and raw else raw.decode(errors="replace")
            if not may_see_restricted:
                failures += [f"{name} {url}: leaked {marker}" for marker in RESTRICTED_MARKERS if marker in body]
    assert not failures, "\n".join(failures)


def test_members_see_exempt_and_draft_content_on_the_meeting_page(client, world):
    client.force_login(world.users["councillor (member)"])
    html = client.get(world.published.get_absolute_url()).content.decode()
    assert "MARKER-EXEMPT-MINUTE" in html
    assert "MARKER-EXEMPT-RESOLUTION" in html
    html = client.get(world.draft_minutes.get_absolute_url()).content.decode()
    assert "MARKER-DRAFT-MINUTES" in html


def test_the_accessibility_statement_lists_only_the_papers_each_viewer_may_read(client, world):
    # given: the public, exempt and draft reports each have an untagged uploaded PDF
    # when: the public read the statement, then a member of the committee
    public = client.get("/accessibility/").content.decode()
    client.force_login(world.users["councillor (member)"])
    member = client.get("/accessibility/").content.decode()
    # then: the public see only the public paper listed; the member sees all three
    assert "Public report" in public
    assert "Contract terms" not in public
    assert "Draft report" not in public
    assert all(title in member for title in ("Public report", "Contract terms", "Draft report"))


def test_public_see_the_exempt_items_title_and_the_exemption_note(client, world):
    html = client.get(world.published.get_absolute_url()).content.decode()
    assert "CHILDREN&#x27;S HOME CONTRACT" in html
    assert "paragraph 3 of Part 1 of Schedule 12A" in html
    assert "Contract terms" not in html


def test_published_draft_minutes_are_public_and_marked_draft(client, world):
    clerk = world.users["clerk (supports the committee)"]
    services.minutes_publish_draft(meeting=world.draft_minutes, by=clerk)
    html = client.get(world.draft_minutes.get_absolute_url()).content.decode()
    assert "MARKER-DRAFT-MINUTES" in html
    assert "DRAFT" in html


# ---------------------------------------------------------------------------
# The admin follows the same rules: querysets scoped, not menus hidden
# ---------------------------------------------------------------------------
ADMIN_MODELS = [
    ("meeting", Meeting),
    ("agendaitem", AgendaItem),
    ("document", Document),
    ("minuteitem", MinuteItem),
    ("resolution", Resolution),
    ("action", Action),
    ("question", Question),
]


@pytest.mark.parametrize(("model_name", "model"), ADMIN_MODELS)
def test_officer_of_another_committee_cannot_list_or_open_its_records_in_the_admin(client, world, model_name, model):
    client.force_login(world.users["officer (other committee)"])
    changelist = client.get(f"/admin/meetings/{model_name}/")
    assert changelist.status_code == 200
    body = changelist.content.decode()
    assert not [m for m in RESTRICTED_MARKERS if m in body]
    lookup = {"meeting": "committee", "agendaitem": "meeting__committee", "document": "agenda_item__meeting__committee"}.get(
        model_name,
        "meeting__committee"
        if model is Question
        else "minute_item__meeting__committee"
        if model is not MinuteItem
        else "meeting__committee",
    )
    obj = model.objects.filter(**{lookup: world.committee}).first()
    assert client.get(f"/admin/meetings/{model_name}/{obj.pk}/change/").status_code in (302, 404)


@pytest.mark.parametrize("role", ["public", "councillor (member)", "councillor (not a member)"])
def test_non_staff_cannot_use_the_admin(client, world, role):
    if world.users[role]:
        client.force_login(world.users[role])
    assert client.get("/admin/meetings/minuteitem/").status_code == 302


def test_supporting_officer_sees_the_committees_records_in_the_admin(client, world):
    client.force_login(world.users["officer (supports the committee)"])
    body = client.get("/admin/meetings/minuteitem/").content.decode()
    assert "DRAFT MINUTE" in body
