"""The rows of the decisions register and the questions list, each built in one pass (as tracker_tags builds the tracker's).

The values printed are the database's own strings and integers, escaped as Django escapes them (`html.escape` of the
string, quotes included: committee.html), so the bytes are those the template loop printed."""

from html import escape

from django import template
from django.template.defaultfilters import timesince_filter, truncatewords
from django.utils.safestring import SafeString

from committee.links import record_urls
from committee.templatetags.council_tags import short_date
from meetings.models import Question, Resolution

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
    meeting = record_urls("meetings:detail", "pk")
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


QUESTION_ROW = (
    '\n    <tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell">{}<br><span class="govuk-body-s">{}</span></td>\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a>{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    "    </tr>\n  "
)
NO_QUESTIONS = '\n    <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">No questions recorded.</td></tr>\n  '
QUESTION_KINDS = dict(Question.Kind.choices)


def _written_response(q, today) -> str:
    """Sent (when), owed (and how long it has waited, since first raised where it was), or not promised."""
    if not q.written_response_owed:
        return "Not promised"
    if q.written_response_date:
        return f'<strong class="govuk-tag govuk-tag--green">Sent {escape(short_date(q.written_response_date))}</strong>'
    since = ""
    if q.refers_to_meeting_id is not None:
        raised = q.row_refers_date
        since = f" (since {escape(short_date(raised))}: {escape(timesince_filter(raised, today))})"
    waiting = escape(timesince_filter(q.row_meeting_date, today))
    return f'<strong class="govuk-tag govuk-tag--red">Owed</strong><br><span class="govuk-body-s">waiting {waiting}{since}</span>'


@register.simple_tag
def question_rows(questions, today):
    """The questions list's <tr>s, from QuestionListView.page_rows (each question with its meeting's date, its minute's
    address and the date of the meeting it was first raised at): as the template loop printed them, with Django's own
    truncatewords and timesince filters."""
    if not questions:
        return SafeString(NO_QUESTIONS)
    meeting = record_urls("meetings:detail", "pk")
    html = []
    for q in questions:
        if q.minute_item_id is not None:  # MinuteItem.get_absolute_url
            url = f"{meeting(q.row_minute_meeting_id)}#minute-{q.row_minute_number}"
        else:
            url = meeting(q.meeting_id)
        raised = ""
        if q.refers_to_meeting_id is not None:
            raised = f'<br><span class="govuk-body-s">first raised {escape(short_date(q.row_refers_date))}</span>'
        html.append(
            QUESTION_ROW.format(
                escape(q.asker_name or "Not recorded"),
                escape(str(QUESTION_KINDS.get(q.kind, q.kind))),
                escape(url),
                escape(short_date(q.row_meeting_date)),
                raised,
                escape(truncatewords(q.question, 40) or "Appended to the minutes (not published here)."),
                _written_response(q, today),
            )
        )
    return SafeString("".join(html))
