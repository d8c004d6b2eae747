"""Printed papers: agenda packs, minutes and single reports, rendered from meetings/pdf/*.html by WeasyPrint.

Every PDF is tagged PDF/UA-1 (committee.tagged_pdf): language, title, headings, tables with header scope, bookmarks.

Uploaded PDFs go into a pack on placeholder pages: WeasyPrint lays out an empty page of the same size (so it carries the
pack footer "Page 45" and the "Agenda Item N" stamp) and pikepdf draws the uploaded page underneath as a form XObject.
The uploaded content is copied, never parsed, so a 100-page appendix costs little more than its bytes. A tagged upload
keeps its own tags in the pack; an untagged one is described to a screen reader as such (see merge_uploads).
"""

import dataclasses
import io
import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from committee.models import Membership
from committee.provenance import NOT_RECORDED, csv_value
from committee.tagged_pdf import write_pdf
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
# Minutes' text to printable blocks (minutes are stored as plain text; report bodies are structured: meetings.bodies)
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


# The regulations a clerk is reminded of when a paper is not accessible (the wording the accessibility statement uses).
REGULATIONS = "the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018"
UNTAGGED_WARNING = (
    "The uploaded PDF is not tagged, so a screen reader cannot follow its headings, reading order or tables. It has been "
    f"accepted, but under {REGULATIONS} papers published on the site must be accessible: ask the author for a tagged PDF "
    "(in Word: File > Save as > PDF, with “Document structure tags for accessibility” ticked) or upload the Word "
    "document instead. Until then the paper is listed on the accessibility statement."
)
# The alternative text of the marker WeasyPrint tags where an uploaded PDF goes, found again in the structure tree.
MARKER_PREFIX = "scrutiny-upload-marker:"
# The longest page text an untagged page's description carries (a dense A4 page holds about 4,000 characters).
MAX_PAGE_DESCRIPTION = 6000


def pdf_is_tagged(pdf) -> bool:
    """Whether an opened pikepdf.Pdf is tagged throughout: marked, with a structure tree, and no page content (text or
    drawn object) outside a marked-content sequence. The same test as the `pdfua` checker's UA-01-002/003/005."""
    import pikepdf

    mark_info = pdf.Root.get("/MarkInfo")
    tree = pdf.Root.get("/StructTreeRoot")
    if not isinstance(mark_info, pikepdf.Dictionary) or not bool(mark_info.get("/Marked", False)):
        return False
    if not isinstance(tree, pikepdf.Dictionary) or "/K" not in tree:
        return False
    for page in pdf.pages:
        depth = 0
        for instruction in pikepdf.parse_content_stream(page):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                if depth == 0:
                    return False
                continue
            operator = str(instruction.operator)
            if operator in ("BDC", "BMC"):
                depth += 1
            elif operator == "EMC":
                depth = max(0, depth - 1)
            elif depth == 0 and operator in ("Tj", "TJ", "'", '"', "Do"):
                return False
    return True


def upload_accessibility(data: bytes) -> str:
    """Document.UploadAccessibility of a PDF's bytes: tagged or untagged (a file that cannot be parsed is untagged)."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            tagged = pdf_is_tagged(pdf)
    except (pikepdf.PdfError, ValueError, OSError):
        tagged = False
    return Document.UploadAccessibility.TAGGED if tagged else Document.UploadAccessibility.UNTAGGED


def page_texts(data: bytes) -> list[str]:
    """Each page's text as pypdf extracts it ("" where none can be read): how an untagged page is described."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        return [" ".join((page.extract_text() or "").split())[:MAX_PAGE_DESCRIPTION] for page in reader.pages]
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of error on damaged files; any of them means "no text"
        return []


def file_accessibility(fieldfile) -> tuple[str, list[str]]:
    """(Document.UploadAccessibility, page texts if untagged) of a stored or uploaded file; ("", []) if unreadable.

    The page texts are read here, once, because reading them takes longer than building the rest of a pack."""
    try:
        fieldfile.open("rb")
        fieldfile.seek(0)
        data = fieldfile.read()
        fieldfile.seek(0)
    except (OSError, ValueError):
        return Document.UploadAccessibility.UNCHECKED, []
    accessibility = upload_accessibility(data)
    return accessibility, page_texts(data) if accessibility == Document.UploadAccessibility.UNTAGGED else []


