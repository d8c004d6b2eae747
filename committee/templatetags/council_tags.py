"""Formatting the council's way: "Tuesday, 16 September 2025", "7.00 pm"."""

from urllib.parse import urlencode

from django import template

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
