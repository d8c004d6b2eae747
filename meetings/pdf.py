"""Printed papers: agenda packs, minutes and single reports, rendered from meetings/pdf/*.html by WeasyPrint.

Uploaded PDFs go into a pack on placeholder pages: WeasyPrint lays out an empty page of the same size (so it carries the
pack footer "Page 45" and the "Agenda Item N" stamp) and pypdf draws the uploaded page underneath as a form XObject.
The uploaded content is copied, never parsed, so a 100-page appendix costs little more than its bytes.
"""

import dataclasses
import io
import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from committee.models import Membership
from committee.templatetags.council_tags import uk_time
from meetings.models import AgendaItem, Attendance, Document, Meeting

logger = logging.getLogger(__name__)

BLANK_PAGE_TEXT = "This page is intentionally left blank"
DEFAULT_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
# Printed in the agenda while the real page ranges are not yet known; as wide as most real ranges.
PLACEHOLDER_RANGE = (888, 888)


class PaperError(Exception):
    """A paper cannot be printed; the message names it and says why, in words a clerk can act on."""


# ---------------------------------------------------------------------------
# Text to printable blocks (report bodies and minutes are stored as plain text)
# ---------------------------------------------------------------------------
HEADING_RE = re.compile(r"^(\d+(\.\d+)*\.?\s+)?[^a-z]{3,100}$")
BULLET_RE = re.compile(r"^\s*[-•]\s+")


def paper_blocks(text: str) -> list[dict]:
    """Split stored text into headings, paragraphs, bullet lists and "a | b | c" tables (paragraphs are blank-line separated)."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.rstrip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(" | " in line for line in lines):
            rows = [[cell.strip() for cell in line.split("|")] for line in lines]
            blocks.append({"kind": "table", "head": rows[0] if len(rows) > 1 else None, "rows": rows[1:] if len(rows) > 1 else rows})
        elif all(BULLET_RE.match(line) for line in lines):
            blocks.append({"kind": "list", "items": [BULLET_RE.sub("", line) for line in lines]})
        elif len(lines) == 1 and HEADING_RE.match(lines[0]) and re.search(r"[A-Z]{3}", lines[0]):
            blocks.append({"kind": "heading", "text": lines[0]})
        else:
            blocks.append({"kind": "para", "lines": lines})
    return blocks


def join_names(names: list[str]) -> str:
    """ "A, B and C", as the council prints lists of names."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