@dataclasses.dataclass
class Upload:
    """An uploaded PDF opened for printing: its bytes, whether it is tagged, and each page's display size and marker."""

    document: Document
    data: bytes
    tagged: bool
    pages: list[dict]

    @property
    def marker(self) -> str:
        return f"{MARKER_PREFIX}{self.document.pk}"

    @classmethod
    def open(cls, document: Document) -> "Upload":
        import pikepdf

        label = f"“{document.title}”"
        try:
            with document.file.open("rb") as handle:
                data = handle.read()
        except OSError as error:
            raise PaperError(f"The uploaded file of {label} cannot be found ({error}). Upload it again.") from error
        problem = pdf_problem(data)
        if problem:
            raise PaperError(f"The uploaded file of {label} cannot be used: {problem}")
        pages = []
        try:
            with pikepdf.open(io.BytesIO(data)) as pdf:
                tagged = pdf_is_tagged(pdf)
                for index, page in enumerate(pdf.pages):
                    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
                    x0, x1 = min(x0, x1), max(x0, x1)
                    y0, y1 = min(y0, y1), max(y0, y1)
                    rotate = int(page.obj.get("/Rotate", 0) or 0) % 360
                    width, height = (y1 - y0, x1 - x0) if rotate in (90, 270) else (x1 - x0, y1 - y0)
                    pages.append(
                        {
                            "id": f"upload-{document.pk}-{index}",
                            "index": index,
                            "width": round(width, 2),
                            "height": round(height, 2),
                            "page_name": f"upload-{round(width * 100)}x{round(height * 100)}",
                        }
                    )
        except pikepdf.PdfError as error:
            raise PaperError(f"The uploaded file of {label} cannot be used: it cannot be read ({error}).") from error
        return cls(document=document, data=data, tagged=tagged, pages=pages)

    def page_texts(self) -> list[str]:
        """Each page's text (read when it was uploaded; read now if that was not recorded)."""
        stored = self.document.upload_page_texts or []
        return stored if len(stored) == len(self.pages) else page_texts(self.data)


def _page_size_css(uploads: list[Upload]) -> list[dict]:
    """One named @page rule per distinct uploaded page size, so each placeholder page matches its upload."""
    sizes = {}
    for upload in uploads:
        for page in upload.pages:
            sizes.setdefault(page["page_name"], (page["width"], page["height"]))
    return [{"name": name, "width": w, "height": h} for name, (w, h) in sizes.items()]


# ---------------------------------------------------------------------------
# Uploaded PDFs drawn into the tagged output, with their tags where they have them
# ---------------------------------------------------------------------------
# An uploaded page is drawn underneath its placeholder page (which carries the pack footer and the "Agenda Item N"
# stamp) as a form XObject, copied without being parsed. WeasyPrint tags a 1pt marker figure where each upload starts;
# it tells us where in the reading order the upload belongs:
# - a tagged upload keeps its own structure tree: its elements are copied in under the marker (which becomes a /Div),
#   each page's form XObject gets a /StructParents entry mapping its marked content to them, and their page-content
#   references become marked-content references into the form (/MCR with /Stm), as PDF 1.7 §14.7.4 provides;
# - an untagged upload becomes one /Figure per page whose alternative text says it was not supplied as an accessible
#   PDF and gives the page's text as far as it can be read, so that nothing is silently hidden from a screen reader.
def _array(value):
    import pikepdf

    if value is None:
        return pikepdf.Array()
    return value if isinstance(value, pikepdf.Array) else pikepdf.Array([value])


def _page_form(pdf, source_pdf, source_page, target_page):
    """The uploaded page as a form XObject in `pdf`, and the content (q … cm /Name Do Q) that draws it on `target_page`."""
    import pikepdf

    form = pdf.copy_foreign(source_pdf.make_indirect(source_page.as_form_xobject()))
    # WeasyPrint shares one /Resources dictionary between all pages: give this page its own before adding to it.
    resources = target_page.obj.get("/Resources")
    private = pikepdf.Dictionary({key: value for key, value in resources.items()}) if resources is not None else pikepdf.Dictionary()
    if "/XObject" in private:
        private.XObject = pikepdf.Dictionary({key: value for key, value in private.XObject.items()})
    target_page.obj.Resources = private
    name = target_page.add_resource(form, pikepdf.Name.XObject, prefix="PackUpload")
    box = pikepdf.Rectangle(*(float(v) for v in target_page.mediabox))
    placement = target_page.calc_form_xobject_placement(form, name, box, allow_expand=True)
    return form, placement


