"""RAG labels, measure values and the inline-SVG charts for improvement pages."""

import datetime

from django import template
from django.utils.safestring import SafeString

from committee.html import format_html, format_html_join
from committee.links import record_url
from improvement import charts
from improvement.models import NOT_RATED, RAG_STYLE, Rag

register = template.Library()


@register.simple_tag
def rag_tag(code):
    """A RAG rating as a GOV.UK tag with its name in words (never colour alone); "Not rated" when blank."""
    if not code:
        return format_html('<span class="govuk-body-s">{}</span>', NOT_RATED)
    return format_html('<strong class="{}">{}</strong>', RAG_STYLE[code]["tag"], Rag(code).label)


@register.filter
def rag_label(code):
    """Blue, Green … or Not rated."""
    return Rag(code).label if code else NOT_RATED


@register.filter
def measure_value(value, measure):
    """A value in its measure's unit: 97.0%, 26,427, 18.5 weeks."""
    return measure.format_value(value)


@register.filter
def measure_rag(value, measure):
    """The computed RAG code of a value against the measure's thresholds."""
    return measure.rag_for(value)


@register.filter
def month_year(value):
    """November 2025."""
    return f"{value:%B %Y}" if value else ""


@register.filter
def iso_date(value):
    """A date from a snapshot (ISO text) back to a date."""
    return datetime.date.fromisoformat(value) if value else None


# Stacked bars; the table beside the chart carries the same numbers. role="img" with <title> and <desc> is the text
# alternative. Drawn in one pass (a template loop cost a lookup per attribute of every segment).
RAG_BARS_OPEN = (
    '\n<svg role="img" aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" width="100%" '
    'preserveAspectRatio="xMinYMin meet" font-family="arial, sans-serif" font-size="15">\n'
    '  <title id="{0}-title">{3}</title>\n'
    '  <desc id="{0}-desc">{4}</desc>\n  '
)
RAG_BARS_TICK = (
    '<line x1="{0}" x2="{0}" y1="0" y2="{1}" stroke="#b1b4b6" stroke-width="1"/>'
    '<text x="{0}" y="{2}" text-anchor="middle" fill="#0b0c0c">{3}</text>'
)
RAG_BARS_BAR = (
    '\n    <text x="0" y="{0}" fill="#0b0c0c" font-weight="bold">{1}</text>\n    {2}\n'
    '    <text x="{3}" y="{0}" fill="#0b0c0c">{4}</text>\n  '
)
RAG_BARS_SEGMENT = '<rect x="{0}" y="{1}" width="{2}" height="{3}" fill="{4}" stroke="#0b0c0c" stroke-width="1"/>'
RAG_BARS_SEGMENT_N = '<text x="{0}" y="{1}" text-anchor="middle" fill="{2}">{3}</text>'
RAG_BARS_CLOSE = '\n  <line x1="{0}" x2="{0}" y1="0" y2="{1}" stroke="#0b0c0c" stroke-width="1"/>\n</svg>\n'


@register.simple_tag
def rag_bar_chart(rows, scale_codes, title, chart_id="rag-bars"):
    """Stacked bars of RAG counts per priority (see improvement.charts.rag_bars); chart_id must be unique on the page."""
    chart = charts.rag_bars(rows, scale_codes)
    out = [format_html(RAG_BARS_OPEN, chart_id, chart["width"], chart["height"], title, chart["summary"])]
    out += [format_html(RAG_BARS_TICK, t["x"], chart["plot_bottom"], t["label_y"], t["label"]) for t in chart["ticks"]]
    out.append("\n  ")
    for bar in chart["bars"]:
        segments = []
        for seg in bar["segments"]:
            segments.append(format_html(RAG_BARS_SEGMENT, seg["x"], bar["y"], seg["width"], chart["bar_height"], seg["fill"]))
            if seg["show_n"]:
                segments.append(format_html(RAG_BARS_SEGMENT_N, seg["text_x"], bar["text_y"], seg["text"], seg["n"]))
        out.append(format_html(RAG_BARS_BAR, bar["text_y"], bar["label"], SafeString("".join(segments)), bar["total_x"], bar["total"]))
    out.append(format_html(RAG_BARS_CLOSE, chart["plot_left"], chart["plot_bottom"]))
    return SafeString("".join(out))


