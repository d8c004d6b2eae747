"""Formatting the council's way: "Tuesday, 16 September 2025", "7.00 pm"."""

from urllib.parse import urlencode

from django import forms, template
from django.utils.safestring import mark_safe

from committee.html import esc as conditional_escape
from committee.html import format_html, format_html_join
from committee.links import record_url

register = template.Library()


@register.filter
def uk_time(value):
    """A time as the summons prints it: 7.00 pm, 9.40 pm, 12.00 noon."""
    if not value:
        return ""
    if value.hour == 12 and value.minute == 0:
        return "12.00 noon"
    hour = value.hour % 12 or 12
    return f"{hour}.{value.minute:02d} {'am' if value.hour < 12 else 'pm'}"


@register.filter
def uk_date(value):
    """A date as the summons prints it: Tuesday, 16 September 2025."""
    if not value:
        return ""
    return f"{value:%A}, {value.day} {value:%B %Y}"


@register.filter
def short_date(value):
    """16 September 2025."""
    if not value:
        return ""
    return f"{value.day} {value:%B %Y}"


@register.simple_tag(takes_context=True)
def page_url(context, page_number):
    """The current list URL with its filters kept and the page changed."""
    query = context.get("query_string", "")
    params = f"{query}&" if query else ""
    return f"?{params}{urlencode({'page': page_number})}"


@register.simple_tag
def select_options(field):
    """The <option>s of a bound select field, the chosen one selected: one loop, and for a model choice one plain query
    (Django's choice iterator counts the rows and then opens a server-side cursor for them)."""
    form_field = field.field
    if isinstance(form_field, forms.ModelChoiceField):
        choices = [("", form_field.empty_label)] if form_field.empty_label is not None else []
        # A field may give its options as (value, label) rows read without a model object each (option_rows: the
        # tracker's hundreds of owners, meetings.filters.PersonChoiceField).
        rows = getattr(form_field, "option_rows", None)
        if rows is not None:
            choices += rows()
        else:
            choices += [(form_field.prepare_value(obj), form_field.label_from_instance(obj)) for obj in form_field.queryset]
    else:
        choices = form_field.choices
    chosen = field.value()
    chosen = "" if chosen is None else str(chosen)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if str(value) == chosen else "", label) for value, label in choices),
    )


@register.simple_tag
def person_link(person, label=None):
    """A link to the person's page, or their name alone for those with no page (members of the public)."""
    if person is None:  # an attendee recorded only in a capacity has no person, and no page
        return conditional_escape(label or "")
    text = label if label is not None else str(person)
    if not person.has_page:
        return conditional_escape(text)
    return format_html('<a class="govuk-link" href="{}">{}</a>', person.get_absolute_url(), text)


@register.simple_tag(takes_context=True)
def webcal_url(context, path):
    """The `webcal:` address of a calendar feed, so a click subscribes (it stays up to date) instead of downloading."""
    request = context.get("request")
    host = request.get_host() if request is not None else ""
    return f"webcal://{host}{path}"


@register.filter
def provenance_label(value):
    """The mark's words ("Illustrative", "Rebuilt from the minutes") for a committee.provenance.Provenance value."""
    from committee.provenance import Provenance

    try:
        return Provenance(value).label
    except ValueError:
        return ""


@register.filter
def provenance_explanation(value):
    from committee.provenance import EXPLANATIONS, Provenance

    try:
        return EXPLANATIONS.get(Provenance(value), "")
    except ValueError:
        return ""


@register.filter
def or_not_recorded(value):
    """A value, or "Not recorded" where the record does not give one (never a blank, never an invented default)."""
    from committee.provenance import NOT_RECORDED

    return NOT_RECORDED if value is None or value == "" else value


# Marks and labels printed once per row of long lists: Python here rather than an {% include %} per row (an include
# builds a new context each time). The include files call these, so each is written once.
@register.simple_tag
def provenance_mark(provenance):
    """The mark beside a value that is not the council's record (nothing for a recorded one)."""
    if not provenance or provenance == "recorded":
        return ""
    return format_html(
        ' <strong class="govuk-tag govuk-tag--purple app-provenance" title="{}">{}</strong>',
        provenance_explanation(provenance),
        provenance_label(provenance),
    )


@register.simple_tag
def action_status(action):
    """An action's status tag, as the tracker and the minutes print it."""
    if action.status == "done":
        done = f" {short_date(action.completed_date)}" if action.completed_date else ""
        return format_html('<strong class="govuk-tag govuk-tag--green">Done{}</strong>', done)
    if action.status == "cancelled":
        return mark_safe('<strong class="govuk-tag govuk-tag--grey">Cancelled</strong>')
    if getattr(action, "is_overdue", False):
        return mark_safe('<strong class="govuk-tag govuk-tag--red">Overdue</strong>')
    if action.status == "in_progress":
        return mark_safe('<strong class="govuk-tag govuk-tag--blue">In progress</strong>')
    return mark_safe('<strong class="govuk-tag govuk-tag--yellow">Open</strong>')


@register.simple_tag
def attendee(a, full=False, with_capacity=False):
    """One name in the minutes' attendance lists: the person (linked where they have a page), or, where the minutes
    name no one, the capacity alone; with the mark where the role is not the council's. `full` uses the display name,
    `with_capacity` adds ", capacity"."""
    if a.person:
        html = person_link(a.person, a.person.display_name) if full else person_link(a.person)
        if with_capacity and a.capacity:
            html = format_html("{}, {}", html, a.capacity)
    else:
        html = format_html('{} <span class="govuk-body-s">(named in the minutes only by capacity)</span>', a.capacity)
    if a.role_provenance != "recorded":
        html = format_html("{}{}", html, provenance_mark(a.role_provenance))
    return html


@register.simple_tag
def commitment_status(action):
    """A commitment's status on the follow-through record: provided (at which item), done, cancelled, not yet provided
    (flagged), overdue or due."""
    item = action.provided_by_item
    if item:
        return format_html(
            '<strong class="govuk-tag govuk-tag--green">Provided</strong> <a class="govuk-link" href="{}#item-{}">item {}</a>',
            item.meeting.get_absolute_url(),
            item.number,
            item.number,
        )
    if action.status in ("done", "cancelled"):
        return action_status(action)
    if action.flagged_at:
        return mark_safe('<strong class="govuk-tag govuk-tag--red">Not yet provided</strong>')
    if getattr(action, "is_overdue", False):
        return mark_safe('<strong class="govuk-tag govuk-tag--red">Overdue</strong>')
    return mark_safe('<strong class="govuk-tag govuk-tag--yellow">Due</strong>')


@register.simple_tag(name="record_url")
def record_url_tag(name, **kwargs):
    """`{% url %}` for names with integer or slug arguments (or none), reversed once (committee.links.record_url): the
    header's menu prints a dozen on every page, kept or not."""
    return record_url(name, **kwargs)
