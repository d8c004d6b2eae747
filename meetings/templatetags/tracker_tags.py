"""The actions tracker's rows and its by-owner summary (hundreds of owners at a decade's scale), each built in one pass.

The values printed are the database's own strings and integers, escaped as Django escapes them (`html.escape` of the
string, quotes included: committee.html), so the bytes are those the template loops printed."""

from html import escape

from django import template
from django.utils.safestring import SafeString

from committee.links import record_urls
from committee.models import Person
from committee.templatetags.council_tags import action_status, short_date

register = template.Library()

ROW = (
    '<tr class="govuk-table__row"><td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td></tr>'
)
LINK = '<a class="govuk-link" href="{}">{}</a>'


@register.simple_tag
def owner_summary_rows(rows):
    """The <tr>s of the by-owner table (rows of ActionQuerySet.counts_by_owner): owner, open, overdue, done."""
    person = record_urls("meetings:person", "slug")
    html = []
    for row in rows:
        if row["owner__slug"]:
            name = escape(f"{row['owner__honorific']} {row['owner__name']}")
            owner = LINK.format(escape(person(row["owner__slug"])), name)
        else:
            owner = escape(row["owner_text"] or "Not assigned")
        html.append(ROW.format(owner, row["open"], row["overdue"], row["done"]))
    return SafeString("\n".join(html))


ACTION_ROW = (
    '\n        <tr class="govuk-table__row">\n'
    '          <td class="govuk-table__cell">{}</td>\n'
    '          <td class="govuk-table__cell" data-label="Owner">{}</td>\n'
    '          <td class="govuk-table__cell" data-label="Agreed at"><a class="govuk-link" href="{}">Minute {}, {}</a></td>\n'
    '          <td class="govuk-table__cell" data-label="Due">{}</td>\n'
    '          <td class="govuk-table__cell" data-label="Status">{}</td>\n'
    "        </tr>\n      "
)
NO_ACTIONS = (
    '\n        <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="5">No actions match these filters.</td></tr>\n      '
)


@register.simple_tag
def action_rows(actions):
    """The tracker's <tr>s, from ActionListView.page_rows (each action with its owner's and minute's printed columns).

    The owner as council_tags.person_link prints them (linked unless a member of the public, Person.has_page, with
    Person.display_name), else the role; the minute's link and reference as MinuteItem.get_absolute_url and .reference."""
    if not actions:
        return SafeString(NO_ACTIONS)
    person, meeting = record_urls("meetings:person", "slug"), record_urls("meetings:detail", "pk")
    html = []
    for a in actions:
        if a.owner_id is None:
            owner = escape(a.owner_text or "Not assigned")
        else:
            owner = escape(f"{a.owner_honorific} {a.owner_full_name or a.owner_name}".strip())
            if a.owner_kind != Person.Kind.PUBLIC:
                owner = LINK.format(escape(person(a.owner_slug)), owner)
        html.append(
            ACTION_ROW.format(
                escape(a.description),
                owner,
                escape(f"{meeting(a.minute_meeting_id)}#minute-{a.minute_number}"),
                escape(f"{a.minute_prefix}{a.minute_number}"),
                escape(short_date(a.meeting_date)),
                escape(a.due_label),
                action_status(a),
            )
        )
    return SafeString("".join(html))
