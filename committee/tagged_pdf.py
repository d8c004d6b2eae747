"""Tagged PDF/UA-1 output for every PDF the site prints (agenda packs, papers, minutes, the complaints report, plans).

WeasyPrint (pinned) writes the structure tree, /MarkInfo, /Lang (from <html lang>), the title (from <title>, shown by
the viewer: DisplayDocTitle) and the PDF/UA identification in XMP when asked for the "pdf/ua-1" variant. `finish` then
opens the file with pikepdf for what WeasyPrint leaves out: every table header cell gets a /Scope (Column, or Row when
the cells of its own row name it as their header), so that a reader announces the right header with each cell; and a
table whose caption was left at the foot of a page, apart from its rows, gets its caption back.

The apps share this module (meetings, complaints and improvement may import committee; nothing here imports them).
"""

import io
from collections.abc import Callable

PDF_VARIANT = "pdf/ua-1"


def write_pdf(document, *, edit: Callable | None = None) -> bytes:
    """A laid-out WeasyPrint document as tagged PDF/UA-1 bytes; `edit(pdf)` may change the pikepdf.Pdf before it is saved
    (and return other open PDFs it copied from, closed once the result is saved)."""
    return finish(document.write_pdf(pdf_variant=PDF_VARIANT), edit=edit)


def finish(data: bytes, *, edit: Callable | None = None) -> bytes:
    """Complete the tags WeasyPrint wrote (table header scope), after `edit(pdf)` if given, and return the new bytes."""
    import pikepdf  # imported here, as WeasyPrint is: only PDF work needs it

    sources = []
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if edit is not None:
                sources = list(edit(pdf) or [])
            join_split_tables(pdf)
            scope_table_headers(pdf)
            out = io.BytesIO()
            pdf.save(out)
    finally:
        for source in sources:
            source.close()
    return out.getvalue()


def struct_elements(pdf):
    """Every structure element under /StructTreeRoot in document (reading) order, parents first, each visited once."""
    import pikepdf

    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    seen = set()
    stack = list(reversed(_kids(root)))
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node or node.get("/Type", pikepdf.Name.StructElem) != "/StructElem":
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        yield node
        stack.extend(reversed(_kids(node)))


def _kids(element):
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _attributes(element):
    """The element's attribute dictionary for the Table owner, created if missing."""
    import pikepdf

    value = element.get("/A")
    candidates = list(value) if isinstance(value, pikepdf.Array) else [value] if value is not None else []
    for candidate in candidates:
        if isinstance(candidate, pikepdf.Dictionary) and candidate.get("/O") == "/Table":
            return candidate
    attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
    if value is None:
        element.A = attributes
    elif isinstance(value, pikepdf.Array):
        value.append(attributes)
    else:
        element.A = pikepdf.Array([value, attributes])
    return attributes


def scope_table_headers(pdf) -> int:
    """Give each /TH a /Scope: Row when a data cell of its own row lists it in /Headers, else Column. Returns how many."""
    import pikepdf

    count = 0
    for row in struct_elements(pdf):
        if row.get("/S") != "/TR":
            continue
        cells = [kid for kid in _kids(row) if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") in ("/TH", "/TD")]
        named_in_row = set()
        for cell in cells:
            if cell.get("/S") == "/TD":
                headers = _attributes(cell).get("/Headers")
                if headers is not None:
                    named_in_row.update(str(header) for header in headers)
        for cell in cells:
            if cell.get("/S") != "/TH":
                continue
            attributes = _attributes(cell)
            if "/Scope" in attributes:
                continue
            identifier = str(cell.get("/ID", ""))
            attributes.Scope = pikepdf.Name.Row if identifier and identifier in named_in_row else pikepdf.Name.Column
            count += 1
    return count


def _has_rows(table) -> bool:
    import pikepdf

    for kid in _kids(table):
        if isinstance(kid, pikepdf.Dictionary):
            role = kid.get("/S")
            if role == "/TR" or (role in ("/THead", "/TBody", "/TFoot") and _has_rows(kid)):
                return True
    return False


def join_split_tables(pdf) -> int:
    """WeasyPrint tags page by page, so a caption left at the foot of a page becomes a /Table of its own with no rows:
    move its caption into the next table (the rest of it), or make it a paragraph if there is none. Returns how many."""
    import pikepdf

    tables = [element for element in struct_elements(pdf) if element.get("/S") == "/Table"]
    fixed = 0
    for position, table in enumerate(tables):
        if _has_rows(table):
            continue
        captions = [kid for kid in _kids(table) if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Caption"]
        following = next((t for t in tables[position + 1 :] if _has_rows(t)), None)
        if (
            following is not None
            and captions
            and not any(isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Caption" for kid in _kids(following))
        ):
            for caption in captions:
                caption.P = following
            following.K = pikepdf.Array([*captions, *_kids(following)])
            parent = table.P
            parent.K = pikepdf.Array(
                [kid for kid in _kids(parent) if not (isinstance(kid, pikepdf.Dictionary) and kid.objgen == table.objgen)]
            )
        else:
            table.S = pikepdf.Name.Div
            for caption in captions:
                caption.S = pikepdf.Name.P
        fixed += 1
    return fixed
