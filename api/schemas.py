"""Response shapes of the open data API, named after Open Civic Data and Popolo where they fit
(organization, person, membership, event, agenda item). Contact details and exempt or draft text never appear."""

import datetime

from django.urls import reverse
from ninja import Field, Schema

from meetings.models import Meeting
from meetings.views.feeds import meeting_times


def absolute(context, path: str) -> str:
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request else path


# ---------------------------------------------------------------------------
# Committees and people (Popolo)
# ---------------------------------------------------------------------------
class Organization(Schema):
    """A committee (Popolo organization, classification "committee")."""

    id: int
    name: str
    slug: str
    classification: str = "committee"
    short_name: str
    remit: str
    is_active: bool
    html_url: str

    @staticmethod
    def resolve_html_url(obj, context):
        return absolute(context, obj.get_absolute_url())


class Person(Schema):
    """A councillor, co-opted member, officer or partner (Popolo person). No e-mail addresses or phone numbers."""

    id: int
    name: str
    sort_name: str
    honorific_prefix: str
    kind: str
    role: str
    organisation: str
    html_url: str

    @staticmethod
    def resolve_name(obj):
        return obj.display_name

    @staticmethod
    def resolve_sort_name(obj):
        return obj.name

    @staticmethod
    def resolve_honorific_prefix(obj):
        return obj.honorific

    @staticmethod
    def resolve_role(obj):
        return obj.job_title

    @staticmethod
    def resolve_html_url(obj, context):
        return absolute(context, obj.get_absolute_url())


class Membership(Schema):
    """A seat on a committee (Popolo membership)."""

    id: int
    person_id: int
    organization_id: int
    role: str
    role_provenance: str
    label: str
    start_date: datetime.date
    end_date: datetime.date | None

    @staticmethod
    def resolve_organization_id(obj):
        return obj.committee_id

    @staticmethod
    def resolve_label(obj):
        return obj.capacity or obj.get_role_display()


# ---------------------------------------------------------------------------
# Meetings (Open Civic Data events) and what happened at them
# ---------------------------------------------------------------------------
class Location(Schema):
    name: str
    # "recorded" where the summons gives the place; "illustrative" where the council's record does not (committee.provenance).
    provenance: str


OCD_STATUS = {
    Meeting.Status.SCHEDULED: "confirmed",
    Meeting.Status.HELD: "passed",
    Meeting.Status.CANCELLED: "cancelled",
    Meeting.Status.POSTPONED: "cancelled",
}


class Event(Schema):
    """A committee meeting (Open Civic Data event). Dates and places are public whatever the agenda's state."""

    id: int
    name: str
    classification: str = "committee-meeting"
    organization_id: int
    start_date: datetime.datetime
    end_date: datetime.datetime | None
    status: str
    council_status: str
    # Beside each value that may not be the council's: "recorded", "illustrative", "rebuilt" or "inferred".
    start_date_provenance: str
    location: Location
    agenda_published: bool
    agenda_provenance: str
    minutes: str
    minutes_approval_provenance: str | None
    html_url: str
    ics_url: str

    @staticmethod
    def resolve_name(obj):
        return str(obj)

    @staticmethod
    def resolve_organization_id(obj):
        return obj.committee_id

    @staticmethod
    def resolve_start_date(obj):
        return meeting_times(obj)[0]

    @staticmethod
    def resolve_end_date(obj):
        return meeting_times(obj)[1] if obj.ended_at else None

    @staticmethod
    def resolve_status(obj):
        return OCD_STATUS.get(obj.status, "confirmed")

    @staticmethod
    def resolve_council_status(obj):
        return obj.status

    @staticmethod
    def resolve_start_date_provenance(obj):
        return obj.start_time_provenance

    @staticmethod
    def resolve_location(obj):
        return {"name": obj.venue, "provenance": obj.venue_provenance}

    @staticmethod
    def resolve_minutes_approval_provenance(obj):
        return obj.minutes_approval_provenance if obj.minutes_status == Meeting.MinutesStatus.APPROVED else None

    @staticmethod
    def resolve_agenda_published(obj):
        return obj.agenda_status == Meeting.AgendaStatus.PUBLISHED

    @staticmethod
    def resolve_minutes(obj):
        """ "approved", "draft" (published before approval) or "not_published"."""
        if obj.minutes_status == Meeting.MinutesStatus.APPROVED:
            return "approved"
        if obj.minutes_status == Meeting.MinutesStatus.DRAFT and obj.minutes_published:
            return "draft"
        return "not_published"

    @staticmethod
    def resolve_html_url(obj, context):
        return absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_ics_url(obj, context):
        return absolute(context, reverse("meetings:meeting_calendar", kwargs={"pk": obj.pk}))


