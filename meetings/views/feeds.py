"""Calendar (iCalendar) and RSS feeds. Feeds are read by calendar apps and feed readers without signing in, so they
show public content only, whoever asks: everything is read with `visible_to(AnonymousUser())`."""

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.views import View
from icalendar import Calendar, Event

from committee.models import Committee
from committee.provenance import Provenance, csv_value, is_marked
from meetings.models import Meeting, PublicationNotice, Resolution

ANONYMOUS = AnonymousUser()
# A meeting with no recorded end time is shown as lasting this long.
DEFAULT_LENGTH = datetime.timedelta(hours=2)
# Calendar feeds carry the last year's meetings and everything ahead; RSS feeds the latest items.
CALENDAR_HISTORY = datetime.timedelta(days=366)
FEED_ITEMS = 50


# ---------------------------------------------------------------------------
# iCalendar
# ---------------------------------------------------------------------------
def uid_host() -> str:
    """The host in event UIDs: the site's configured address, so UIDs stay the same whichever host served the feed."""
    return urlsplit(settings.SITE_URL).hostname or "scrutiny"


def meeting_times(meeting: Meeting) -> tuple[datetime.datetime, datetime.datetime]:
    """Start (the summons time) and end (the minuted end, or two hours on), as aware datetimes."""
    start = timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.start_time))
    end = None
    if meeting.ended_at:
        end = timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.ended_at))
    if end is None or end <= start:
        end = start + DEFAULT_LENGTH
    return start, end


def meeting_event(meeting: Meeting, request, stamp: datetime.datetime) -> Event:
    """One VEVENT: stable UID, DTSTAMP, start and end in UTC, venue, link, and STATUS:CANCELLED when called off."""
    start, end = meeting_times(meeting)
    url = request.build_absolute_uri(meeting.get_absolute_url())
    called_off = meeting.status in (Meeting.Status.CANCELLED, Meeting.Status.POSTPONED)
    prefix = {Meeting.Status.CANCELLED: "Cancelled: ", Meeting.Status.POSTPONED: "Postponed: "}.get(meeting.status, "")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{uid_host()}")
    event.add("dtstamp", stamp)
    event.add("dtstart", start.astimezone(datetime.UTC))
    event.add("dtend", end.astimezone(datetime.UTC))
    event.add("summary", f"{prefix}{meeting.committee.name}")
    # Marked as on the page where the council's record does not give the place or time (committee.provenance).
    event.add("location", csv_value(meeting.venue, meeting.venue_provenance))
    event.add("url", url)
    notes = [
        f"{what} {Provenance(provenance).label.lower()}: not from the council's record."
        for what, provenance in (("Time", meeting.start_time_provenance), ("Place", meeting.venue_provenance))
        if is_marked(provenance)
    ]
    event.add("description", " ".join([f"Agenda, papers and minutes: {url}", *notes]))
    event.add("status", "CANCELLED" if called_off else "CONFIRMED")
    return event


def calendar_response(name: str, meetings, request, filename: str) -> HttpResponse:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.COUNCIL_NAME}//{settings.SERVICE_NAME}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, request, stamp))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    return response


def calendar_meetings():
    """Meetings for calendar feeds: the last year and everything ahead (a meeting's date and place are always public)."""
    since = datetime.date.today() - CALENDAR_HISTORY
    return Meeting.objects.filter(date__gte=since).select_related("committee").order_by("date", "start_time")


class CalendarView(View):
    """Every committee's meetings as an iCalendar feed to subscribe to."""

    def get(self, request):
        return calendar_response(f"{settings.COUNCIL_NAME} scrutiny meetings", calendar_meetings(), request, "scrutiny-meetings")


class CommitteeCalendarView(View):
    """One committee's meetings as an iCalendar feed."""

    def get(self, request, slug):
        committee = get_object_or_404(Committee, slug=slug)
        return calendar_response(committee.name, calendar_meetings().filter(committee=committee), request, committee.slug)


class MeetingCalendarView(View):
    """One meeting as an .ics file: the "Add to calendar" link on the meeting page."""

    def get(self, request, pk):
        meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
        response = calendar_response(str(meeting), [meeting], request, f"{meeting.committee.slug}-{meeting.date:%Y-%m-%d}")
        response["Content-Disposition"] = response["Content-Disposition"].replace("inline", "attachment")
        return response


# ---------------------------------------------------------------------------
# RSS: agendas published, minutes published or approved, decisions
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FeedItem:
    title: str
    description: str
    link: str
    published: datetime.datetime
    guid: str
    committee: str