# ---------------------------------------------------------------------------
# Uploaded PDFs: checking them at upload, opening them at build time
# ---------------------------------------------------------------------------
def upload_max_bytes() -> int:
    return getattr(settings, "DOCUMENT_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def pdf_problem(data: bytes) -> str | None:
    """Why `data` cannot go into an agenda pack, or None if it is a readable, unencrypted PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if b"%PDF-" not in data[:1024]:
        return "This file is not a PDF. Save or export the report as PDF and upload that file."
    if b"%%EOF" not in data[-2048:]:
        return (
            "This PDF is incomplete (the end of the file is missing, as happens when a download or copy is cut short). "
            "Upload a complete copy."
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return (
                "This PDF is password-protected (encrypted), so it cannot be put into the agenda pack. "
                "Save a copy without a password or restrictions and upload that."
            )
        if not reader.pages:
            return "This PDF has no pages."
        for page in reader.pages:
            page.cropbox  # noqa: B018 (reading the box is the check)
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, OSError) as error:
        return f"This PDF is damaged and cannot be read ({error}). Open it, save it again as PDF, and upload the new copy."
    return None


def validate_pdf_upload(file) -> None:
    """Form validator for Document.file: a real, readable, unencrypted PDF within settings.DOCUMENT_UPLOAD_MAX_BYTES."""
    limit = upload_max_bytes()
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            f"This file is {_megabytes(size)}; the largest PDF that can be uploaded is {_megabytes(limit)}. "
            "Reduce it (for example, save images at a lower resolution) or split it into appendices.",
            code="too_large",
        )
    file.seek(0)
    data = file.read(limit + 1)
    file.seek(0)
    if len(data) > limit:
        raise ValidationError(f"This file is larger than {_megabytes(limit)}, the largest PDF that can be uploaded.", code="too_large")
    problem = pdf_problem(data)
    if problem:
        raise ValidationError(problem, code="not_a_pdf")


@dataclasses.dataclass
class Upload:
    """An uploaded PDF opened for printing, with each page's placement (display size and the matrix that puts it there)."""

    reader: object
    pages: list[dict]

    @classmethod
    def open(cls, document: Document) -> "Upload":
        from pypdf import PdfReader

        label = f"“{document.title}”"
        try:
            with document.file.open("rb") as handle:
                data = handle.read()
        except OSError as error:
            raise PaperError(f"The uploaded file of {label} cannot be found ({error}). Upload it again.") from error
        problem = pdf_problem(data)
        if problem:
            raise PaperError(f"The uploaded file of {label} cannot be used: {problem}")
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = []
        for index, page in enumerate(reader.pages):
            box = page.cropbox
            x0, y0, x1, y1 = (float(v) for v in (box.left, box.bottom, box.right, box.top))
            rotate = int(page.get("/Rotate", 0) or 0) % 360
            width, height = (y1 - y0, x1 - x0) if rotate in (90, 270) else (x1 - x0, y1 - y0)
            # Maps the page's own coordinates onto an upright page of the displayed size with its origin at (0, 0).
            matrix = {0: (1, 0, 0, 1, -x0, -y0), 90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1), 270: (0, 1, -1, 0, y1, -x0)}[
                rotate
            ]
            pages.append(
                {
                    "id": f"upload-{document.pk}-{index}",
                    "index": index,
                    "width": round(width, 2),
                    "height": round(height, 2),
                    "bbox": (x0, y0, x1, y1),
                    "matrix": matrix,
                    "page_name": f"upload-{round(width * 100)}x{round(height * 100)}",
                }
            )
        return cls(reader=reader, pages=pages)


def _page_size_css(uploads: list[Upload]) -> list[dict]:
    """One named @page rule per distinct uploaded page size, so each placeholder page matches its upload."""
    sizes = {}
    for upload in uploads:
        for page in upload.pages:
            sizes.setdefault(page["page_name"], (page["width"], page["height"]))
    return [{"name": name, "width": w, "height": h} for name, (w, h) in sizes.items()]


