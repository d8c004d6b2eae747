"""Reflow on phones (WCAG 2.2 AA, 1.4.10): at 320 CSS px no page in pages.PAGES scrolls sideways as a whole.

A wide data table may scroll sideways inside its own `.app-table-scroll` region instead; a keyboard user must be
able to reach that region (tabindex="0") and a screen reader user must hear what it holds (an accessible name).
One test visits every page (the demo loads once) and the failure message names each page that overflows, with
the outermost elements that stick out past the right edge, and each scroll region that cannot be focused or
has no name.
"""

from tests.browser.helpers import sign_in
from tests.browser.pages import PAGES

# 320 CSS px is WCAG's reflow width (1280 px at 400% zoom); the height does not matter for sideways scrolling.
PHONE = {"width": 320, "height": 640}
ROUNDING = 1  # px: sub-pixel layout may round the scroll width up by one

# How far the page scrolls sideways, and the outermost elements that reach past the viewport's right edge.
# An element inside a box that clips or scrolls its overflow (such as .app-table-scroll) does not count:
# it cannot widen the page, and if the box itself sticks out the box is reported.
OVERFLOW = """(rounding) => {
  const limit = window.innerWidth + rounding;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const clips = (el) => getComputedStyle(el).overflowX !== 'visible';
  const sticksOut = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > limit; };
  const culprits = [];
  const walk = (el) => {
    for (const child of el.children) {
      if (sticksOut(child)) {
        const r = child.getBoundingClientRect();
        culprits.push(`${describe(child)} (right edge at ${Math.round(r.right)}px, ${Math.round(r.width)}px wide)`
          + ` ${JSON.stringify((child.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50))}`);
      } else if (!clips(child)) {
        walk(child);
      }
    }
  };
  walk(document.body);
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, culprits: culprits.slice(0, 8)};
}"""

# Each sideways-scrolling table region: can it take keyboard focus, and what is its accessible name?
# The name follows the ARIA order that matters here: aria-labelledby (the referenced elements' text), then aria-label.
SCROLL_REGIONS = """() => Array.from(document.querySelectorAll('.app-table-scroll'), (el, i) => {
  const labelledBy = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
    .map((id) => document.getElementById(id)).filter(Boolean).map((ref) => ref.textContent.trim()).join(' ');
  return {
    index: i + 1,
    table: (el.querySelector('table') || {}).id || '',
    tabindex: el.getAttribute('tabindex'),
    role: el.getAttribute('role'),
    name: (labelledBy || (el.getAttribute('aria-label') || '')).trim().replace(/\\s+/g, ' '),
  };
})"""


def test_no_page_scrolls_sideways_at_320_px_and_table_regions_are_usable(demo, live_server, browser, make_user):
    # given: the demo committee, and one phone-sized browser profile per role the pages need
    contexts = {}

    def page_for(role):
        if role not in contexts:
            ctx = browser.new_context(base_url=live_server.url, viewport=PHONE)
            if role:
                sign_in(ctx, live_server, make_user(role))
            contexts[role] = ctx.new_page()
        return contexts[role]

    problems, regions_seen = [], 0
    try:
        for spec in PAGES:
            # when: the page loads at 320 CSS px wide
            page, url = page_for(spec.role), spec.url()
            response = page.goto(url)
            assert response.status == 200, f"{spec.name}: GET {url} answered {response.status}"

            # then: the page as a whole is no wider than the viewport
            overflow = page.evaluate(OVERFLOW, ROUNDING)
            if overflow["scrollWidth"] > overflow["innerWidth"] + ROUNDING:
                problems.append(
                    f"{spec.name} ({url}): scrolls sideways, {overflow['scrollWidth']}px wide in a {overflow['innerWidth']}px viewport;"
                    " sticking out:\n" + "\n".join(f"    - {c}" for c in overflow["culprits"] or ["(no single element found)"])
                )

            # and: every table scroll region is in the tab order, is a region and has a name
            for region in page.evaluate(SCROLL_REGIONS):
                regions_seen += 1
                where = f"{spec.name}: table scroll region {region['index']}" + (f" (table#{region['table']})" if region["table"] else "")
                if region["tabindex"] != "0":
                    problems.append(f"{where} is not keyboard-focusable: tabindex={region['tabindex']!r}, expected '0'")
                if region["role"] != "region":
                    problems.append(f"{where} has role={region['role']!r}, expected 'region'")
                if not region["name"]:
                    problems.append(f"{where} has no accessible name (aria-label or aria-labelledby)")
    finally:
        for page in contexts.values():
            page.context.close()

    assert not problems, f"{len(problems)} reflow problem(s) at {PHONE['width']}px:\n" + "\n".join(problems)
    assert regions_seen, "no .app-table-scroll region on any page: the region checks above checked nothing"
