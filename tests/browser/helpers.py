"""What the browser tests share: signing a browser in, running axe-core and the Nu Html Checker."""

import json
import os
import subprocess
from pathlib import Path

from django.conf import settings
from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # Debian's chromium (make browser-deps); never downloaded
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"
NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_URL = "/__browser-tests__/axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: what UK public-sector bodies must meet.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def sign_in(context, live_server, user) -> None:
    """Give a browser context `user`'s session, for pages behind a login that the test is not about."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it stands and return its violations (rule, impact, help URL, nodes)."""
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} is missing: run `npm ci` (make assets does).")
    # The site's CSP allows scripts from its own origin only, so serve axe from a same-origin URL that the
    # browser never really fetches (Playwright answers it) rather than weakening the CSP with bypass_csp.
    page.route(f"**{AXE_URL}", lambda route: route.fulfill(path=AXE_JS, content_type="text/javascript"))
    try:
        page.add_script_tag(url=AXE_URL)
    finally:
        page.unroute(f"**{AXE_URL}")
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return results["violations"]


def format_axe(name: str, url: str, violations: list[dict]) -> str:
    """One block per violation: rule id, impact, what to fix, every failing element's selector."""
    lines = [f"{name} ({url}): {len(violations)} axe violation(s)"]
    for v in violations:
        lines.append(f"  [{v['id']}] ({v['impact']}) {v['help']}\n    {v['helpUrl']}")
        for node in v["nodes"]:
            summary = (node.get("failureSummary") or "").strip().splitlines()
            lines.append(f"    - {' '.join(map(str, node['target']))}" + (f": {summary[-1].strip()}" if summary else ""))
    return "\n".join(lines)


def vnu_errors(files: list[Path]) -> list[dict]:
    """Check HTML files with the Nu Html Checker in one JVM; return its errors (warnings and info are allowed)."""
    if not VNU_JAR.exists():
        raise FileNotFoundError(f"{VNU_JAR} is missing: run `npm ci` (make assets does).")
    completed = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(completed.stdout)["messages"]
    return [m for m in messages if m["type"] in ("error", "non-document-error")]


def format_vnu(errors: list[dict]) -> str:
    lines = [f"{len(errors)} HTML error(s) from the Nu Html Checker:"]
    for e in errors:
        where = Path(e.get("url", "")).name
        lines.append(f"  {where}:{e.get('lastLine', '?')}:{e.get('firstColumn', '?')} {e['message']}")
        if e.get("extract"):
            lines.append(f"    …{e['extract'].strip()}…")
    return "\n".join(lines)