# A measure over time; the data table follows the chart. Series differ by dash and marker as well as colour. Drawn in
# one pass (a template loop cost a lookup per attribute of every marker).
TIMESERIES_OPEN = (
    '\n<svg role="img" aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" width="100%" '
    'preserveAspectRatio="xMinYMin meet" font-family="arial, sans-serif" font-size="13">\n'
    '  <title id="{0}-title">{3}</title>\n'
    '  <desc id="{0}-desc">{4}</desc>\n  '
)
TIMESERIES_Y_TICK = (
    '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="#b1b4b6" stroke-width="1"/>'
    '<text x="{3}" y="{2}" dy="4" text-anchor="end" fill="#0b0c0c">{4}</text>'
)
TIMESERIES_X_LABEL = '<text x="{0}" y="{1}" text-anchor="{2}" fill="#0b0c0c">{3}</text>'
TIMESERIES_AXIS = '\n  <line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="#0b0c0c" stroke-width="1"/>\n  '
TIMESERIES_TARGET = (
    '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="2" stroke-dasharray="12 6"/>'
    '<text x="{1}" y="{2}" dy="-6" text-anchor="end" fill="{3}" font-weight="bold">{4}</text>'
)
TIMESERIES_LINE = '\n    <polyline points="{0}" fill="none" stroke="{1}" stroke-width="{2}"{3}/>\n    '
TIMESERIES_MARKER = '<path d="{0}" fill="{1}" stroke="{2}" stroke-width="2"/>'
TIMESERIES_KEY_OPEN = '\n</svg>\n<ul class="govuk-list govuk-body-s" aria-label="Key to the chart">\n  '
TIMESERIES_KEY_SERIES = (
    '<li><svg aria-hidden="true" focusable="false" width="40" height="16" viewBox="0 0 40 16">'
    '<line x1="0" x2="40" y1="8" y2="8" stroke="{0}" stroke-width="{1}"{2}/><path d="{3}" fill="{0}"/></svg> {4}</li>'
)
TIMESERIES_KEY_TARGET = (
    '<li><svg aria-hidden="true" focusable="false" width="40" height="16" viewBox="0 0 40 16">'
    '<line x1="0" x2="40" y1="8" y2="8" stroke="{0}" stroke-width="2" stroke-dasharray="12 6"/></svg> {1}</li>'
)
TIMESERIES_KEY_ILLUSTRATIVE = SafeString(
    '<li><svg aria-hidden="true" focusable="false" width="40" height="16" viewBox="0 0 40 16">'
    '<circle cx="20" cy="8" r="4.5" fill="#ffffff" stroke="#0b0c0c" stroke-width="2"/></svg> '
    "Hollow markers: illustrative values, not reported by the council</li>"
)


