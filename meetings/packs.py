"""Agenda packs: build, publish and supersede versions, supplementary packs of late reports, the five-clear-day notice.

Every entry path (admin actions and buttons, `manage.py build_pack`, the demo loader) goes through these functions.
Building lays out PDFs (meetings.pdf) and can take a while, so by default it runs in a background thread after the
request's transaction commits; set AGENDA_PACK_BUILD_IN_BACKGROUND = False (tests) to build in the caller.
"""

import datetime
import logging
import threading

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import BooleanField, F, Max, Prefetch, Value
from django.utils import timezone

from committee.access import SYSTEM, require
from committee.dates import clear_working_days_between, is_working_day
from meetings import pdf, services
from meetings.models import AgendaItem, AgendaPack, Attendance, Document, Meeting, MinuteItem, Resolution

logger = logging.getLogger(__name__)

# Local Government Act 1972, s100B(3): papers open to inspection at least five clear days before the meeting.
NOTICE_CLEAR_DAYS = 5


# ---------------------------------------------------------------------------
# Notice: five clear working days
# ---------------------------------------------------------------------------
def notice_clear_days(*, meeting: Meeting, published_on: datetime.date) -> int:
    """Clear working days between publication and the meeting (neither day counts; weekends and bank holidays do not)."""
    return clear_working_days_between(published_on, meeting.date)


def notice_deadline(*, meeting: Meeting) -> datetime.date:
    """The last day on which publishing still gives five clear working days' notice."""
    day, counted = meeting.date, 0
    while counted < NOTICE_CLEAR_DAYS:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day - datetime.timedelta(days=1)


def notice_warning(*, meeting: Meeting, published_on: datetime.date) -> str:
    """The warning to give when publishing on `published_on` is too late, or "" when notice is sufficient."""
    clear = notice_clear_days(meeting=meeting, published_on=published_on)
    if clear >= NOTICE_CLEAR_DAYS:
        return ""
    days = f"{clear} clear working day{'' if clear == 1 else 's'}"
    return (
        f"Published on {published_on:%A} {published_on.day} {published_on:%B %Y}, {days} before the meeting on "
        f"{meeting.date:%A} {meeting.date.day} {meeting.date:%B %Y}. The Local Government Act 1972 (section 100B) requires "
        f"five clear working days (publish by {_day(notice_deadline(meeting=meeting))}). An item not available in time may be "
        "considered only if the Chair agrees it is urgent, with the reasons recorded in the minutes."
    )


def _day(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


# ---------------------------------------------------------------------------
# What goes in a pack
# ---------------------------------------------------------------------------
def late_items(*, meeting: Meeting):
    """Items marked "to follow" whose papers have now arrived: what a supplementary pack carries by default."""
    return AgendaItem.objects.filter(meeting=meeting, report_status=AgendaItem.ReportStatus.TO_FOLLOW, documents__isnull=False).distinct()


def _minutes_for_pack(meeting_id: int, *, restricted: bool) -> Meeting | None:
    """The earlier meeting's minutes as a pack prints them: exempt minutes by title only in the public pack."""
    minute_items = MinuteItem.objects.prefetch_related(Prefetch("resolutions", queryset=Resolution.objects.order_by("number")))
    if restricted:
        minute_items = minute_items.annotate(content_visible=Value(True, output_field=BooleanField()), visible_body=F("body"))
    else:
        # The public audience is exactly what an anonymous visitor may read of each minute (committee.access decides).
        minute_items = minute_items.with_access(AnonymousUser())
    meeting = (
        Meeting.objects.select_related("committee")
        .prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.select_related("person")),
            Prefetch("minute_items", queryset=minute_items),
        )
        .get(pk=meeting_id)
    )
    return meeting if meeting.minute_items.all() else None


def _has_exempt_papers(meeting: Meeting, items) -> bool:
    exempt = [item for item in items if item.is_exempt]
    if any(item.documents.all() for item in exempt):
        return True
    minutes_of = [item.minutes_of_id for item in items if item.kind == AgendaItem.Kind.MINUTES and item.minutes_of_id]
    return MinuteItem.objects.filter(meeting_id__in=minutes_of, is_exempt=True).exists()


