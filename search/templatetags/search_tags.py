"""The search page's results, written in one pass: twenty results through the template language's lookups (title or
its highlighted form, kind, committee, date, snippet) were a fifth of a first search's time. Same HTML as the loop."""

from django import template
from django.utils.safestring import SafeString

from committee.html import esc
from committee.templatetags.council_tags import short_date

register = template.Library()

_RESTRICTED = '<strong class="govuk-tag govuk-tag--red">Not public: members and officers only</strong>'


@register.simple_tag
def search_results(results):
    """The <li> of each result (entries from search.views, with title_html and snippet_html where words were asked)."""
    out = []
    for result in results:
        title = getattr(result, "title_html", None) or result.title
        committee, date = result.committee, result.date
        where = esc(committee.name) if committee else ""
        if committee and date:
            where += ", "
        if date:
            where += esc(short_date(date))
        snippet = getattr(result, "snippet_html", None)
        snippet = f'<p class="govuk-body govuk-!-margin-bottom-0">{esc(snippet)}</p>' if snippet else ""
        out.append(
            '\n      <li class="govuk-!-margin-bottom-6">\n        <h3 class="govuk-heading-s govuk-!-margin-bottom-1">'
            f'<a class="govuk-link" href="{esc(result.url)}">{esc(title)}</a></h3>\n'
            '        <p class="govuk-body-s govuk-!-margin-bottom-1">\n'
            f'          <strong class="govuk-tag govuk-tag--grey">{esc(result.kind_label)}</strong>\n'
            f"          {where}\n"
            f"          {_RESTRICTED if result.is_restricted else ''}\n"
            "        </p>\n"
            f"        {snippet}\n"
            "      </li>\n    "
        )
    return SafeString("".join(out))
