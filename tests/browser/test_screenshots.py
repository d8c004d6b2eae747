"""Screenshots of every page in pages.PAGES at desktop and phone widths, for people to look at.

Only with SCREENSHOTS=1 (`make screenshots`), so the ordinary test run stays fast. Files go to
var/screenshots/<name>-<width>.png (git-ignored).
"""

import os

import pytest

from tests.browser.helpers import SCREENSHOT_DIR, sign_in
from tests.browser.pages import PAGES

WIDTHS = {1280: 900, 375: 812}  # width: height of the first screenful

pytestmark = pytest.mark.skipif(os.environ.get("SCREENSHOTS") != "1", reason="screenshots only with SCREENSHOTS=1 (make screenshots)")


def test_screenshot_every_page_type_at_desktop_and_phone_widths(demo, live_server, browser, make_user):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    users = {}
    for width, height in WIDTHS.items():
        contexts = {}
        try:
            for spec in PAGES:
                if spec.role not in contexts:
                    ctx = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height})
                    if spec.role:
                        users.setdefault(spec.role, make_user(spec.role))
                        sign_in(ctx, live_server, users[spec.role])
                    contexts[spec.role] = ctx.new_page()
                page = contexts[spec.role]
                response = page.goto(spec.url())
                assert response.status == 200, f"{spec.name}: {response.status}"
                path = SCREENSHOT_DIR / f"{spec.name}-{width}.png"
                page.screenshot(path=path, full_page=True)
                assert path.stat().st_size > 0
        finally:
            for page in contexts.values():
                page.context.close()
