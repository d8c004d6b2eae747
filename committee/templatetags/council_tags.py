"""Formatting the council's way: "Tuesday, 16 September 2025", "7.00 pm"."""

from urllib.parse import urlencode

from django import forms, template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

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