class DocumentRef(Schema):
    id: int
    title: str
    kind: str
    classification: str = Field("", description='As printed on a Cabinet-style cover ("Open"); empty when the cover has none.')
    decision_type: str = Field("", description='As printed on a Cabinet-style cover ("Non-Key"); empty when the cover has none.')
    html_url: str
    file_url: str | None

    @staticmethod
    def resolve_html_url(obj, context):
        return absolute(context, reverse("meetings:document", kwargs={"pk": obj.pk}))

    @staticmethod
    def resolve_file_url(obj, context):
        return absolute(context, obj.file.url) if obj.file else None


class AgendaItem(Schema):
    """An item on a published agenda (Open Civic Data event agenda item). Exempt items list no papers."""

    id: int
    event_id: int
    order: int
    title: str
    description: str
    kind: str
    exempt: bool
    exempt_paragraph: int | None
    # The page range as the council printed it in its published pack (None where that pack is not held); a pack built
    # here numbers its pages differently.
    printed_page_start: int | None
    printed_page_end: int | None
    # "rebuilt" where the council's agenda is not held and the item was taken from the minute titles.
    provenance: str
    documents: list[DocumentRef]
    html_url: str

    @staticmethod
    def resolve_event_id(obj):
        return obj.meeting_id

    @staticmethod
    def resolve_order(obj):
        return obj.number

    @staticmethod
    def resolve_exempt(obj):
        return obj.is_exempt

    @staticmethod
    def resolve_provenance(obj):
        return obj.meeting.agenda_provenance

    @staticmethod
    def resolve_documents(obj):
        return list(obj.documents.all())  # prefetched with Document.objects.visible_to(anonymous)

    @staticmethod
    def resolve_html_url(obj, context):
        return absolute(context, f"{obj.meeting.get_absolute_url()}#item-{obj.number}")


class EventDetail(Event):
    agenda: list[AgendaItem]

    @staticmethod
    def resolve_agenda(obj):
        return list(obj.agenda_items.all())


class Minute(Schema):
    """A minute of published (draft or approved) minutes. An exempt minute has its title only."""

    id: int
    event_id: int
    reference: str
    title: str
    text: str
    exempt: bool
    draft: bool
    html_url: str

    @staticmethod
    def resolve_event_id(obj):
        return obj.meeting_id

    @staticmethod
    def resolve_text(obj):
        return obj.visible_body  # chosen in the database by MinuteItem.with_access

    @staticmethod
    def resolve_exempt(obj):
        return obj.is_exempt

    @staticmethod
    def resolve_draft(obj):
        return obj.meeting.minutes_status != Meeting.MinutesStatus.APPROVED

    @staticmethod
    def resolve_html_url(obj, context):
        return absolute(context, obj.get_absolute_url())


class Resolution(Schema):
    """A decision: one "It was agreed:" line of published minutes."""

    id: int
    minute_id: int
    event_id: int
    organization_id: int
    date: datetime.date
    number: int
    kind: str
    text: str
    html_url: str

    @staticmethod
    def resolve_minute_id(obj):
        return obj.minute_item_id

    @staticmethod
    def resolve_event_id(obj):
        return obj.minute_item.meeting_id

    @staticmethod
    def resolve_organization_id(obj):
        return obj.minute_item.meeting.committee_id

    @staticmethod
    def resolve_date(obj):
        return obj.minute_item.meeting.date

    @staticmethod
    def resolve_html_url(obj, context):
        return absolute(context, obj.minute_item.get_absolute_url())


class Action(Schema):
    """A commitment recorded in published minutes: what, who owes it, by when, and whether it was done."""

    id: int
    minute_id: int
    event_id: int
    organization_id: int
    description: str
    owner: str
    owed_to: str
    kind: str
    status: str
    due_date: datetime.date | None
    completed_date: datetime.date | None
    is_overdue: bool
    html_url: str

    @staticmethod
    def resolve_minute_id(obj):
        return obj.minute_item_id

    @staticmethod
    def resolve_event_id(obj):
        return obj.minute_item.meeting_id

    @staticmethod
    def resolve_organization_id(obj):
        return obj.minute_item.meeting.committee_id

    @staticmethod
    def resolve_owner(obj):
        return obj.owner_label

    @staticmethod
    def resolve_html_url(obj, context):
        return absolute(context, obj.minute_item.get_absolute_url())


