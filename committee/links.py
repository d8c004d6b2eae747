"""`record_url("meetings:detail", pk=…)`: a record's address without resolving its URL pattern for every row.

Lists print hundreds of links to meetings, people and actions; Django's `reverse()` matches the pattern each time (a
tenth of a millisecond a row on a busy server). Here each name is reversed once per URL configuration and script
prefix, with a placeholder standing for each argument, and the address is then filled in by string formatting. Only
integers and slugs are filled in this way (they need no quoting and every converter used for them accepts them); any
other value goes through `reverse()` as before.
"""

import re

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_PLACEHOLDER = "8" * 17  # digits: a valid int and slug, and no real primary key or slug is this
_patterns: dict[tuple, tuple[str, ...] | None] = {}


def _pattern(name: str, keys: tuple[str, ...]):
    """The reversed address split around each argument's placeholder, in `keys` order (None: not splittable)."""
    cache_key = (name, keys, get_urlconf(), get_script_prefix())
    if cache_key not in _patterns:
        markers = {key: f"{_PLACEHOLDER}{i}" for i, key in enumerate(keys)}
        try:
            rest = reverse(name, kwargs=markers)
        except NoReverseMatch:  # a converter that takes no such value: reversed each time (and so checked) instead
            _patterns[cache_key] = None
            return None
        parts = []
        for key in keys:
            before, found, rest = rest.partition(markers[key])
            if not found:
                parts = None
                break
            parts.append(before)
        _patterns[cache_key] = (*parts, rest) if parts is not None else None
    return _patterns[cache_key]


def _filled_in(value) -> str | None:
    """The text that stands for `value` in an address: a non-negative integer or a slug; None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and _SLUG.fullmatch(value):
        return value
    return None


def record_url(name: str, **kwargs) -> str:
    """`reverse(name, kwargs=kwargs)`, for kwargs that are non-negative integers or slugs, at the cost of a format."""
    values = []
    for value in kwargs.values():
        text = _filled_in(value)
        if text is None:
            return reverse(name, kwargs=kwargs)
        values.append(text)
    parts = _pattern(name, tuple(kwargs))
    if parts is None:
        return reverse(name, kwargs=kwargs)
    out = [parts[0]]
    for value, part in zip(values, parts[1:], strict=True):
        out += [value, part]
    return "".join(out)


def record_urls(name: str, key: str):
    """`record_url(name, **{key: value})` as a function of `value`, for the rows of a list (the tracker's 200 owners,
    the work list's complaints): the pattern is looked up once for the list, and each row costs a format."""
    parts = _pattern(name, (key,))
    if parts is None:
        return lambda value: reverse(name, kwargs={key: value})
    before, after = parts

    def url(value) -> str:
        text = _filled_in(value)
        return f"{before}{text}{after}" if text is not None else reverse(name, kwargs={key: value})

    return url
