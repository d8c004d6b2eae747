"""Keyboard use of the meeting page: the skip link comes first, and focus can always be seen (WCAG 2.4.1, 2.4.7)."""

import datetime

from playwright.sync_api import expect

from meetings.models import Meeting

# What the focused element looks like: a focus indicator is a visible outline or a box-shadow.
FOCUSED = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !/rgba\\(.*, 0\\)$|transparent/.test(s.outlineColor);
  const shadow = !!s.boxShadow && s.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  return {
    element: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : ''),
    text: (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 60),
    indicator: outline || shadow,
    onScreen: box.width > 0 && box.height > 0,
    inMain: !!el.closest('main'),
  };
}"""


def test_tab_reaches_the_skip_link_first_and_focus_is_always_visible(demo, page):
    # given: the 10 July 2025 meeting page, freshly loaded
    page.goto(Meeting.objects.get(date=datetime.date(2025, 7, 10)).get_absolute_url())

    # when: the keyboard user presses Tab once
    page.keyboard.press("Tab")

    # then: the skip link has focus, is on screen and shows a focus indicator
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    focused = page.evaluate(FOCUSED)
    assert focused["indicator"], f"the skip link has no visible focus style: {focused}"
    assert focused["onScreen"], "the focused skip link is not on screen"

    # when: they follow it
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()

    # then: tabbing on through the main content, every stop shows where focus is
    stops = []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["inMain"]:
            break
        stops.append(focused)
    assert len(stops) > 20, f"expected to tab through the meeting's links, reached only {len(stops)}"
    print("STOPS", len(stops), stops[:3], stops[-2:])
    invisible = [f"{s['element']} {s['text']!r}" for s in stops if not (s["indicator"] and s["onScreen"])]
    assert not invisible, "focus cannot be seen on:\n" + "\n".join(invisible)