class Recommendation(Schema):
    """A recommendation to the executive or another body, and its response."""

    id: int
    organization_id: int
    minute_id: int
    text: str
    to_body: str
    sent_date: datetime.date | None
    response_due_date: datetime.date | None
    response: str
    response_date: datetime.date | None
    response_reason: str
    implementation: str
    implementation_note: str

    @staticmethod
    def resolve_organization_id(obj):
        return obj.committee_id

    @staticmethod
    def resolve_minute_id(obj):
        return obj.minute_item_id


# ---------------------------------------------------------------------------
# Improvement plans and KPIs
# ---------------------------------------------------------------------------
class ImprovementPlan(Schema):
    id: int
    slug: str
    name: str
    short_name: str
    status: str
    board: str | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    published_on: datetime.date | None
    action_count: int
    complete_count: int
    html_url: str

    @staticmethod
    def resolve_board(obj):
        return obj.board.name if obj.board_id else None

    @staticmethod
    def resolve_html_url(obj, context):
        return absolute(context, obj.get_absolute_url())


class ImprovementAction(Schema):
    id: int
    plan_id: int
    reference: str
    text: str
    accountable: list[str]
    timescale: str
    due_by: datetime.date | None
    rag: str
    is_complete: bool
    last_update_on: datetime.date | None
    html_url: str

    @staticmethod
    def resolve_accountable(obj):
        return obj.accountable_list

    @staticmethod
    def resolve_rag(obj):
        return obj.current_rag

    @staticmethod
    def resolve_html_url(obj, context):
        return absolute(context, obj.get_absolute_url())


class ImpactMeasure(Schema):
    """One line of a plan's impact register: what the plan says will show impact (no figures; those are KPIs)."""

    plan_id: int
    area_label: str
    area_name: str
    priority: str | None = Field(None, description='The plan priority the area corresponds to, e.g. "PIP1", "AFI 2".')
    text: str
    also_relevant_to: str = Field(description='The bracketed cross-reference printed after the line, e.g. "also relevant for Workforce*".')
    as_printed: str

    @staticmethod
    def resolve_priority(obj):
        return obj.priority.short_label if obj.priority_id else None


class Kpi(Schema):
    """A measure (KPI) with its target and latest reported value."""

    id: int
    slug: str
    name: str
    definition: str
    unit: str
    polarity: str
    frequency: str
    baseline_value: float | None
    baseline_period: str
    target_value: float | None
    target_date: datetime.date | None
    latest_value: float | None
    latest_period: str | None
    latest_is_illustrative: bool | None
    is_active: bool
    html_url: str

    @staticmethod
    def resolve_latest_period(obj):
        return obj.latest_period_label

    @staticmethod
    def resolve_latest_is_illustrative(obj):
        return obj.latest_illustrative

    @staticmethod
    def resolve_html_url(obj, context):
        return absolute(context, obj.get_absolute_url())


class Measurement(Schema):
    period_start: datetime.date | None
    period_end: datetime.date
    period_label: str
    value: float
    england: float | None
    north_west: float | None
    statistical_neighbours: float | None
    illustrative: bool
    source: str

    @staticmethod
    def resolve_period_label(obj):
        return obj.label

    @staticmethod
    def resolve_england(obj):
        return obj.national

    @staticmethod
    def resolve_north_west(obj):
        return obj.regional


# ---------------------------------------------------------------------------
# Complaints: aggregate figures only (complaints.report), never a single complaint
# ---------------------------------------------------------------------------
class ReportRow(Schema):
    label: str
    values: list[str | None]
    is_total: bool
    provenance: list[str] = Field([], description='Per value: "" for the register\'s own figure, else "illustrative" or "inferred".')


class ReportTable(Schema):
    key: str
    title: str
    caption: str
    headers: list[str]
    rows: list[ReportRow]
    notes: list[str]


class ComplaintsYear(Schema):
    year: str
    label: str
    stage1: int
    stage2: int
    stage3: int
    compliments: int
    url: str


class PublishedFigureOut(Schema):
    """A figure exactly as the council printed it in an annual report, with the register's figure for the same thing."""

    report: str
    table: str
    where_printed: str
    year: str
    row: str
    column: str
    published: str
    from_the_register: str | None
    register_provenance: str
    compared: str


class ReportSectionOut(Schema):
    heading: str
    text: str


class ComplaintsReport(Schema):
    year: str
    label: str
    as_at: datetime.date
    html_url: str
    tables: list[ReportTable]
    published: list[PublishedFigureOut] = Field(
        [], description="The year's published report as printed, and other reports' figures for the year."
    )
    report_text: list[ReportSectionOut] = Field([], description="The published report's own words, verbatim.")
