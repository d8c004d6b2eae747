"""Small helpers for the complaints templates."""

from django import template

register = template.Library()


@register.filter
def bar_end(bar, chart):
    """Where a bar's value label goes: just past the end of the bar."""
    return f"{chart.LABEL_WIDTH + bar.width + 6:.1f}"