def _prepend(pdf, page, content: bytes) -> None:
    import pikepdf

    page.contents_add(pikepdf.Stream(pdf, content), prepend=True)


def _insert_after(parent, anchor, elements) -> None:
    import pikepdf

    kids = _array(parent.get("/K"))
    position = next((i for i, kid in enumerate(kids) if isinstance(kid, pikepdf.Dictionary) and kid.objgen == anchor.objgen), len(kids) - 1)
    for offset, element in enumerate(elements, start=1):
        kids.insert(position + offset, element)
    parent.K = kids


def _merge_untagged(pdf, source, upload: Upload, placed: list[tuple[int, dict]], marker, parent_tree) -> None:
    import pikepdf

    texts = upload.page_texts()
    total = len(upload.pages)
    title = upload.document.title
    new_elements = []
    for target_index, spec in placed:
        page = pdf.pages[target_index]
        form, placement = _page_form(pdf, source, source.pages[spec["index"]], page)
        mcids = parent_tree[int(page.obj.StructParents)]
        mcid = len(mcids)
        _prepend(pdf, page, b"/Figure <</MCID %d>> BDC\n" % mcid + placement + b"\nEMC\n")
        text = texts[spec["index"]] if spec["index"] < len(texts) else ""
        alt = (
            f"Page {spec['index'] + 1} of {total} of the uploaded paper “{title}”, which was not supplied as an accessible "
            "(tagged) PDF. " + (f"Its text, as far as it can be read: {text[:6000]}" if text else "No text can be read from this page.")
        )
        box = pikepdf.Array([float(v) for v in page.mediabox])
        if marker is not None and spec["index"] == 0:
            element = marker
            element.K = pikepdf.Array([*_array(marker.get("/K")), mcid])
        else:
            element = pdf.make_indirect(
                pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Figure, Pg=page.obj, K=pikepdf.Array([mcid]))
            )
            new_elements.append(element)
        element.Alt = pikepdf.String(alt)
        element.A = pikepdf.Dictionary(O=pikepdf.Name.Layout, BBox=box)
        mcids.append(element)
    if new_elements:
        parent = marker.P if marker is not None else pdf.Root.StructTreeRoot.K[0]
        for element in new_elements:
            element.P = parent
        if marker is not None:
            _insert_after(parent, marker, new_elements)
        else:
            parent.K = pikepdf.Array([*_array(parent.get("/K")), *new_elements])


def _detach_pages(source) -> dict:
    """Prepare a tagged upload's structure for copying: page references become page numbers (/PackPg), content items
    on pages become /MCR dictionaries, annotations are left behind. Returns {page objgen: page index}."""
    import pikepdf

    pages = {page.obj.objgen: index for index, page in enumerate(source.pages)}
    root = source.Root.StructTreeRoot
    stack = [(kid, None) for kid in _array(root.get("/K")) if isinstance(kid, pikepdf.Dictionary)]
    seen = set()
    while stack:
        element, inherited = stack.pop()
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        page = inherited
        if "/Pg" in element:
            page = pages.get(element.Pg.objgen, inherited)
            del element.Pg
            if page is not None:
                element.PackPg = page
        kids = []
        for kid in _array(element.get("/K")):
            if isinstance(kid, int):
                if page is not None:
                    kids.append(pikepdf.Dictionary(Type=pikepdf.Name.MCR, MCID=int(kid), PackPg=page))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                kid_page = pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                if "/Pg" in kid:
                    del kid.Pg
                if kid_page is not None:
                    kid.PackPg = kid_page
                    kids.append(kid)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                continue  # the upload's annotations (links) are not carried over, only its drawn content
            elif isinstance(kid, pikepdf.Dictionary):
                kids.append(kid)
                stack.append((kid, page))
        element.K = pikepdf.Array(kids)
    return pages


def _attach_pages(elements, page_objects: dict, forms: dict) -> None:
    """After copying: /PackPg back to the pack's pages; content items point into the form XObject of their page."""
    import pikepdf

    stack, seen = list(elements), set()
    while stack:
        element = stack.pop()
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        if "/PackPg" in element:
            index = int(element.PackPg)
            del element.PackPg
            if index in page_objects:
                element.Pg = page_objects[index]
        for kid in _array(element.get("/K")):
            if not isinstance(kid, pikepdf.Dictionary):
                continue
            if kid.get("/Type") == "/MCR":
                index = int(kid.PackPg)
                del kid.PackPg
                if index in page_objects:
                    kid.Pg = page_objects[index]
                    if "/Stm" not in kid:
                        kid.Stm = forms[index]
            else:
                stack.append(kid)