def _agenda(meeting: Meeting, *, item_ids=None) -> list[AgendaItem]:
    items = (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("minutes_of")
        .prefetch_related(Prefetch("documents", queryset=Document.objects.order_by("order", "pk")))
        .order_by("number")
    )
    if item_ids is not None:
        items = items.filter(pk__in=item_ids)
    return list(items)


def pack_spec(*, pack: AgendaPack) -> pdf.PackSpec:
    """Load everything `pack` prints (its audience decides whether exempt papers and minutes are included)."""
    meeting = Meeting.objects.select_related("committee").get(pk=pack.meeting_id)
    restricted = pack.audience == AgendaPack.Audience.RESTRICTED
    supplementary = pack.kind == AgendaPack.Kind.SUPPLEMENTARY
    agenda = _agenda(meeting, item_ids=list(pack.items.values_list("pk", flat=True)) if supplementary else None)
    papers = []
    for item in agenda:
        if item.is_exempt and not restricted:
            continue  # the public pack lists the item and its exemption note, never its papers
        minutes = None
        if item.kind == AgendaItem.Kind.MINUTES and item.minutes_of_id and not supplementary:
            minutes = _minutes_for_pack(item.minutes_of_id, restricted=restricted)
        documents = [pdf.document_paper(document, meeting=meeting) for document in item.documents.all()]
        documents = [paper for paper in documents if paper["cover"] or paper["upload"]]
        for position, paper in enumerate(documents):
            paper["first"] = position == 0 and minutes is None
        if minutes or documents:
            papers.append({"item": item, "minutes": pdf.minutes_record(minutes) if minutes else None, "documents": documents})
    councillors, co_opted = pdf.front_sheet_members(meeting)
    return pdf.PackSpec(
        meeting=meeting,
        agenda=agenda,
        papers=papers,
        councillors=councillors,
        co_opted=co_opted,
        supplementary=supplementary,
        restricted=restricted,
        version=pack.version,
    )


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------
def build_in_background() -> bool:
    return getattr(settings, "AGENDA_PACK_BUILD_IN_BACKGROUND", True)