@register.simple_tag
def timeseries_chart(measure, measurements, title, chart_id="kpi"):
    """A measure over time with its target and comparators (see improvement.charts.timeseries)."""
    from django.template.defaultfilters import add  # the template's |add (numbers added, else text joined)

    chart = charts.timeseries(measure, measurements)
    left, right, bottom, target = chart["left"], chart["right"], chart["bottom"], chart["target"]
    out = [format_html(TIMESERIES_OPEN, chart_id, chart["width"], chart["height"], title, chart["summary"])]
    tick_x = add(left, "-6")
    out += [format_html(TIMESERIES_Y_TICK, left, right, t["y"], tick_x, t["label"]) for t in chart["y_ticks"]]
    out.append("\n  ")
    label_y = add(bottom, "20")
    out += [format_html(TIMESERIES_X_LABEL, label["x"], label_y, label["anchor"], label["label"]) for label in chart["x_labels"]]
    out.append(format_html(TIMESERIES_AXIS, left, right, bottom))
    if target:
        out.append(format_html(TIMESERIES_TARGET, left, right, target["y"], chart["target_colour"], target["label"]))
    out.append("\n  ")
    for series in chart["series"]:
        dash = format_html(' stroke-dasharray="{}"', series["dash"]) if series["dash"] else ""
        colour = series["colour"]
        out.append(format_html(TIMESERIES_LINE, series["polyline"], colour, series["width"], dash))
        out += [format_html(TIMESERIES_MARKER, m["d"], "#ffffff" if m["hollow"] else colour, colour) for m in series["markers"]]
        out.append("\n  ")
    out.append(TIMESERIES_KEY_OPEN)
    for series in chart["series"]:
        dash = format_html(' stroke-dasharray="{}"', series["dash"]) if series["dash"] else ""
        out.append(format_html(TIMESERIES_KEY_SERIES, series["colour"], series["width"], dash, series["marker_sample"], series["label"]))
    out.append("\n  ")
    if target:
        out.append(format_html(TIMESERIES_KEY_TARGET, chart["target_colour"], target["label"]))
    out.append("\n  ")
    if chart["has_illustrative"]:
        out.append(TIMESERIES_KEY_ILLUSTRATIVE)
    out.append("\n</ul>\n")
    return SafeString("".join(out))


@register.inclusion_tag("improvement/_chart_rag_timeline.html")
def rag_timeline_chart(updates, title, chart_id="rag-timeline"):
    """An action's RAG over time (see improvement.charts.rag_timeline)."""
    return {"chart": charts.rag_timeline(list(updates)), "title": title, "id": chart_id}


@register.filter
def get_count(counts, code):
    """counts[code], or 0: for RAG count tables."""
    return counts.get(code or "", 0)


@register.inclusion_tag("improvement/_meeting_plans.html")
def plans_presented_at(meeting):
    """The improvement plans on `meeting`'s agenda, with links to the frozen copy and to what changed since the last meeting."""
    from improvement.models import PlanPresentation

    return {"presentations": PlanPresentation.objects.with_meeting().filter(agenda_item__meeting=meeting).order_by("agenda_item__number")}


@register.inclusion_tag("improvement/_document_plans.html")
def plans_for_document(document):
    """On a paper's page: the structured plan(s) the paper prints or reports on (one query; nothing if none)."""
    from django.db.models import Count

    from improvement.models import ImprovementPlan

    plans = ImprovementPlan.objects.published().filter(papers=document).annotate(impact_measure_count=Count("impact_measures"))
    return {"document": document, "plans": list(plans.order_by("name"))}


@register.inclusion_tag("improvement/_plan_papers.html", takes_context=True)
def plan_papers(context, plan):
    """The papers that print `plan` or report on it, as far as the reader may see them (one query)."""
    from meetings.models import Document

    user = context["request"].user
    papers = (
        Document.objects.visible_to(user)
        .filter(improvement_plans=plan)
        .select_related("agenda_item", "agenda_item__meeting")
        .only("title", "kind", "agenda_item__number", "agenda_item__meeting__date")  # what the list prints
        .order_by("agenda_item__meeting__date", "agenda_item__number", "order", "pk")
    )
    return {"papers": list(papers)}


@register.inclusion_tag("improvement/_impact_register.html")
def impact_register(plan, priorities):
    """`plan`'s "How will we measure impact?" register grouped by area (one query); nothing if the plan has none.
    `priorities`: the plan's priorities, already read by the page (each line's priority is taken from them, not joined)."""
    from improvement.models import ImpactMeasure
    from improvement.models.plans import impact_register_areas

    by_pk = {p.pk: p for p in priorities}
    measures = list(ImpactMeasure.objects.filter(plan=plan).in_plan_order())
    for measure in measures:
        if measure.priority_id in by_pk:  # (a priority of another plan, never expected, is simply read when printed)
            measure.priority = by_pk[measure.priority_id]
    return {"areas": impact_register_areas(measures)}


