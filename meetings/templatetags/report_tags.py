"""Template filters for structured report bodies (meetings.bodies)."""

from html import escape as html_escape

from django import template
from django.utils.safestring import mark_safe

from meetings.bodies import sanitise

register = template.Library()


@register.filter
def report_body(html: str) -> str:
    """A report body as HTML, sanitised again as it is shown (whatever wrote it, no script or handler can reach a page)."""
    return mark_safe(sanitise(html))  # noqa: S308 - sanitised by nh3 on the line itself


HEADING_CLASSES = {
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "h5": "govuk-heading-s",
    "h6": "govuk-heading-s",
}
TABLE_CLASSES = {
    "table": "govuk-table",
    "caption": "govuk-table__caption govuk-table__caption--s",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
}


@register.filter
def report_page_body(html: str) -> str:
    """A report body for the web page: sanitised, in GOV.UK Frontend's styles, each table in a region that scrolls
    sideways on a phone (WCAG 1.4.10) and can be reached and named (a keyboard user can scroll it)."""
    from lxml import html as lxml_html

    clean = sanitise(html)
    if not clean.strip():
        return ""
    root = lxml_html.fragment_fromstring(clean, create_parent="div")
    for element in root.iter():
        tag = element.tag
        if tag in HEADING_CLASSES:
            element.set("class", HEADING_CLASSES[tag])
        elif tag in TABLE_CLASSES:
            element.set("class", " ".join(filter(None, [TABLE_CLASSES[tag], element.get("class")])))
        elif tag == "ul":
            element.set("class", "govuk-list govuk-list--bullet")
        elif tag == "ol":
            element.set("class", "govuk-list govuk-list--number")
        elif tag == "p" and element.getparent() is root:
            element.set("class", " ".join(filter(None, ["govuk-body", element.get("class")])))
        elif tag == "a":
            element.set("class", "govuk-link")
    for number, table in enumerate(root.xpath(".//table"), start=1):
        caption = table.find("caption")
        name = " ".join("".join(caption.itertext()).split()) if caption is not None else f"Table {number}"
        region = lxml_html.Element("div")
        region.set("class", "app-table-scroll")
        region.set("role", "region")
        region.set("aria-label", f"{name} (scrolls sideways on small screens)")
        region.set("tabindex", "0")
        table.addprevious(region)
        region.tail, table.tail = table.tail, None
        region.append(table)
    parts = [lxml_html.tostring(child, encoding="unicode") for child in root]  # each with its tail, escaped
    return mark_safe(html_escape(root.text or "", quote=False) + "".join(parts))  # noqa: S308 - sanitised above; only our own classes were added