def _meeting_start(meeting: Meeting) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(meeting.date, meeting.start_time))


def publication_items(committee: Committee | None) -> list[FeedItem]:
    """The newest public publications, three queries whatever the size of the record."""
    meetings = Meeting.objects.select_related("committee")
    notices = PublicationNotice.objects.select_related("meeting__committee").filter(
        kind__in=[PublicationNotice.Kind.DRAFT_MINUTES, PublicationNotice.Kind.APPROVED_MINUTES]
    )
    decisions = Resolution.objects.visible_to(ANONYMOUS).with_context()
    if committee is not None:
        meetings = meetings.filter(committee=committee)
        notices = notices.filter(meeting__committee=committee)
        decisions = decisions.filter(minute_item__meeting__committee=committee)
    items = []
    for m in meetings.filter(agenda_status=Meeting.AgendaStatus.PUBLISHED, agenda_published_at__isnull=False).order_by(
        "-agenda_published_at"
    )[:FEED_ITEMS]:
        items.append(
            FeedItem(
                title=f"Agenda published: {m.committee.name}, {m.date.day} {m.date:%B %Y}",
                description=f"The agenda and papers for the meeting on {m.date.day} {m.date:%B %Y} at "
                f"{csv_value(m.venue, m.venue_provenance)}."
                + (" The publication date is illustrative: the council's is not held." if is_marked(m.agenda_published_provenance) else ""),
                link=f"{m.get_absolute_url()}#agenda",
                published=m.agenda_published_at,
                guid=f"agenda-{m.pk}-{m.agenda_published_at:%Y%m%d%H%M%S}",
                committee=m.committee.name,
            )
        )
    # Minutes notices count only while the minutes are still public (draft minutes can be taken back).
    for n in notices.filter(Meeting.public_minutes_q("meeting__")).order_by("-sent_at")[:FEED_ITEMS]:
        m = n.meeting
        approved = n.kind == PublicationNotice.Kind.APPROVED_MINUTES
        items.append(
            FeedItem(
                title=f"{'Minutes approved' if approved else 'Draft minutes published'}: {m.committee.name}, {m.date.day} {m.date:%B %Y}",
                description=(
                    "The committee approved these minutes." if approved else "Draft minutes, published before the committee approves them."
                ),
                link=f"{m.get_absolute_url()}#minutes",
                published=n.sent_at,
                guid=f"minutes-{n.pk}",
                committee=m.committee.name,
            )
        )
    for r in decisions.order_by("-minute_item__meeting__date", "-minute_item__number", "-number")[:FEED_ITEMS]:
        minute = r.minute_item
        items.append(
            FeedItem(
                title=f"Decision: {minute.reference} {minute.title}",
                description=r.text,
                link=minute.get_absolute_url(),
                published=_meeting_start(minute.meeting),
                guid=f"decision-{r.pk}",
                committee=minute.meeting.committee.name,
            )
        )
    items.sort(key=lambda i: i.published, reverse=True)
    return items[:FEED_ITEMS]


class PublicationFeed(Feed):
    """Newly published agendas, minutes and decisions of every committee (RSS 2.0)."""

    feed_type = Rss201rev2Feed
    description = "Agendas and minutes as they are published, and the decisions committees make."

    def title(self, obj=None):
        return f"{obj.name if obj else 'Scrutiny committees'}: agendas, minutes and decisions – {settings.COUNCIL_NAME}"

    def link(self, obj=None):
        return obj.get_absolute_url() if obj else reverse("meetings:list")

    def items(self, obj=None):
        return publication_items(obj)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.description

    def item_link(self, item):
        return item.link

    def item_pubdate(self, item):
        return item.published

    def item_guid(self, item):
        return item.guid

    item_guid_is_permalink = False

    def item_categories(self, item):
        return [item.committee]


class CommitteePublicationFeed(PublicationFeed):
    """The same, for one committee."""

    def get_object(self, request, slug):
        return get_object_or_404(Committee, slug=slug)


urlpatterns = [
    path("meetings/calendar.ics", CalendarView.as_view(), name="calendar"),
    path("meetings/<int:pk>/calendar.ics", MeetingCalendarView.as_view(), name="meeting_calendar"),
    path("committees/<slug:slug>/calendar.ics", CommitteeCalendarView.as_view(), name="committee_calendar"),
    path("feed/", PublicationFeed(), name="feed"),
    path("committees/<slug:slug>/feed/", CommitteePublicationFeed(), name="committee_feed"),
]
