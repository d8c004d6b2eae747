"""Journeys through the public site, clicked as a person would: only the first page is typed in."""

import datetime
import re

from playwright.sync_api import expect

from committee.access import SYSTEM
from committee.models import Person
from meetings import services
from meetings.models import Action, Meeting
from tests.browser.helpers import PASSWORD


def nav(page):
    """The service navigation ("Menu")."""
    return page.get_by_role("navigation", name="Menu")


def test_public_reads_minute_64_then_follows_the_link_to_the_previous_minutes(demo, page):
    # given: a member of the public on the home page
    page.goto("/")

    # when: they open Meetings and then the 10 July 2025 meeting
    nav(page).get_by_role("link", name="Meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    page.get_by_role("link", name="Thursday, 10 July 2025").click()

    # then: minute 64 and its two resolutions are on the page
    expect(page.get_by_role("heading", level=1)).to_have_text("Thursday, 10 July 2025")
    minute_64 = page.get_by_role("region", name="64 BURY ATTENDANCE PARTNERSHIP APPROACH")
    expect(minute_64.get_by_role("heading", level=3)).to_have_text("64 BURY ATTENDANCE PARTNERSHIP APPROACH")
    resolutions = minute_64.locator(".app-resolutions > li")
    expect(resolutions).to_have_text(
        ["To note the report, and thanks Janet for her contribution to the meeting", "To circulate survey questions and results."]
    )

    # when: they follow minute 61's link to the minutes it approved
    minute_61 = page.get_by_role("region", name="61 MINUTES")
    minute_61.get_by_role("link", name="minutes of 13 March 2025").click()

    # then: they are on the 13 March 2025 meeting, at its minutes
    march = Meeting.objects.get(date=datetime.date(2025, 3, 13))
    expect(page).to_have_url(re.compile(rf"{march.get_absolute_url()}#minutes$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thursday, 13 March 2025")
    expect(page.get_by_role("heading", name="Minutes", exact=True)).to_be_visible()


def test_councillor_signs_in_and_filters_the_tracker_to_one_owners_overdue_actions(demo, make_user, page):
    # given: a councillor's login, and open actions for two owners: some overdue, some not yet due, one done
    make_user("Councillor", username="cllr-test")
    today = datetime.date.today()
    minute = Meeting.objects.get(date=datetime.date(2025, 11, 13)).minute_items.order_by("number").last()
    lloyd, boles = Person.objects.get(slug="j-lloyd"), Person.objects.get(slug="c-boles")
    overdue_dates = [minute.meeting.date + datetime.timedelta(days=20), minute.meeting.date + datetime.timedelta(days=40)]
    assert max(overdue_dates) < today, "the test's overdue actions must fall due before today"
    for n, due in enumerate(overdue_dates, start=1):
        services.action_create(by=SYSTEM, minute_item=minute, description=f"Lloyd overdue action {n}", owner=lloyd, due_date=due)
    services.action_create(
        by=SYSTEM, minute_item=minute, description="Lloyd action not yet due", owner=lloyd, due_date=today + datetime.timedelta(days=30)
    )
    done = services.action_create(
        by=SYSTEM, minute_item=minute, description="Lloyd finished action", owner=lloyd, due_date=overdue_dates[0]
    )
    services.action_complete(by=SYSTEM, action=done, completed_date=overdue_dates[0])
    services.action_create(by=SYSTEM, minute_item=minute, description="Boles overdue action", owner=boles, due_date=overdue_dates[0])
    expected = list(
        Action.objects.overdue(today)
        .filter(owner=lloyd)
        .order_by("due_date", "minute_item__meeting__date", "pk")
        .values_list("description", flat=True)
    )
    assert {"Lloyd overdue action 1", "Lloyd overdue action 2"} <= set(expected)

    # when: they sign in from the header
    page.goto("/")
    nav(page).get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("cllr-test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(nav(page).get_by_role("button", name="Sign out")).to_be_visible()

    # and: open the actions tracker and filter to J Lloyd's overdue actions
    nav(page).get_by_role("link", name="Actions").click()
    page.get_by_label("Status").select_option(label="Overdue")
    page.get_by_label("Owner").select_option(label=str(lloyd))
    page.get_by_role("button", name="Apply filters").click()

    # then: exactly J Lloyd's overdue actions are listed, each marked overdue
    expect(page).to_have_url(re.compile(r"[?&]state=overdue"))
    rows = page.locator("#actions tbody tr")
    expect(rows).to_have_count(len(expected))
    expect(rows.locator("td:nth-child(1)")).to_have_text(expected)
    expect(rows.locator("td:nth-child(2)")).to_have_text([lloyd.display_name] * len(expected))
    expect(rows.locator("td:nth-child(5)")).to_have_text(["Overdue"] * len(expected))
    expect(page.get_by_text("Boles overdue action")).to_have_count(0)
    expect(page.get_by_text("Lloyd action not yet due")).to_have_count(0)
    # and: the form still shows the chosen filters
    expect(page.get_by_label("Status")).to_have_value("overdue")
    expect(page.get_by_label("Owner")).to_have_value(str(lloyd.pk))