def _merge_tagged(pdf, source, upload: Upload, placed: list[tuple[int, dict]], marker, parent_tree, next_key: int) -> int:
    import pikepdf

    _detach_pages(source)
    source_root = source.Root.StructTreeRoot
    source_tree = pikepdf.NumberTree(source_root.ParentTree) if "/ParentTree" in source_root else {}
    top = []
    for kid in _array(source_root.get("/K")):
        if isinstance(kid, pikepdf.Dictionary):
            if "/P" in kid:
                del kid.P
            top.append(pdf.copy_foreign(kid if kid.is_indirect else source.make_indirect(kid)))
    page_objects, forms = {}, {}
    for target_index, spec in placed:
        page = pdf.pages[target_index]
        source_page = source.pages[spec["index"]]
        form, placement = _page_form(pdf, source, source_page, page)
        # The upload's own marked content sits inside the form; this sequence only keeps the drawing operator
        # itself inside marked content, as PDF/UA checkers expect of a page's content stream.
        _prepend(pdf, page, b"/PackUpload BMC\n" + placement + b"\nEMC\n")
        page_objects[spec["index"]], forms[spec["index"]] = page.obj, form
        key = source_page.obj.get("/StructParents")
        if key is not None and int(key) in source_tree:
            entry = source_tree[int(key)]
            entry = source.make_indirect(entry) if not entry.is_indirect else entry
            form.StructParents = next_key
            parent_tree[next_key] = pdf.copy_foreign(entry)
            next_key += 1
    _attach_pages(top, page_objects, forms)
    root = pdf.Root.StructTreeRoot
    for key in ("/RoleMap", "/ClassMap"):
        if key in source_root:
            merged = root.get(key) or pikepdf.Dictionary()
            for name, value in pdf.copy_foreign(source.make_indirect(source_root[key])).items():
                if name not in merged:
                    merged[name] = value
            root[key] = merged
    if "/IDTree" in source_root:
        ids = pikepdf.NameTree(root.IDTree) if "/IDTree" in root else pikepdf.NameTree.new(pdf)
        for name, element in pikepdf.NameTree(source_root.IDTree).items():
            if name not in ids:
                ids[name] = pdf.copy_foreign(element)
        root.IDTree = ids.obj
    language = source.Root.get("/Lang")
    container = marker
    if container is None:
        document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
        container = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, P=document, K=pikepdf.Array()))
        document.K = pikepdf.Array([*_array(document.get("/K")), container])
    container.S = pikepdf.Name.Div
    for key in ("/Alt", "/A"):
        if key in container:
            del container[key]
    if language is not None and str(language) and str(language) != str(pdf.Root.get("/Lang", "")):
        container.Lang = language
    container.K = pikepdf.Array([*_array(container.get("/K")), *top])
    for element in top:
        element.P = container
        if element.get("/S") == "/Document":  # the pack is the document; the upload is a part of it
            element.S = pikepdf.Name.Part
    return next_key