def _draw_uploads(data: bytes, placements: dict[int, tuple[Upload, dict]]) -> bytes:
    """Draw each uploaded page underneath its placeholder page (which already carries the footer and stamp)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for index, (upload, spec) in placements.items():
        source = upload.reader.pages[spec["index"]]
        contents = source.get_contents()
        form = DecodedStreamObject()
        form.set_data(contents.get_data() if contents is not None else b"")
        form = form.flate_encode()
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(FloatObject(v) for v in spec["bbox"]),
                NameObject("/Resources"): source["/Resources"].clone(writer) if "/Resources" in source else DictionaryObject(),
            }
        )
        if "/Group" in source:
            form[NameObject("/Group")] = source["/Group"].clone(writer)
        form_ref = writer._add_object(form)

        page = writer.pages[index]
        name = NameObject(f"/PackUpload{index}")
        resources = DictionaryObject(page["/Resources"].get_object()) if "/Resources" in page else DictionaryObject()
        xobjects = DictionaryObject(resources["/XObject"].get_object()) if "/XObject" in resources else DictionaryObject()
        xobjects[name] = form_ref
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        matrix = " ".join(f"{v:g}" for v in spec["matrix"])
        prefix = DecodedStreamObject()
        prefix.set_data(f"q {matrix} cm {name} Do Q\n".encode())
        raw = page.raw_get("/Contents") if "/Contents" in page else None
        existing = raw.get_object() if raw is not None else None
        if isinstance(existing, ArrayObject):
            streams = list(existing)
        elif existing is None:
            streams = []
        else:  # a single stream, referenced indirectly as an array entry must be
            streams = [raw if raw is not existing else writer._add_object(existing)]
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(prefix), *streams])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------------------------------------------------------------------------
# What gets printed: the minutes record and each document
# ---------------------------------------------------------------------------
def minutes_record(meeting: Meeting) -> dict:
    """The printed minutes of `meeting`, laid out as the council's minutes are (header, numbered minutes, signature).

    Expects `meeting` loaded with attendances (and person), minute_items annotated with `content_visible` and
    `visible_body` (MinuteItemQuerySet.with_access) and their resolutions, as Meeting.with_full_record does.
    """
    attendances = list(meeting.attendances.all())
    by_role = {role: [a for a in attendances if a.role == role] for role in Attendance.Role.values}
    chair = by_role[Attendance.Role.CHAIR][0] if by_role[Attendance.Role.CHAIR] else None
    present = []
    if chair:
        present.append(f"{chair.person} (in the Chair)")
    councillors = [a.person.name for a in by_role[Attendance.Role.PRESENT] if a.person.honorific == "Councillor"]
    if councillors:
        present.append(f"Councillor{'s' if len(councillors) > 1 else ''} {join_names(councillors)}")
    present += [
        f"{a.person}{f', {a.capacity}' if a.capacity else ''}"
        for a in by_role[Attendance.Role.PRESENT]
        if a.person.honorific != "Councillor"
    ]
    present += [f"{a.person} (substitute)" for a in by_role[Attendance.Role.SUBSTITUTE]]
    if meeting.public_attendance_note:
        public = meeting.public_attendance_note
    elif meeting.public_attendance_count == 0:
        public = "No members of the public were present at the meeting."
    elif meeting.public_attendance_count:
        public = f"{meeting.public_attendance_count} members of the public attended the meeting."
    else:
        public = "Not recorded"
    minutes = []
    for minute in meeting.minute_items.all():
        minutes.append(
            {
                "minute": minute,
                "visible": minute.content_visible,
                "blocks": paper_blocks(minute.visible_body) if minute.content_visible else [],
                "resolutions": list(minute.resolutions.all()) if minute.content_visible else [],
            }
        )
    note = ""
    if meeting.started_at and meeting.ended_at:
        note = f"(Note: The meeting started at {uk_time(meeting.started_at)} and ended at {uk_time(meeting.ended_at)})"
    return {
        "meeting": meeting,
        "committee": meeting.committee,
        "present": present,
        "also": [f"{a.person.display_name}{f', {a.capacity}' if a.capacity else ''}" for a in by_role[Attendance.Role.ALSO_IN_ATTENDANCE]],
        "public": public,
        "apologies": join_names([str(a.person) for a in by_role[Attendance.Role.APOLOGIES]]) or "None",
        "minutes": minutes,
        "signature": f"{chair.person.honorific} {chair.person.name}".strip().upper() if chair else "",
        "note": note,
        "is_draft": meeting.minutes_status != Meeting.MinutesStatus.APPROVED,
    }


def has_cover_sheet(document: Document) -> bool:
    """A document gets a printed cover sheet when it has text or any cover-sheet field; a bare uploaded PDF prints as it is."""
    return bool(
        document.body
        or document.cover_meeting
        or document.cover_date
        or document.subject
        or document.report_from
        or document.contact_officer
    )


def document_paper(document: Document, *, meeting: Meeting) -> dict:
    """A document as printed: its cover sheet (blank fields filled from the meeting), its text, and its uploaded PDF."""
    cover = None
    if has_cover_sheet(document):
        cover = [
            ("MEETING:", document.cover_meeting or meeting.committee.name),
            ("DATE:", document.cover_date or f"{meeting.date.day} {meeting.date:%B %Y}"),
            ("SUBJECT:", document.subject or document.title),
            ("REPORT FROM:", document.report_from),
            ("CONTACT OFFICER:", document.contact_officer),
        ]
    return {
        "document": document,
        "cover": cover,
        "blocks": paper_blocks(document.body),
        "background_papers": document.background_papers,
        "upload": Upload.open(document) if document.file else None,
    }


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------
def _render(template: str, context: dict):
    """Lay out one print template (returns a WeasyPrint Document, whose pages can be counted and combined)."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF work needs

    html = render_to_string(template, {"COUNCIL_NAME": settings.COUNCIL_NAME, "BLANK_PAGE_TEXT": BLANK_PAGE_TEXT, **context})
    # base_url lets templates refer to files under the project; nothing is fetched from the network.
    return HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def _write(document, uploads: list[Upload], placements: dict) -> bytes:
    data = document.write_pdf()
    return _draw_uploads(data, placements) if placements else data


