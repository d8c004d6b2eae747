"""Small helpers for the complaints templates."""

from django import template
from django.utils.safestring import SafeString

from committee.dates import working_days_between
from committee.html import esc, format_html, format_html_join
from committee.links import record_urls
from committee.templatetags.council_tags import short_date
from complaints.models import Stage

register = template.Library()


@register.filter
def bar_end(bar, chart):
    """Where a bar's value label goes: just past the end of the bar."""
    return f"{chart.LABEL_WIDTH + bar.width + 6:.1f}"


# The work list's rows, written in one pass (complaints.views.WorkListView): the same HTML the template loop wrote,
# at a fraction of the cost of its lookups. Each row is a dict of the values the view selected, with its "teams".
_CELL = '\n          <td class="govuk-table__cell">'


def _complaint_cells(can_open_admin):
    """The first cell's writer: the reference, linked to the complaint in the admin for those who may open it."""
    if not can_open_admin:
        return lambda reference, complaint_id: format_html('<td class="govuk-table__cell">{}</td>', reference)
    # The admin's address for any complaint, reversed once: only the (integer) id differs from row to row.
    address = record_urls("admin:complaints_complaint_change", "object_id")
    link = '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>'
    return lambda reference, complaint_id: format_html(link, address(int(complaint_id)), reference)


def _working_days_overdue(dates, today):
    """{date: working_days_between(date, today)} for past dates, counted gap by gap from the latest back (the counts
    add up: each gap is a few days, where one count from a stage years overdue walks every bank holiday since)."""
    counts, total, later = {}, 0, today
    for day in sorted(set(dates), reverse=True):
        total += working_days_between(day, later)
        counts[day] = total
        later = day
    return counts


def _complainant_cell(row, key, show_personal_data):
    # The Complaints officer's column only; "Not recorded" where the complaint has no name (or no personal data row).
    if not show_personal_data:
        return ""
    return format_html('<td class="govuk-table__cell">{}</td>', row[key] or "Not recorded")


def _teams(names):
    return format_html_join(", ", "{}", ((name,) for name in names)) if names else "Not recorded"


def _plural(n):
    return "" if n == 1 else "s"


@register.simple_tag
def work_list_stage_rows(stages, today, show_personal_data, can_open_admin):
    """The stages table's rows (or its one "nothing due" row)."""
    if not stages:
        return format_html(
            '\n        <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{}">'
            "Nothing is overdue or due in the next 2 working days.</td></tr>\n      ",
            6 if show_personal_data else 5,
        )
    overdue = _working_days_overdue((row["due_date"] for row in stages if row["due_date"] < today), today)
    complaint_cell = _complaint_cells(can_open_admin)
    out = []
    for row in stages:
        due = row["due_date"]
        if due < today:
            overdue_by = overdue[due]
            if overdue_by:
                status = f'<strong class="govuk-tag govuk-tag--red">Overdue by {overdue_by} working day{_plural(overdue_by)}</strong>'
            else:
                status = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
        else:
            due_in = working_days_between(today, due)
            if due_in == 0:
                status = '<strong class="govuk-tag govuk-tag--orange">Due today</strong>'
            else:
                status = f'<strong class="govuk-tag govuk-tag--yellow">Due in {due_in} working day{_plural(due_in)}</strong>'
        label = Stage.due_label_for(row["number"], row["panel_date"], row["panel_report_date"]).lower()
        out.append(
            '\n        <tr class="govuk-table__row">\n          '
            + complaint_cell(row["complaint__reference"], row["complaint_id"])
            + "\n          "
            + _complainant_cell(row, "complaint__personal_data__complainant_name", show_personal_data)
            + _CELL
            + format_html(
                'Stage {}: {}<br><span class="govuk-body-s">opened {}</span></td>', row["number"], label, short_date(row["opened_date"])
            )
            + _CELL
            + _teams(row["teams"])
            + "</td>"
            + _CELL
            + esc(short_date(due))
            + ('<br><span class="govuk-body-s">extended</span>' if row["extended_to"] is not None else "")
            + "</td>"
            + _CELL
            + status
            + "</td>\n        </tr>\n      "
        )
    return SafeString("".join(out))


@register.simple_tag
def work_list_informal_rows(complaints, today, show_personal_data, can_open_admin):
    """The informal contacts table's rows (or its one "none due" row)."""
    if not complaints:
        return format_html(
            '\n        <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="{}">'
            "No informal contacts are due.</td></tr>\n      ",
            5 if show_personal_data else 4,
        )
    complaint_cell = _complaint_cells(can_open_admin)
    out = []
    for row in complaints:
        due = row["informal_contact_due"]
        out.append(
            '\n        <tr class="govuk-table__row">\n          '
            + complaint_cell(row["reference"], row["id"])
            + "\n          "
            + _complainant_cell(row, "personal_data__complainant_name", show_personal_data)
            + _CELL
            + esc(short_date(row["received_date"]))
            + "</td>"
            + _CELL
            + _teams(row["teams"])
            + "</td>"
            + _CELL
            + esc(short_date(due))
            + (' <strong class="govuk-tag govuk-tag--red">Overdue</strong>' if due < today else "")
            + "</td>\n        </tr>\n      "
        )
    return SafeString("".join(out))
