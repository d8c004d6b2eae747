"""The accessibility gate: every page in pages.PAGES passes axe-core (WCAG 2.2 AA) and the Nu Html Checker.

One test visits them all (the demo committee loads once and Java starts once); the failure message lists
every axe violation (rule, selectors, help URL) and every HTML error, page by page.
"""

from tests.browser.helpers import axe_violations, format_axe, format_vnu, sign_in, vnu_errors
from tests.browser.pages import PAGES


def test_every_page_passes_axe_and_the_html_checker(demo, live_server, browser, make_user, tmp_path):
    # given: the demo committee, and one browser profile per role the pages need
    contexts = {}

    def page_for(role):
        if role not in contexts:
            ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
            if role:
                sign_in(ctx, live_server, make_user(role))
            contexts[role] = ctx.new_page()
        return contexts[role]

    problems, html_files = [], []
    try:
        for spec in PAGES:
            # when: the page loads in Chromium
            page = page_for(spec.role)
            url = spec.url()
            response = page.goto(url)
            assert response.status == 200, f"{spec.name}: GET {url} answered {response.status}"
            # The server's own HTML (not the browser's re-serialised DOM) is what the HTML checker sees.
            html_file = tmp_path / f"{spec.name}.html"
            html_file.write_bytes(response.body())
            html_files.append(html_file)
            # then: axe finds nothing
            violations = axe_violations(page)
            if violations:
                problems.append(format_axe(spec.name, url, violations))
    finally:
        for page in contexts.values():
            page.context.close()

    # then: and the Nu Html Checker finds no errors, in one JVM for all pages
    errors = vnu_errors(html_files)
    if errors:
        problems.append(format_vnu(errors))
    assert not problems, "\n\n".join(problems)