def _placements(document, uploads: list[Upload], offset_index: int = 0) -> dict[int, tuple[Upload, dict]]:
    """Which page of the laid-out document is the placeholder of which uploaded page."""
    wanted = {page["id"]: (upload, page) for upload in uploads for page in upload.pages}
    found = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor in wanted:
                found[offset_index + index] = wanted[anchor]
    return found


@dataclasses.dataclass
class PackSpec:
    """Everything one pack prints, loaded by meetings.packs (the pdf module runs no queries of its own)."""

    meeting: Meeting
    agenda: list[AgendaItem]  # the items listed on the agenda page(s)
    papers: list[dict]  # per item with papers, in agenda order: {"item", "minutes", "documents"}
    councillors: list[str]
    co_opted: list[str]
    supplementary: bool = False
    restricted: bool = False
    version: int = 1


@dataclasses.dataclass
class RenderedPack:
    data: bytes
    page_count: int
    ranges: dict[int, tuple[int, int]]  # agenda item pk -> (first pack page, last pack page)


def _even(n: int) -> int:
    return n + (n % 2)


def pack_context(spec: PackSpec, *, ranges: dict | None = None) -> dict:
    """Template context shared by the pack's front matter and papers (`ranges` None prints placeholder ranges)."""
    uploads = [d["upload"] for paper in spec.papers for d in paper["documents"] if d["upload"]]
    return {
        "spec": spec,
        "meeting": spec.meeting,
        "committee": spec.meeting.committee,
        "councillors_line": join_names(spec.councillors),
        "page_sizes": _page_size_css(uploads),
        "agenda": _agenda_rows(spec, ranges),
        "papers": spec.papers,
    }


def render_pack(spec: PackSpec) -> RenderedPack:
    """Front sheet and agenda, then each item's papers starting on odd pages, numbered through ("Page 45").

    The agenda prints page ranges that depend on its own length, so: lay out the front matter with placeholder ranges
    to learn its length, lay out the papers numbered from the next odd page, read where each item really starts (its
    anchor) and ends (the page before the next item), lay out the front matter again with those ranges, and lay out
    the papers again only if that changed the front matter's length. Usually three layouts, the papers only once.
    """
    uploads = [d["upload"] for paper in spec.papers for d in paper["documents"] if d["upload"]]

    def front(ranges, pad):
        return _render("meetings/pdf/pack_front.html", {**pack_context(spec, ranges=ranges), "pad": pad})

    if not spec.papers:
        fm = front({}, False)
        return RenderedPack(data=fm.write_pdf(), page_count=len(fm.pages), ranges={})
    estimate = len(front(None, False).pages)
    pad = estimate % 2 == 1  # the front matter ends on an even page, so the first paper starts on an odd one
    offset = estimate + pad + 1
    for _attempt in range(4):
        body = _render("meetings/pdf/pack_papers.html", {**pack_context(spec), "first_page": offset})
        total = offset - 1 + len(body.pages)
        trailing = []
        if total % 2:
            trailing = list(_render("meetings/pdf/pad.html", {"first_page": total + 1}).pages)
            total += 1
        ranges = _item_ranges(body, spec, offset, total)
        fm = front(ranges, pad)
        if len(fm.pages) % 2:  # the real ranges changed the agenda's length: pad the other way
            pad = not pad
            fm = front(ranges, pad)
        if len(fm.pages) + 1 == offset:
            break
        offset = len(fm.pages) + 1
    else:  # pragma: no cover - needs an agenda whose length oscillates with its own page numbers
        raise PaperError("The agenda's page numbers would not settle; shorten an item description and build again.")
    combined = fm.copy([*fm.pages, *body.pages, *trailing])
    placements = _placements(body, uploads, offset_index=len(fm.pages))
    return RenderedPack(data=_write(combined, uploads, placements), page_count=total, ranges=ranges)