@transaction.atomic
def pack_build(
    *,
    meeting: Meeting,
    kind: str = AgendaPack.Kind.MAIN,
    items=None,
    by=None,
    publish: bool = False,
    background: bool | None = None,
) -> list[AgendaPack]:
    """Start a new version of the meeting's pack: the public pack, plus a restricted one when exempt papers exist.

    A supplementary pack carries `items` (by default the late items: "to follow" with papers attached). With
    `publish`, the new version is published as soon as it is built. Returns the packs, public first.
    """
    require(by, "meetings.publish_meeting" if publish else "meetings.change_meeting", meeting.committee_id, "build this committee's packs")
    meeting = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)  # one version number at a time
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("The meeting is cancelled: there is no agenda pack to build.")
    if kind == AgendaPack.Kind.SUPPLEMENTARY:
        chosen = list(items) if items is not None else list(late_items(meeting=meeting))
        if not chosen:
            raise ValidationError("There are no late reports: mark the item “To follow” and attach its papers first.")
        if any(item.meeting_id != meeting.pk for item in chosen):
            raise ValidationError("A supplementary pack can only carry items of its own meeting.")
        if publish and meeting.agenda_status != Meeting.AgendaStatus.PUBLISHED:
            raise ValidationError("Publish the agenda pack first; a supplementary pack adds late reports to a published agenda.")
        scope = _agenda(meeting, item_ids=[item.pk for item in chosen])
    else:
        chosen = []
        scope = _agenda(meeting)
    version = (AgendaPack.objects.filter(meeting=meeting, kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
    audiences = [AgendaPack.Audience.PUBLIC]
    if _has_exempt_papers(meeting, scope):
        audiences.append(AgendaPack.Audience.RESTRICTED)
    user = by if getattr(by, "is_authenticated", False) else None
    packs = []
    for audience in audiences:
        pack = AgendaPack.objects.create(
            meeting=meeting, kind=kind, audience=audience, version=version, built_by=user, publish_when_built=publish
        )
        if chosen:
            pack.items.set(chosen)
        packs.append(pack)
    if build_in_background() if background is None else background:
        ids = [pack.pk for pack in packs]
        transaction.on_commit(lambda: _start_thread(ids, user.pk if user else None))
    else:
        for pack in packs:
            pack_render(pack=pack)
        if publish and all(pack.status == AgendaPack.Status.READY for pack in packs):
            pack_publish(pack=packs[0], by=by)
    return packs


def pack_render(*, pack: AgendaPack) -> AgendaPack:
    """Lay out and store one pack: building -> ready (file, pages, size, page ranges) or failed (with the reason)."""
    try:
        rendered = pdf.render_pack(pack_spec(pack=pack))
    except pdf.PaperError as error:
        return _pack_failed(pack, str(error))
    except Exception as error:  # a build must end in a state the clerk can see, whatever went wrong
        logger.exception("Building agenda pack %s failed", pack.pk)
        return _pack_failed(pack, f"The pack could not be built ({error.__class__.__name__}: {error}). Try again, or ask for help.")
    pack.file.save(pack.filename, ContentFile(rendered.data), save=False)
    pack.page_count = rendered.page_count
    pack.size_bytes = len(rendered.data)
    pack.page_ranges = {str(pk): list(pages) for pk, pages in rendered.ranges.items()}
    pack.status = AgendaPack.Status.READY
    pack.error = ""
    pack.built_at = timezone.now()
    pack.save(update_fields=["file", "page_count", "size_bytes", "page_ranges", "status", "error", "built_at"])
    return pack


def _pack_failed(pack: AgendaPack, reason: str) -> AgendaPack:
    pack.status = AgendaPack.Status.FAILED
    pack.error = reason
    pack.save(update_fields=["status", "error"])
    return pack


def _start_thread(pack_ids: list[int], user_id: int | None) -> threading.Thread:
    thread = threading.Thread(target=_build_in_thread, args=(pack_ids, user_id), name=f"agenda-pack-{pack_ids[0]}", daemon=True)
    thread.start()
    return thread


def _build_in_thread(pack_ids: list[int], user_id: int | None) -> None:
    """Background build: its own database connection, closed at the end whatever happens."""
    from django.contrib.auth import get_user_model

    try:
        packs = list(AgendaPack.objects.filter(pk__in=pack_ids).order_by("audience"))
        for pack in packs:
            pack_render(pack=pack)
        if packs and packs[0].publish_when_built and all(pack.status == AgendaPack.Status.READY for pack in packs):
            by = get_user_model().objects.filter(pk=user_id).first() if user_id else None
            public = next(pack for pack in packs if pack.audience == AgendaPack.Audience.PUBLIC)
            try:
                pack_publish(pack=public, by=by)
            except ValidationError as error:
                AgendaPack.objects.filter(pk__in=pack_ids).update(error="Built but not published: " + " ".join(error.messages))
    except Exception:
        logger.exception("Background build of agenda packs %s failed", pack_ids)
        AgendaPack.objects.filter(pk__in=pack_ids, status=AgendaPack.Status.BUILDING).update(
            status=AgendaPack.Status.FAILED, error="The build stopped unexpectedly. Build the pack again."
        )
    finally:
        connection.close()


# ---------------------------------------------------------------------------
# Publishing
# ---------------------------------------------------------------------------
@transaction.atomic
def pack_publish(*, pack: AgendaPack, by=None, at: datetime.datetime | None = None) -> AgendaPack:
    """Publish a built pack (with its restricted twin): it becomes the current version, earlier ones stay on record.

    Publishing the main pack publishes the agenda (meeting_publish_agenda) and prints its page ranges on the agenda
    page; a new main pack also supersedes supplementary packs. `at` backdates publication (demo data only).
    Fewer than five clear working days before the meeting sets a warning on the pack.
    """
    require(
        by,
        "meetings.publish_meeting",
        Meeting.objects.filter(pk=pack.meeting_id).values_list("committee_id", flat=True).first(),
        "publish this committee's packs",
    )
    siblings = list(
        AgendaPack.objects.select_for_update().filter(meeting_id=pack.meeting_id, kind=pack.kind, version=pack.version).order_by("audience")
    )
    for sibling in siblings:
        if sibling.status == AgendaPack.Status.BUILDING:
            raise ValidationError(f"{sibling.label} version {sibling.version} is still being built; publish it once it is ready.")
        if sibling.status == AgendaPack.Status.FAILED:
            raise ValidationError(f"{sibling.label} version {sibling.version} failed to build: {sibling.error}")
    meeting = Meeting.objects.select_related("committee").get(pk=pack.meeting_id)
    when = at or timezone.now()
    if pack.kind == AgendaPack.Kind.MAIN:
        services.meeting_publish_agenda(meeting=meeting, by=by, at=at)
    elif meeting.agenda_status != Meeting.AgendaStatus.PUBLISHED:
        raise ValidationError("Publish the agenda pack first; a supplementary pack adds late reports to a published agenda.")
    published_on = timezone.localdate(when)
    clear_days = notice_clear_days(meeting=meeting, published_on=published_on)
    warning = notice_warning(meeting=meeting, published_on=published_on)
    user = by if getattr(by, "is_authenticated", False) else None
    current = AgendaPack.objects.filter(meeting=meeting, is_current=True)
    if pack.kind == AgendaPack.Kind.MAIN:
        # A re-issued pack carries every paper attached so far, so it replaces earlier supplements too.
        current.exclude(pk__in=[s.pk for s in siblings]).update(is_current=False)
    else:
        items = set(pack.items.values_list("pk", flat=True))
        for earlier in current.filter(kind=AgendaPack.Kind.SUPPLEMENTARY).exclude(pk__in=[s.pk for s in siblings]):
            if set(earlier.items.values_list("pk", flat=True)) <= items:
                earlier.is_current = False
                earlier.save(update_fields=["is_current"])
    for sibling in siblings:
        sibling.is_current = True
        sibling.published_at = when
        sibling.published_by = user
        sibling.clear_days = clear_days
        sibling.notice_warning = warning
        sibling.save(update_fields=["is_current", "published_at", "published_by", "clear_days", "notice_warning"])
    public = next((s for s in siblings if s.audience == AgendaPack.Audience.PUBLIC), siblings[0])
    if pack.kind == AgendaPack.Kind.MAIN:
        _store_page_ranges(meeting=meeting, ranges=public.page_ranges)
    return next(s for s in siblings if s.pk == pack.pk)


def _store_page_ranges(*, meeting: Meeting, ranges: dict) -> None:
    """Print the published pack's page ranges on the web agenda: "(Pages 9 - 34)"; items without papers get none."""
    items = list(AgendaItem.objects.filter(meeting=meeting))
    for item in items:
        item.page_start, item.page_end = ranges.get(str(item.pk)) or (None, None)
    AgendaItem.objects.bulk_update(items, ["page_start", "page_end"])


# ---------------------------------------------------------------------------
# Demo
# ---------------------------------------------------------------------------
DEMO_PACK_DATES = [datetime.date(2025, 9, 16), datetime.date(2026, 1, 7)]


def publish_demo_packs() -> list[AgendaPack]:
    """Build and publish the packs of the demo meetings of 16 September 2025 and 7 January 2026 (once; reruns skip them)."""
    from meetings.demo import read_demo_files

    slug = read_demo_files()["committee"]["slug"]
    published = []
    for meeting in Meeting.objects.filter(committee__slug=slug, date__in=DEMO_PACK_DATES).order_by("date"):
        if AgendaPack.objects.filter(meeting=meeting, kind=AgendaPack.Kind.MAIN, is_current=True).exists():
            continue
        packs = pack_build(meeting=meeting, background=False, by=SYSTEM)
        if packs[0].status != AgendaPack.Status.READY:
            raise ValidationError(f"The demo pack for {meeting} failed to build: {packs[0].error}")
        # Published when the seeds' agendas were (the loader's agenda_published_at), not today.
        published.append(pack_publish(pack=packs[0], at=meeting.agenda_published_at, by=SYSTEM))
    return published
