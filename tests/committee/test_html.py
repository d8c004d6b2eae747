"""committee.html formats exactly as django.utils.html does, for every kind of value the tags pass it."""

import datetime

from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from committee import html

VALUES = st.one_of(
    st.text(),
    st.integers(),
    st.none(),
    st.booleans(),
    st.dates(),
    st.text().map(mark_safe),
)


@given(st.lists(VALUES, min_size=1, max_size=4))
def test_format_html_is_djangos(values):
    template = " ".join("<b title='{}'>{}</b>" for _ in values)
    args = [v for value in values for v in (value, value)]
    ours, theirs = html.format_html(template, *args), django_html.format_html(template, *args)
    assert ours == theirs
    assert isinstance(ours, SafeString)


@given(st.lists(st.tuples(VALUES, VALUES), max_size=5))
def test_format_html_join_is_djangos(rows):
    assert html.format_html_join("\n", "<td>{}</td><td>{}</td>", rows) == django_html.format_html_join("\n", "<td>{}</td><td>{}</td>", rows)


def test_lazy_strings_and_dates():
    assert html.esc(gettext_lazy("<Open>")) == django_html.conditional_escape(gettext_lazy("<Open>"))
    assert html.esc(datetime.date(2025, 9, 16)) == "2025-09-16"
    assert html.esc('"quoted" & <tag>') == "&quot;quoted&quot; &amp; &lt;tag&gt;"
