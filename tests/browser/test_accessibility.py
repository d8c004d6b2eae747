"""The accessibility gate: every page in pages.PAGES passes axe-core (WCAG 2.2 AA) and the Nu Html Checker.

One test visits them all (the demo committee loads once and Java starts once); the failure message lists
every axe violation (rule, selectors, help URL) and every HTML error, page by page. A page that logs a
JavaScript error or a Content-Security-Policy refusal fails too: its GOV.UK components would not work.
"""

from tests.browser.helpers import DESKTOP, axe_violations, format_axe, format_vnu, sign_in, vnu_errors
from tests.browser.pages import PAGES


def test_every_page_passes_axe_and_the_html_checker(demo, live_server, browser, make_user, tmp_path):
    # given: the demo committee, and one browser profile per role the pages need
    contexts, console_errors = {}, []
    current = {"name": ""}

    def on_console(message):
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            console_errors.append(f"{current['name']}: console error: {message.text}")

    def page_for(role):
        if role not in contexts:
            ctx = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
            if role:
                sign_in(ctx, live_server, make_user(role))
            page = ctx.new_page()
            page.on("console", on_console)
            page.on("pageerror", lambda error: console_errors.append(f"{current['name']}: uncaught {error}"))
            contexts[role] = page
        return contexts[role]

    problems, html_files = [], []
    try:
        for spec in PAGES:
            # when: the page loads in Chromium
            page = page_for(spec.role)
            current["name"], url = spec.name, spec.url()
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

    # then: no page logged a script error or a CSP refusal
    problems.extend(console_errors)
    # and: the Nu Html Checker finds no errors, in one JVM for all pages
    errors = vnu_errors(html_files)
    if errors:
        problems.append(format_vnu(errors))
    assert not problems, "\n\n".join(problems)


BAD_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main><img src="x.png"><a href="/"></a></main></body></html>'
)


def test_the_gate_sees_violations_and_reports_rule_target_and_help(browser):
    # given: a page served with a CSP like the site's, holding an image without alt text and an empty link
    page = browser.new_page()
    page.route(
        "http://gate.test/",
        lambda route: route.fulfill(body=BAD_PAGE, content_type="text/html", headers={"Content-Security-Policy": "script-src 'self'"}),
    )
    page.goto("http://gate.test/")
    try:
        # when: axe runs
        violations = axe_violations(page)
    finally:
        page.close()
    # then: both are caught, and the report names the rule, the element and where to read more
    assert {"image-alt", "link-name"} <= {v["id"] for v in violations}
    report = format_axe("bad", "http://gate.test/", violations)
    assert "[image-alt]" in report
    assert "- img" in report
    assert "https://dequeuniversity.com/rules/axe/" in report
