"""Report bodies as structured documents: headings, numbered paragraphs, lists, tables with header rows and captions.

A report's text is kept twice on Document:

- `body_source`, what an officer writes (or a Word upload produced): Markdown, in which HTML is also allowed.
  Markdown is what people type and what the demo transcriptions (meetings/demo/*.yaml) are written in; HTML says what
  Markdown cannot (merged cells, lists inside a cell) and is what a Word import arrives as.
- `body`, the structure every page, PDF and the search index reads: HTML made from the source by `render_source`,
  normalised (`structure`) and then sanitised (`sanitise`, nh3 with an allow-list). Nothing else writes it.

`sanitise` runs again wherever a body is shown (templatetags/council_tags.report_body and the PDF templates), so even a
body written straight into the database cannot carry a script, a style, an event handler or a javascript: URL.

Markdown conventions (CommonMark with tables; a single line break is kept as a line break):

- `## 1.0 BACKGROUND` is a heading. Whatever level the author starts at, the body's top level is shown as h2 under
  the page's own h1, and levels never skip (h2 then h4 becomes h2 then h3).
- Paragraph numbers are written as the council prints them (`2.3 Members were ...`) and kept as text.
- A table's first row is its header row (`<th scope="col">`). If the first header cell is empty, the first cell of each
  row heads that row (`<th scope="row">`). A header row of empty cells means "printed without column headings".
- A line `Table: Independent Special Schools` (then a blank line) just before a table becomes its caption.
"""

import dataclasses
import re
from html import escape as html_escape

import nh3
from lxml import etree
from lxml import html as lxml_html

