"""Every improvement page passes axe-core (WCAG 2.2 AA) and the Nu Html Checker, with no script or CSP errors.

The same check as tests/browser/test_accessibility.py, run here over this app's pages with the demo plans loaded
(the project-wide gate lists them too once tests/browser/pages.py has them).
"""

import datetime

from django.core.management import call_command

from improvement.models import ImprovementAction, Rag
from tests.browser.conftest import _roles_survive_the_flush, browser  # noqa: F401  (fixtures)
from tests.browser.helpers import DESKTOP, axe_violations, format_axe, format_vnu, vnu_errors
from tests.browser.pages import Page
from tests.improvement.factories import update
from tests.improvement.pages import improvement_pages

ILACS = "childrens-services-improvement-plan"


def test_improvement_pages_pass_axe_and_the_html_checker(demo, live_server, browser, tmp_path):  # noqa: F811
    # given: the demo plans, and one action with a RAG history so the timeline has colours to draw
    call_command("load_improvement_demo", verbosity=0)
    action = ImprovementAction.objects.get(plan__slug=ILACS, reference="1.2c")
    for day, rag in [(datetime.date(2026, 3, 4), Rag.AMBER), (datetime.date(2026, 6, 1), Rag.GREEN), (datetime.date(2026, 9, 1), Rag.BLUE)]:
        update(action, day, rag, f"{rag.label} on {day}")
    ctx = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    page = ctx.new_page()
    errors, problems, html_files = [], [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.location.get("url", "") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        for spec in improvement_pages(Page):
            # when: each page loads in Chromium
            name, url = spec.name, spec.url()
            response = page.goto(url)
            assert response.status == 200, f"{name}: GET {url} answered {response.status}"
            html_file = tmp_path / f"{name}.html"
            html_file.write_bytes(response.body())
            html_files.append(html_file)
            # then: axe finds nothing
            violations = axe_violations(page)
            if violations:
                problems.append(format_axe(name, url, violations))
    finally:
        ctx.close()
    problems.extend(errors)
    # and the Nu Html Checker finds no errors
    vnu = vnu_errors(html_files)
    if vnu:
        problems.append(format_vnu(vnu))
    assert not problems, "\n\n".join(problems)