def _item_ranges(body, spec: PackSpec, offset: int, total: int) -> dict[int, tuple[int, int]]:
    starts = {}
    anchors = {f"item-{paper['item'].pk}": paper["item"].pk for paper in spec.papers}
    for index, page in enumerate(body.pages):
        for anchor in page.anchors:
            if anchor in anchors and anchors[anchor] not in starts:
                starts[anchors[anchor]] = offset + index
    ordered = sorted(starts.items(), key=lambda kv: kv[1])
    ranges = {}
    for position, (pk, start) in enumerate(ordered):
        end = ordered[position + 1][1] - 1 if position + 1 < len(ordered) else total
        ranges[pk] = (start, end)
    return ranges


def _agenda_rows(spec: PackSpec, ranges: dict | None) -> list[dict]:
    with_papers = {paper["item"].pk for paper in spec.papers}
    rows = []
    for item in spec.agenda:
        pages = None
        if item.pk in with_papers:
            pages = PLACEHOLDER_RANGE if ranges is None else ranges.get(item.pk)
        rows.append({"item": item, "pages": pages, "to_follow": item.report_status == AgendaItem.ReportStatus.TO_FOLLOW and not pages})
    return rows


def front_sheet_members(meeting: Meeting) -> tuple[list[str], list[str]]:
    """Councillors (Chair marked) and numbered co-opted members holding seats on the meeting date, as the summons lists them."""
    seats = list(Membership.objects.filter(committee_id=meeting.committee_id).current(meeting.date).select_related("person").seat_order())
    marks = {Membership.Role.CHAIR: " (Chair)", Membership.Role.VICE_CHAIR: " (Vice-Chair)"}
    councillors = sorted(
        (s for s in seats if s.role in (Membership.Role.CHAIR, Membership.Role.VICE_CHAIR, Membership.Role.MEMBER)),
        key=lambda s: (s.person.name.split()[-1].lower(), s.person.name.lower()),
    )
    co_opted = [s for s in seats if s.role == Membership.Role.CO_OPTED]
    return (
        [f"{s.person.name}{marks.get(s.role, '')}" for s in councillors],
        [f"{s.person.name}{f', {s.capacity}' if s.capacity else ''}" for s in co_opted],
    )


def render_minutes(meeting: Meeting) -> bytes:
    """The minutes of one meeting on their own (loaded as Meeting.with_full_record loads them)."""
    return _render("meetings/pdf/minutes.html", {"record": minutes_record(meeting), "meeting": meeting}).write_pdf()


def render_document(document: Document) -> bytes:
    """One paper: its cover sheet and text, then its uploaded PDF (footer and stamp drawn on, as in the pack)."""
    meeting = document.agenda_item.meeting
    paper = {**document_paper(document, meeting=meeting), "first": True}
    upload = paper["upload"]
    uploads = [upload] if upload else []
    laid_out = _render(
        "meetings/pdf/document.html",
        {
            "paper": paper,
            "item": document.agenda_item,
            "meeting": meeting,
            "committee": meeting.committee,
            "page_sizes": _page_size_css(uploads),
        },
    )
    return _write(laid_out, uploads, _placements(laid_out, uploads))
