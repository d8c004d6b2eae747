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


def test_screenshot_the_clerks_guide(demo, live_server, browser, make_user):
    """The pages README's "Running a meeting" shows (var/screenshots/guide-*.png; copied into docs/guide/)."""
    import datetime

    from committee.models import Committee
    from meetings.models import Meeting

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    committee = Committee.objects.get(slug="children-and-young-people-scrutiny-committee")
    clerk = make_user("Clerk", username="guide-clerk")
    committee.supporting_officers.add(clerk)
    january = Meeting.objects.get(committee=committee, date=datetime.date(2026, 1, 7))
    minute = Meeting.objects.get(committee=committee, date=datetime.date(2025, 11, 13)).minute_items.order_by("number").first()
    shots = {
        "guide-1-schedule": f"/admin/committee/committee/{committee.pk}/step/schedule/",
        "guide-2-meeting": f"/admin/meetings/meeting/{january.pk}/change/",
        "guide-3-roll-call": f"/admin/meetings/meeting/{january.pk}/roll-call/",
        "guide-4-minute": f"/admin/meetings/minuteitem/{minute.pk}/change/",
        "guide-5-publish": f"/admin/meetings/meeting/{january.pk}/pack/publish/",
    }
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        sign_in(ctx, live_server, clerk)
        page = ctx.new_page()
        for name, url in shots.items():
            response = page.goto(url)
            assert response.status == 200, f"{name}: {response.status}"
            page.screenshot(path=SCREENSHOT_DIR / f"{name}.png")
    finally:
        ctx.close()
