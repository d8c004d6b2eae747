"""The actions tracker's by-owner summary: one row per owner (hundreds at a decade's scale), built in one pass."""

from django import template

from committee.html import format_html, format_html_join
from committee.links import record_url

register = template.Library()

ROW = (
    '<tr class="govuk-table__row"><td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td></tr>'
)


def _owner(row):
    if row["owner__slug"]:
        return format_html(
            '<a class="govuk-link" href="{}">{} {}</a>',
            record_url("meetings:person", slug=row["owner__slug"]),
            row["owner__honorific"],
            row["owner__name"],
        )
    return row["owner_text"] or "Not assigned"


@register.simple_tag
def owner_summary_rows(rows):
    """The <tr>s of the by-owner table (rows of ActionQuerySet.counts_by_owner): owner, open, overdue, done."""
    return format_html_join("\n", ROW, ((_owner(row), row["open"], row["overdue"], row["done"]) for row in rows))
