"""Agenda packs: build, publish and supersede versions, supplementary packs of late reports, the five-clear-day notice.

Every entry path (admin actions and buttons, `manage.py build_pack`, the demo loader) goes through these functions.
Building lays out PDFs (meetings.pdf) and can take a while, so each pack is a job (committee.jobs) that the worker runs
(meetings.tasks) once the request's transaction commits; AGENDA_PACK_BUILD_IN_BACKGROUND = False (tests), or
background=False (`build_pack`, the demo loader), builds in the caller instead.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import BooleanField, F, Max, Prefetch, Value
from django.utils import timezone

from committee import jobs
from committee.access import SYSTEM, require
from committee.dates import clear_working_days_between, is_working_day
from meetings import pdf, services
from meetings.models import AgendaItem, AgendaPack, Attendance, Document, Meeting, MinuteItem, Resolution
from meetings.models.packs import pack_upload_to

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
# Building: a job per pack (committee.jobs), run by the worker (meetings.tasks), never in a request
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
    `publish`, the new version is published as soon as it is built. The packs are queued for the worker once this
    transaction commits (or, with background=False, built here). Returns the packs, public first.
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
    _run_or_queue(packs, background)
    return packs


def _run_or_queue(packs: list[AgendaPack], background: bool | None) -> None:
    if build_in_background() if background is None else background:
        for pack in packs:
            jobs.enqueue(pack)
    else:
        for pack in packs:
            pack_run(pack_id=pack.pk)
        for pack in packs:
            pack.refresh_from_db()


@transaction.atomic
def pack_retry(*, pack: AgendaPack, by=None, background: bool | None = None) -> list[AgendaPack]:
    """Queue the failed packs of `pack`'s build again (the clerk's "Try again"); publish-when-built still applies."""
    committee_id = Meeting.objects.filter(pk=pack.meeting_id).values_list("committee_id", flat=True).first()
    perm = "meetings.publish_meeting" if pack.publish_when_built else "meetings.change_meeting"
    require(by, perm, committee_id, "build this committee's packs")
    siblings = list(AgendaPack.objects.filter(meeting_id=pack.meeting_id, kind=pack.kind, version=pack.version).order_by("audience"))
    failed = [sibling for sibling in siblings if sibling.status == AgendaPack.Status.FAILED]
    if not failed:
        raise ValidationError(f"{pack.label} version {pack.version} has not failed: there is nothing to try again.")
    retried = [sibling for sibling in failed if jobs.retry(AgendaPack, sibling.pk)]
    _run_or_queue(retried, background)
    return siblings


def pack_run(*, pack_id: int, redelivered: bool = False) -> AgendaPack | None:
    """Build one queued pack (the worker's job): claim it, lay it out, store it; then, if the clerk asked, publish its
    build once every pack of it is built. Returns the pack, or None if it was not this caller's to build."""
    token = jobs.claim(AgendaPack, pack_id, redelivered=redelivered)
    if token is None:
        return None  # built, failed, or being built by another worker: a second delivery does nothing
    pack = AgendaPack.objects.select_related("meeting__committee").get(pk=pack_id)
    with jobs.heartbeat(AgendaPack, pack_id, token):
        try:
            rendered = pdf.render_pack(pack_spec(pack=pack))
        except pdf.PaperError as error:
            jobs.fail(AgendaPack, pack_id, token, str(error))
            return None
        except (OperationalError, InterfaceError):
            raise  # the database went away: the lease runs out and the reconciler tries again
        except Exception as error:  # a build must end in a state the clerk can see, whatever went wrong
            logger.exception("Building agenda pack %s failed", pack_id)
            reason = f"The pack could not be built ({error.__class__.__name__}: {error}). Try again, or ask for help."
            jobs.fail(AgendaPack, pack_id, token, reason)
            return None
        # The file first, then the row: a worker killed in between leaves only a file nobody points to (remove_orphaned_media).
        name = pack.file.storage.save(pack_upload_to(pack, pack.filename), ContentFile(rendered.data))
    return _pack_finish(pack_id=pack_id, token=token, name=name, rendered=rendered)


@transaction.atomic
def _pack_finish(*, pack_id: int, token: int, name: str, rendered: pdf.RenderedPack) -> AgendaPack | None:
    meeting_id = AgendaPack.objects.filter(pk=pack_id).values_list("meeting_id", flat=True).first()
    # Finishing and publishing take the meeting's lock, as pack_build and pack_publish do: one decision at a time.
    Meeting.objects.select_for_update().filter(pk=meeting_id).values_list("pk", flat=True).first()
    pack = jobs.mine(AgendaPack, pack_id, token)
    if pack is None:  # given up for dead and started again elsewhere: that build counts, not this one
        default_storage.delete(name)
        return None
    pack.file.name = name
    pack.page_count = rendered.page_count
    pack.size_bytes = len(rendered.data)
    pack.page_ranges = {str(pk): list(pages) for pk, pages in rendered.ranges.items()}
    pack.status = AgendaPack.Status.READY
    pack.error = ""
    pack.lease_until = None
    pack.built_at = timezone.now()
    pack.save(update_fields=["file", "page_count", "size_bytes", "page_ranges", "status", "error", "lease_until", "built_at"])
    if pack.publish_when_built:
        _publish_when_complete(pack)
    return pack


def _publish_when_complete(pack: AgendaPack) -> None:
    """Publish a build the clerk asked to publish once its last pack is built, unless a later build was published first.

    Packs become current in the order their builds started (their version numbers), never an older build finishing
    later over a newer one.
    """
    siblings = AgendaPack.objects.filter(meeting_id=pack.meeting_id, kind=pack.kind, version=pack.version)
    if siblings.exclude(status=AgendaPack.Status.READY).exists() or siblings.filter(published_at__isnull=False).exists():
        return  # another pack of the build is still to finish (it publishes), or this build is already out
    newer = (
        AgendaPack.objects.filter(meeting_id=pack.meeting_id, kind=pack.kind, version__gt=pack.version, published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    if newer is not None:
        siblings.update(error=f"Built but not published: version {newer.version}, started later, was published first.")
        return
    public = siblings.filter(audience=AgendaPack.Audience.PUBLIC).first() or siblings.first()
    try:
        # On behalf of whoever asked (pack_build checked they may publish); the system's when nobody did (the demo).
        pack_publish(pack=public, by=pack.built_by or SYSTEM)
    except ValidationError as error:
        siblings.update(error="Built but not published: " + " ".join(error.messages))
    except PermissionDenied as error:  # their role or committee changed since they asked
        siblings.update(error=f"Built but not published: {error}")


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
    # The meeting's lock first, as pack_build and a finishing build take it: publishing decisions one at a time.
    Meeting.objects.select_for_update().filter(pk=pack.meeting_id).values_list("pk", flat=True).first()
    siblings = list(
        AgendaPack.objects.select_for_update().filter(meeting_id=pack.meeting_id, kind=pack.kind, version=pack.version).order_by("audience")
    )
    for sibling in siblings:
        if sibling.status in (AgendaPack.Status.QUEUED, AgendaPack.Status.BUILDING):
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
        sibling.error = ""  # a "built but not published" note no longer applies
        sibling.save(update_fields=["is_current", "published_at", "published_by", "clear_days", "notice_warning", "error"])
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