@register.inclusion_tag("improvement/_priority_impact_register.html")
def priority_impact_register(priority):
    """The lines of the plan's impact register under the area that corresponds to `priority` (one query)."""
    from improvement.models import ImpactMeasure
    from improvement.models.plans import impact_register_areas

    return {"areas": impact_register_areas(ImpactMeasure.objects.filter(priority=priority).in_plan_order()), "priority": priority}


# What action_rows reads of each action: lists of them need load no other column.
ACTION_ROW_FIELDS = ("reference", "text", "accountable", "timescale", "current_rag", "due_by")

ACTION_ROW = (
    '<tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a> {}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    "    </tr>"
)


@register.simple_tag
def action_rows(actions, empty_text):
    """The rows of a short list of actions (dashboard): reference and words, accountable, timescale, RAG; in one pass
    rather than a template loop (the dashboard prints two such lists)."""
    from django.template.defaultfilters import truncatewords

    rows = [
        (
            action.get_absolute_url(),
            action.reference,
            truncatewords(action.text, 30),
            ", ".join(action.accountable_list),
            action.timescale or "Not given",
            rag_tag(action.current_rag),
        )
        for action in actions
    ]
    if not rows:
        return format_html('<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">{}</td></tr>', empty_text)
    return format_html_join("\n    ", ACTION_ROW, rows)


MEASURE_ROW = (
    '\n    <tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    "    </tr>\n  "
)
ILLUSTRATIVE_TAG = SafeString('<br><strong class="govuk-tag govuk-tag--purple">Illustrative</strong>')


def _measure_row(measure):
    latest = measure.latest_value
    if measure.target_value is not None:
        target = measure.format_value(measure.target_value)
        if measure.target_date:
            target += f" by {month_year(measure.target_date)}"
    else:
        target = measure.target_note or "None set"
    if latest is None:
        rag = ""
    else:
        code = measure.rag_for(latest)
        rag = rag_tag(code) if code else "No target"
    return (
        measure.get_absolute_url(),
        measure.name,
        measure.format_value(latest) or "None yet",
        ILLUSTRATIVE_TAG if measure.latest_illustrative else "",
        measure.latest_period_label or "",
        target,
        rag,
    )


@register.simple_tag
def measure_rows(measures):
    """The rows of a measures table (annotated by Measure.objects.with_latest()): name, latest value, period, target,
    RAG; in one pass rather than a template loop (the measures list prints 50)."""
    rows = [_measure_row(measure) for measure in measures]
    if not rows:
        return SafeString(
            '\n    <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="5">No measures recorded.</td></tr>\n  '
        )
    return format_html_join("", MEASURE_ROW, rows)


RAG_COUNT_ROW = (
    '\n        <tr class="govuk-table__row"><th scope="row" class="govuk-table__header"><a class="govuk-link" href="{}">{}</a>'
    '<span class="govuk-visually-hidden"> {}</span></th>{}<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td></tr>\n      '
)
COUNT_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'


@register.simple_tag
def rag_count_rows(plan, rows, scale):
    """The dashboard's table of RAG counts, one row per priority (views.rag_rows), in one pass."""
    codes = [s.code for s in scale]
    return format_html_join(
        "",
        RAG_COUNT_ROW,
        (
            (
                record_url("improvement:priority", slug=plan.slug, number=row["priority"].number),
                row["label"],
                row["priority"].title,
                SafeString("".join(COUNT_CELL.format(row["counts"].get(code, 0)) for code in codes)),
                row["counts"].get("", 0),
                row["total"],
            )
            for row in rows
        ),
    )