def merge_uploads(pdf, placements: dict[int, tuple[Upload, dict]]) -> list:
    """Draw each placed upload under its placeholder pages, and put its structure (or a described figure) in the tree.

    Returns the uploads opened for copying: they must stay open until `pdf` is saved (committee.tagged_pdf.finish).
    """
    import pikepdf

    from committee.tagged_pdf import struct_elements

    if not placements:
        return []
    root = pdf.Root.StructTreeRoot
    parent_tree = pikepdf.NumberTree(root.ParentTree)
    next_key = max([int(key) for key in parent_tree.keys()] + [int(root.get("/ParentTreeNextKey", 0)) - 1]) + 1
    markers = {
        str(element.Alt): element
        for element in struct_elements(pdf)
        if element.get("/S") == "/Figure" and str(element.get("/Alt", "")).startswith(MARKER_PREFIX)
    }
    by_upload: dict[int, tuple[Upload, list]] = {}
    for target_index in sorted(placements):
        upload, spec = placements[target_index]
        by_upload.setdefault(id(upload), (upload, []))[1].append((target_index, spec))
    sources = []
    for upload, placed in by_upload.values():
        marker = markers.pop(upload.marker, None)
        source = pikepdf.open(io.BytesIO(upload.data))
        sources.append(source)
        if upload.tagged:
            next_key = _merge_tagged(pdf, source, upload, placed, marker, parent_tree, next_key)
        else:
            _merge_untagged(pdf, source, upload, placed, marker, parent_tree)
    root.ParentTreeNextKey = next_key
    return sources


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
        present.append(f"{_attendee(chair)} (in the Chair)")
    councillors = [_attendee(a, a.person.name) for a in by_role[Attendance.Role.PRESENT] if a.person and a.person.honorific == "Councillor"]
    if councillors:
        present.append(f"Councillor{'s' if len(councillors) > 1 else ''} {join_names(councillors)}")
    present += [
        _attendee(a, with_capacity=True) for a in by_role[Attendance.Role.PRESENT] if not a.person or a.person.honorific != "Councillor"
    ]
    present += [f"{_attendee(a)} (substitute)" for a in by_role[Attendance.Role.SUBSTITUTE]]
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
    declarations = [
        f"{d.person}: {d.nature}" + (f" (item {d.agenda_item.number}, {d.agenda_item.title})" if d.agenda_item_id else "")
        for d in meeting.declarations.all()
    ]
    note = ""
    if meeting.started_at and meeting.ended_at:
        note = f"(Note: The meeting started at {uk_time(meeting.started_at)} and ended at {uk_time(meeting.ended_at)})"
    return {
        "meeting": meeting,
        "committee": meeting.committee,
        "present": present,
        "also": [_attendee(a, a.display_name, with_capacity=True) for a in by_role[Attendance.Role.ALSO_IN_ATTENDANCE]],
        "public": public,
        # "None" only where the minutes say so; a blank in the minutes is not a nil return.
        "apologies": join_names([_attendee(a) for a in by_role[Attendance.Role.APOLOGIES]])
        or (NOT_RECORDED if meeting.apologies_not_recorded else "None"),
        "declarations": declarations,
        "minutes": minutes,
        "signature": f"{chair.person.honorific} {chair.person.name}".strip().upper() if chair and chair.person else "",
        "note": note,
        "is_draft": meeting.minutes_status != Meeting.MinutesStatus.APPROVED,
    }


def _attendee(attendance: Attendance, name: str | None = None, *, with_capacity: bool = False) -> str:
    """One name in the printed attendance lists: the person, or the capacity alone where the minutes name no one;
    "(inferred)" after a role the minutes do not give."""
    if attendance.person_id is None:
        text = attendance.capacity
    else:
        text = name if name is not None else str(attendance.person)
        if with_capacity and attendance.capacity:
            text = f"{text}, {attendance.capacity}"
    return csv_value(text, attendance.role_provenance)


def has_cover_sheet(document: Document) -> bool:
    """A document gets a printed cover sheet when it has text or any cover-sheet field; a bare uploaded PDF prints as it is."""
    return bool(
        document.body
        or document.cover_meeting
        or document.cover_date
        or document.subject
        or document.report_from
        or document.contact_officer
        or document.classification
        or document.decision_type
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
        # A Cabinet-style cover prints these first; a scrutiny cover has neither, so nothing is added to it.
        if document.decision_type:
            cover.insert(0, ("Decision Type:", document.decision_type))
        if document.classification:
            cover.insert(0, ("Classification:", document.classification))
    return {
        "document": document,
        "cover": cover,
        "body": document.body,  # structured HTML (meetings.bodies); sanitised again as it is printed
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
    """Tagged PDF/UA-1 bytes of a laid-out document, with the uploaded PDFs drawn under their placeholder pages."""
    return write_pdf(document, edit=(lambda pdf: merge_uploads(pdf, placements)) if placements else None)


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
    meeting = spec.meeting
    return {
        "spec": spec,
        "meeting": meeting,
        "committee": meeting.committee,
        "contact": meeting.contact,
        # The summons' place and time, with "(illustrative)" or "(inferred)" where the council's record does not give them.
        "place": csv_value(meeting.venue, meeting.venue_provenance),
        "time": csv_value(uk_time(meeting.start_time), meeting.start_time_provenance),
        "regenerated": meeting.has_printed_pages,
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
        return RenderedPack(data=write_pdf(fm), page_count=len(fm.pages), ranges={})
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
    return write_pdf(_render("meetings/pdf/minutes.html", {"record": minutes_record(meeting), "meeting": meeting}))


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
