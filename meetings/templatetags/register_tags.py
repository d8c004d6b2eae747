"""The decisions register's rows, built in one pass (as tracker_tags builds the tracker's).

The values printed are the database's own strings and integers, escaped as Django escapes them (`html.escape` of the
string, quotes included: committee.html), so the bytes are those the template loop printed."""

from html import escape

from django import template
from django.utils.safestring import SafeString

from committee.templatetags.council_tags import short_date
from meetings.models import Resolution
from meetings.templatetags.tracker_tags import address_of

register = template.Library()

DECISION_ROW = (
    '\n        <tr class="govuk-table__row">\n'
    '          <td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a><br><span class="govuk-body-s">{}</span></td>\n'
    '          <td class="govuk-table__cell"><a class="govuk-link" href="{}">{} {}</a></td>\n'
    '          <td class="govuk-table__cell">{}</td>\n'
    '          <td class="govuk-table__cell">{}</td>\n'
    "        </tr>\n      "
)
NO_DECISIONS = (
    '\n        <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">No decisions match these filters.</td></tr>\n      '
)
KINDS = dict(Resolution.Kind.choices)


@register.simple_tag
def decision_rows(resolutions):
    """The register's <tr>s, from ResolutionListView.page_rows (each decision with its minute's and meeting's printed
    columns): the meeting's date and committee, the minute's reference and title (MinuteItem.reference and
    get_absolute_url), the decision and its type (get_kind_display)."""
    if not resolutions:
        return SafeString(NO_DECISIONS)
    meeting = address_of("meetings:detail")
    html = []
    for r in resolutions:
        meeting_url = meeting(r.row_meeting_id)
        html.append(
            DECISION_ROW.format(
                escape(meeting_url),
                escape(short_date(r.row_meeting_date)),
                escape(r.row_committee),
                escape(f"{meeting_url}#minute-{r.row_minute_number}"),
                escape(f"{r.row_minute_prefix}{r.row_minute_number}"),
                escape(r.row_minute_title),
                escape(r.text),
                escape(str(KINDS.get(r.kind, r.kind))),
            )
        )
    return SafeString("".join(html))