@register.simple_tag
def priority_links(plan, rows):
    """The dashboard's list of priorities, each linked to its page."""
    return format_html_join(
        "",
        '<li><a class="govuk-link" href="{}">{}: {}</a></li>',
        (
            (
                record_url("improvement:priority", slug=plan.slug, number=row["priority"].number),
                row["priority"].label,
                row["priority"].title,
            )
            for row in rows
        ),
    )


# What plan_action_rows reads of each action (with ImprovementActionQuerySet.with_flags() and the priority joined).
ACTION_LIST_FIELDS = (*ACTION_ROW_FIELDS, "priority__label")

ACTION_LIST_ROW = (
    '\n        <tr class="govuk-table__row">\n'
    '          <td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a> {}<br><span class="govuk-body-s">{}</span></td>\n'
    '          <td class="govuk-table__cell">{}</td>\n'
    '          <td class="govuk-table__cell">{}{}</td>\n'
    '          <td class="govuk-table__cell">{}</td>\n'
    "        </tr>\n      "
)
OVERDUE_TAG = SafeString('<br><strong class="govuk-tag govuk-tag--red">Overdue</strong>')
DUE_SOON_TAG = SafeString('<br><strong class="govuk-tag govuk-tag--yellow">Due soon</strong>')


@register.simple_tag
def plan_action_rows(actions):
    """The rows of a plan's action list (a page of up to 50): reference and words with the priority, accountable,
    timescale with any overdue or due-soon tag, RAG; in one pass rather than a template loop."""
    from django.template.defaultfilters import truncatewords

    rows = [
        (
            action.get_absolute_url(),
            action.reference,
            truncatewords(action.text, 30),
            action.priority.label,
            ", ".join(action.accountable_list),
            action.timescale or "Not given",
            OVERDUE_TAG if action.is_overdue else DUE_SOON_TAG if action.is_due_soon else "",
            rag_tag(action.current_rag),
        )
        for action in actions
    ]
    if not rows:
        return SafeString(
            '\n        <tr class="govuk-table__row">'
            '<td class="govuk-table__cell" colspan="4">No actions match these filters.</td></tr>\n      '
        )
    return format_html_join("", ACTION_LIST_ROW, rows)


NUMERIC_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
ILLUSTRATIVE_NOTE_TAG = SafeString('<strong class="govuk-tag govuk-tag--purple">Illustrative</strong> ')


@register.simple_tag
def measurement_rows(measure, rows, has_target, has_national, has_regional, has_neighbours):
    """The rows of a measure's data table, newest first (`rows`: [{"m": Measurement, "rag": code}]), with the
    comparator columns the page shows; in one pass rather than a template loop."""
    if not rows:
        return SafeString(
            '\n    <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">No values have been recorded yet.</td></tr>\n  '
        )
    fmt = measure.format_value
    out = []
    for row in rows:
        m = row["m"]
        cells = [
            format_html('\n    <tr class="govuk-table__row">\n      <th scope="row" class="govuk-table__header">{}</th>\n      ', m.label),
            format_html(NUMERIC_CELL, fmt(m.value)),
            "\n      ",
            format_html('<td class="govuk-table__cell">{}</td>', rag_tag(row["rag"])) if has_target else "",
            "\n      ",
            format_html(NUMERIC_CELL, fmt(m.national)) if has_national else "",
            "\n      ",
            format_html(NUMERIC_CELL, fmt(m.regional)) if has_regional else "",
            "\n      ",
            format_html(NUMERIC_CELL, fmt(m.statistical_neighbours)) if has_neighbours else "",
            "\n      ",
        ]
        source = format_html('{}<span class="govuk-body-s">{}</span>', SafeString("<br>" if m.note else ""), m.source) if m.source else ""
        cells.append(
            format_html(
                '<td class="govuk-table__cell">{}{}{}</td>\n    </tr>\n  ', ILLUSTRATIVE_NOTE_TAG if m.illustrative else "", m.note, source
            )
        )
        out.append("".join(cells))
    return SafeString("".join(out))