# ---------------------------------------------------------------------------
# Sanitising: the allow-list is the contract of what a report body may contain
# ---------------------------------------------------------------------------
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "strong", "em", "b", "i", "sup", "sub", "abbr", "a", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
    "li": {"value", "id"},
    "sup": {"id"},
}
ALLOWED_VALUES = {"th": {"scope": {"col", "row", "colgroup", "rowgroup"}}, "ol": {"type": {"1", "a", "A", "i", "I"}}}
ALLOWED_CLASSES = {"span": {"app-missing-picture"}, "p": {"app-missing-picture"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
# Word footnotes link to ids in the same body; they are prefixed so they can never clash with the page's own ids.
ID_PREFIX = "doc-"
MISSING_PICTURE_CLASS = "app-missing-picture"


def _attribute_filter(tag, attribute, value):
    if attribute == "id" and not value.startswith(ID_PREFIX):
        return None
    if attribute in ("colspan", "rowspan", "start", "value") and not value.isdigit():
        return None
    return value


def sanitise(html: str) -> str:
    """Only the allowed structure survives: no script, style, event handler, form, frame, image or javascript: URL."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "template", "title", "textarea", "select", "noscript", "iframe", "object"},
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_VALUES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# ---------------------------------------------------------------------------
# Structure: tables with header cells and captions, heading levels in order
# ---------------------------------------------------------------------------
@dataclasses.dataclass
class Body:
    """A rendered body and what the officer should be told about it (e.g. "2 pictures were left out")."""

    html: str
    notes: list[str] = dataclasses.field(default_factory=list)


HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
CAPTION_PREFIX = re.compile(r"^\s*Table:\s*", re.IGNORECASE)
BLOCKS = {"p", "ul", "ol", "table", "blockquote", "hr", *HEADINGS}


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _is_empty(element) -> bool:
    return not _text(element) and not element.xpath(".//br|.//hr")


def _unwrap(element) -> None:
    """Replace `element` by its children and text (lxml keeps the tail text where it was)."""
    parent = element.getparent()
    index = parent.index(element)
    previous = element.getprevious()
    if element.text:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.text
        else:
            parent.text = (parent.text or "") + element.text
    children = list(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    last = children[-1] if children else (parent[index - 1] if index > 0 else None)
    if element.tail:
        if last is not None:
            last.tail = (last.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _rows(table) -> list:
    return table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def _cells(row) -> list:
    return row.xpath("./th|./td")


def _retag(cell, tag: str, scope: str | None) -> None:
    cell.tag = tag
    if scope:
        cell.set("scope", scope)
    elif "scope" in cell.attrib:
        del cell.attrib["scope"]


def _structure_table(table, number: int, notes: list[str]) -> None:
    # A cell holding one paragraph holds its text (Word wraps every cell's text in a paragraph).
    for cell in table.xpath(".//th|.//td"):
        paragraphs = cell.xpath("./p")
        if len(paragraphs) == 1 and len(cell) == 1 and not (cell.text or "").strip():
            _unwrap(paragraphs[0])
    rows = _rows(table)
    if not rows:
        table.getparent().remove(table)
        return
    thead = table.find("thead")
    corner_empty = False
    if thead is not None:
        head_rows = thead.findall("tr")
        if head_rows and all(_is_empty(cell) for row in head_rows for cell in _cells(row)):
            # A header row of empty cells: the table is printed without column headings, so each row is headed by
            # its first cell (a table with no header cell at all tells a screen reader nothing of what it holds).
            table.remove(thead)
            thead, corner_empty = None, True
    if thead is None and not corner_empty and not table.xpath(".//th"):
        # No header cells at all (a Word table without "Repeat as header row"): its first row is taken as the header,
        # because a table nobody can name the columns of fails WCAG 1.3.1; the officer is told to check it.
        first = _rows(table)[0] if _rows(table) else None
        if first is not None and len(_rows(table)) > 1:
            thead = etree.Element("thead")
            first.getparent().remove(first)
            thead.append(first)
            caption = table.find("caption")
            table.insert(table.index(caption) + 1 if caption is not None else 0, thead)
            notes.append(f"Table {number} had no header row, so its first row is shown as the header row. Check that it is one.")
    body_rows = [row for row in _rows(table) if row.getparent() is not thead]
    if thead is not None:
        for row in thead.findall("tr"):
            cells = _cells(row)
            for position, cell in enumerate(cells):
                if position == 0 and _is_empty(cell):
                    corner_empty = True
                    _retag(cell, "td", None)
                else:
                    _retag(cell, "th", cell.get("scope") if cell.get("scope") in ("col", "colgroup") else "col")
    for row in body_rows:
        for position, cell in enumerate(_cells(row)):
            if cell.tag == "th":
                default = "row" if position == 0 else "col"
                _retag(cell, "th", cell.get("scope") if cell.get("scope") in ("row", "col", "rowgroup", "colgroup") else default)
            elif position == 0 and corner_empty and not _is_empty(cell):
                _retag(cell, "th", "row")
    # Rows straight under <table> go into a <tbody>, after any <thead>, as a browser would put them.
    loose = table.xpath("./tr")
    if loose:
        tbody = table.find("tbody")
        if tbody is None:
            tbody = etree.SubElement(table, "tbody")
        for row in loose:
            table.remove(row)
            tbody.append(row)


def _captions(root) -> None:
    """A paragraph "Table: …" (Markdown) or in Word's Caption style just before a table becomes the table's caption."""
    for paragraph in root.xpath("./p"):
        following = paragraph.getnext()
        word_caption = "table-caption" in (paragraph.get("class") or "").split()
        if following is None or following.tag != "table" or following.find("caption") is not None:
            if word_caption:
                del paragraph.attrib["class"]
            continue
        if not (word_caption or CAPTION_PREFIX.match(paragraph.text or "")):
            continue
        caption = etree.Element("caption")
        caption.text = CAPTION_PREFIX.sub("", paragraph.text or "", count=1)
        for child in paragraph:
            caption.append(child)
        following.insert(0, caption)
        root.remove(paragraph)


def _headings(root) -> None:
    """Heading levels start at h2 (the page's h1 is the report's title) and go down one level at a time."""
    headings = root.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6")
    stack: list[tuple[int, int]] = []  # (level as written, level shown)
    for heading in headings:
        written = int(heading.tag[1])
        while stack and stack[-1][0] >= written:
            stack.pop()
        shown = min(stack[-1][1] + 1 if stack else 2, 6)
        stack.append((written, shown))
        heading.tag = f"h{shown}"


def _pictures(root, notes: list[str]) -> None:
    pictures = root.xpath(".//img")
    for image in pictures:
        alt = " ".join((image.get("alt") or "").split())
        marker = etree.Element("span")
        marker.set("class", MISSING_PICTURE_CLASS)
        marker.text = f"[Picture not included: {alt}]" if alt else "[Picture not included]"
        marker.tail = image.tail
        image.getparent().replace(image, marker)
    if pictures:
        count = len(pictures)
        notes.append(
            f"{count} picture{'s were' if count > 1 else ' was'} left out (charts and images are not imported). Each is marked "
            "“[Picture not included]”: describe what it shows in the text, or add its figures as a table."
        )


def structure(html: str) -> Body:
    """Normalise `html` into the shape pages and PDFs expect (see the module docstring), then sanitise it."""
    notes: list[str] = []
    if not (html or "").strip():
        return Body("", notes)
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for anchor in root.xpath(".//a[not(@href)]"):  # Word bookmarks: anchors that go nowhere
        _unwrap(anchor)
    _pictures(root, notes)
    _captions(root)
    for number, table in enumerate(root.xpath(".//table"), start=1):
        _structure_table(table, number, notes)
    _headings(root)
    for element in root.xpath(".//p|.//h2|.//h3|.//h4|.//h5|.//h6"):
        if _is_empty(element) and not len(element):
            element.getparent().remove(element)
    # Text outside any element is text: escaped again, as lxml gave it back unescaped.
    parts = [html_escape(root.text.strip(), quote=False)] if (root.text or "").strip() else []
    for child in root:
        parts.append(lxml_html.tostring(child, encoding="unicode", with_tail=False))
        if (child.tail or "").strip():
            parts.append(html_escape(child.tail.strip(), quote=False))
    # One block per line and no blank line: the stored HTML, put back in the source box, stays one HTML block to Markdown.
    return Body(re.sub(r"\n\s*\n", "\n", sanitise("\n".join(parts))).strip(), notes)


# ---------------------------------------------------------------------------
# Sources: Markdown (typed, and the demo YAML), Word documents, the old plain text
# ---------------------------------------------------------------------------
def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "breaks": True, "linkify": False}).enable("table")


def render_source(source: str) -> Body:
    """Markdown (HTML allowed) to structured, sanitised HTML."""
    if not (source or "").strip():
        return Body("", [])
    return structure(_markdown().render(source))


WORD_STYLE_MAP = """
p[style-name='Caption'] => p.table-caption:fresh
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => h2:fresh
"""


class WordImportError(ValueError):
    """The file is not a Word document that can be read; the message says so in words an officer can act on."""


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A .docx is a zip: what it unpacks to is bounded too, so a small file cannot expand into gigabytes (a "zip bomb").
DOCX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
NOT_A_DOCX = (
    "This file cannot be read as a Word document (.docx). Open it in Word, save it as “Word Document (.docx)” and upload that file."
)


def read_docx_upload(file, *, max_bytes: int) -> Body:
    """Check an uploaded Word document (size, a real .docx, not too large unpacked) and import it."""
    import zipfile

    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise WordImportError(
            f"This file is {size / (1024 * 1024):.1f} MB; the largest Word document that can be uploaded is "
            f"{max_bytes / (1024 * 1024):.1f} MB."
        )
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise WordImportError(NOT_A_DOCX) from error
    if "word/document.xml" not in names:
        raise WordImportError(NOT_A_DOCX)
    if unpacked > DOCX_MAX_UNPACKED_BYTES:
        raise WordImportError("This Word document unpacks to more than 200 MB, which is too large to import.")
    file.seek(0)
    body = import_docx(file)
    file.seek(0)
    return body


def import_docx(fileobj) -> Body:
    """A Word (.docx) document's text as a structured body (mammoth): headings, lists, tables, emphasis and links."""
    import mammoth

    def describe(image):  # pictures are not imported; their alternative text is kept in the marker
        return {"alt": image.alt_text or ""}

    try:
        result = mammoth.convert_to_html(
            fileobj, style_map=WORD_STYLE_MAP, convert_image=mammoth.images.img_element(describe), id_prefix=ID_PREFIX
        )
    except Exception as error:  # noqa: BLE001 - a damaged .docx fails in many ways inside mammoth; all mean "cannot be read"
        raise WordImportError(NOT_A_DOCX) from error
    body = structure(result.value)
    warnings = [m.message for m in result.messages if m.type == "warning" and not m.message.startswith("Unrecognised")]
    body.notes.extend(f"From Word: {message}" for message in warnings[:5])
    if not body.html:
        body.notes.append("No text was found in the Word document.")
    return body


def html_to_text(html: str) -> str:
    """The words of a body, for the search index and for comparisons (block elements separated by line breaks)."""
    if not (html or "").strip():
        return ""
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for element in root.iter():
        if element.tag in BLOCKS or element.tag in ("li", "tr", "caption", "br"):
            element.tail = "\n" + (element.tail or "")
        elif element.tag in ("td", "th"):
            element.tail = " " + (element.tail or "")
    return re.sub(r"[ \t]*\n[\s]*", "\n", "".join(root.itertext())).strip()


# The old plain-text convention (before structured bodies): blank-line separated chunks; a chunk whose lines all hold
# " | " is a table (first row the header), all "- " or "• " lines a list, one line in capitals a heading.
LEGACY_HEADING = re.compile(r"^(\d+(\.\d+)*\.?\s+)?[^a-z]{3,100}$")
LEGACY_BULLET = re.compile(r"^\s*[-•]\s+")
MARKDOWN_BLOCK_START = re.compile(r"^(\s*)([#>+*=|]|-(?!\S)|-+\s*$|_+\s*$|\d+[.)](\s|$)|```|~~~)")


def _escape_line(line: str) -> str:
    """Keep a line of plain text as text in Markdown: escape what would start a block, emphasis or HTML."""
    line = line.replace("\\", "\\\\").replace("<", "\\<").replace("`", "\\`")
    line = re.sub(r"&(?=#?\w+;)", r"\\&", line)
    if len(re.findall(r"[*_]+", line)) > 1:
        line = re.sub(r"([*_])", r"\\\1", line)
    match = MARKDOWN_BLOCK_START.match(line)
    if match:
        start = match.end(1)
        marker = match.group(2)
        if marker[0].isdigit():  # "2. Cabinet is recommended": a paragraph number, not a list
            digits = re.match(r"\d+", marker).group(0)
            line = line[:start] + digits + "\\" + line[start + len(digits) :]
        else:
            line = line[:start] + "\\" + line[start:]
    return line


def _table_cell(text: str) -> str:
    return _escape_line(text.strip()).replace("|", "\\|") or " "


def legacy_text_to_markdown(text: str) -> str:
    """Plain text in the old convention as Markdown with the same structure (used by the data migration)."""
    out = []
    for chunk in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.rstrip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(" | " in line for line in lines):
            rows = [[cell.strip() for cell in line.split("|")] for line in lines]
            width = max(len(row) for row in rows)
            rows = [row + [""] * (width - len(row)) for row in rows]
            head, rest = (rows[0], rows[1:]) if len(rows) > 1 else ([""] * width, rows)
            table = ["| " + " | ".join(_table_cell(c) for c in head) + " |", "|" + "---|" * width]
            table += ["| " + " | ".join(_table_cell(c) for c in row) + " |" for row in rest]
            out.append("\n".join(table))
        elif all(LEGACY_BULLET.match(line) for line in lines):
            out.append("\n".join("- " + _escape_line(LEGACY_BULLET.sub("", line)) for line in lines))
        elif len(lines) == 1 and LEGACY_HEADING.match(lines[0]) and re.search(r"[A-Z]{3}", lines[0]):
            out.append("## " + _escape_line(lines[0]))
        else:
            out.append("\n".join(_escape_line(line) for line in lines))
    return "\n\n".join(out)
