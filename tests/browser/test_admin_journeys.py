"""Officers entering a meeting's record in the admin, then seeing it (or being told what is wrong) as the public would."""

import datetime
import re

from playwright.sync_api import expect

from committee.models import Committee
from meetings.models import Meeting
from tests.browser.helpers import PASSWORD


def officer_of_the_committee(make_user, username="officer-test"):
    """An Officer who supports the demo committee (the admin shows officers only the committees they support)."""
    user = make_user("Officer", username=username)
    Committee.objects.get(slug="children-and-young-people-scrutiny-committee").supporting_officers.add(user)
    return user


def admin_sign_in(page, username):
    """Sign in on the public site, then follow the header's Admin link (staff only).

    (The admin's own login page works too: see test_officer_signs_in_on_the_admin_login_page_with_a_password.)
    """
    page.goto("/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Committee records")).to_be_visible()


def add_inline(page, formset_prefix, add_text):
    """Click the inline's "Add another …" link and return the new form's box."""
    before = page.locator(f"[id^='{formset_prefix}-']:not([id$='-empty']).inline-related").count()
    page.get_by_role("button", name=add_text).click()
    box = page.locator(f"#{formset_prefix}-{before}")
    expect(box).to_be_visible()
    return box


def test_officer_enters_a_meeting_with_agenda_minute_resolution_and_action_then_sees_it_published(demo, make_user, page):
    # given: an officer of the committee, signed in to the admin
    officer_of_the_committee(make_user)
    admin_sign_in(page, "officer-test")

    # when: they add a meeting with two agenda items and a minute
    page.locator("tr.model-meeting").get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name="Add meeting").click()
    page.get_by_label("Committee:").select_option(label="Children and Young People Scrutiny Committee")
    page.get_by_label("Date:", exact=True).fill("10/03/2026")
    page.get_by_label("Venue:").fill("Council Chamber, Town Hall, Bury, BL9 0SW")
    # (Agenda items are numbered in the order they stand: no number to type.)
    for title in ["APOLOGIES FOR ABSENCE", "SCHOOL READINESS REPORT"]:
        item = add_inline(page, "agenda_items", "Add another Agenda item")
        item.get_by_label("Title:").fill(title)
    minute = add_inline(page, "minute_items", "Add another Minute item")
    minute.get_by_label("Title:").fill("SCHOOL READINESS")
    minute.get_by_label("Body:").fill("The Director presented the school readiness report.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    meeting = Meeting.objects.get(date=datetime.date(2026, 3, 10))
    minute_item = meeting.minute_items.get()

    # and: open the minute from its inline's Change link, add a resolution and an action
    page.locator("#minute_items-0").get_by_role("link", name="Change").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change minute item")
    # (The resolutions inline is tabular: its column headers are not <label>s, so find the box by name.)
    page.locator("#resolutions-0 textarea[name$='-text']").fill("That the report be noted.")
    action = add_inline(page, "actions", "Add another Action")
    action.get_by_label("Description:").fill("Circulate the school readiness data to members.")
    # The owner box is an autocomplete (select2): open it, type part of the name, pick the match.
    action.locator(".field-owner .select2-selection").click()
    page.locator(".select2-search__field").fill("Lloyd")
    page.get_by_role("option", name="Janet Lloyd").click()
    expect(action.locator(".field-owner .select2-selection__rendered")).to_contain_text("Janet Lloyd")
    action.get_by_label("Due date:").fill("14/04/2027")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")

    # and: view it on the public site
    page.get_by_role("link", name="View on site").click()

    # then: the public meeting page shows the agenda, the minute, its resolution and its action
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday, 10 March 2026")
    agenda = page.locator("ol.app-agenda > li h3")
    expect(agenda).to_have_text(["1 APOLOGIES FOR ABSENCE", "2 SCHOOL READINESS REPORT"])
    section = page.get_by_role("region", name=f"{minute_item.reference} SCHOOL READINESS")
    expect(section).to_contain_text("The Director presented the school readiness report.")
    expect(section.locator(".app-resolutions > li")).to_have_text(["That the report be noted."])
    row = section.get_by_role("row", name="Circulate the school readiness data to members.")
    expect(row).to_contain_text("Janet Lloyd")
    expect(row).to_contain_text("14 April 2027")
    expect(row).to_contain_text("Open")


def test_officer_is_told_next_to_the_field_what_is_wrong_and_keeps_what_they_typed(demo, make_user, page):
    # given: an officer of the committee, signed in to the admin, on the add-meeting form
    officer_of_the_committee(make_user)
    admin_sign_in(page, "officer-test")
    page.locator("tr.model-meeting").get_by_role("link", name="Add", exact=True).click()

    # when: they type a meeting whose end comes before its start, with an agenda item, and save
    page.get_by_label("Committee:").select_option(label="Children and Young People Scrutiny Committee")
    page.get_by_label("Date:", exact=True).fill("10/03/2027")
    page.get_by_label("Venue:").fill("Committee Room A, Town Hall, Bury")
    page.get_by_label("Started at:").fill("21:00")
    page.get_by_label("Ended at:").fill("19:00")
    item = add_inline(page, "agenda_items", "Add another Agenda item")
    item.get_by_label("Title:").fill("SCHOOL READINESS REPORT")
    page.get_by_role("button", name="Save", exact=True).click()

    # then: the error sits with the "Ended at" field and is announced with it
    expect(page.locator(".errornote")).to_be_visible()
    ended_at = page.get_by_label("Ended at:")
    message = "The meeting cannot end before it starts. Check the start and end times."
    expect(page.locator(".form-multiline > div:has(.field-ended_at) .errorlist")).to_have_text(message)
    expect(ended_at).to_have_accessible_description(re.compile(re.escape(message)))
    expect(ended_at).to_have_attribute("aria-invalid", "true")
    # and: nothing was saved, and everything typed is still there
    assert not Meeting.objects.filter(date=datetime.date(2027, 3, 10)).exists()
    expect(page.get_by_label("Committee:")).to_have_value(str(Meeting.objects.first().committee_id))
    expect(page.get_by_label("Date:", exact=True)).to_have_value("10/03/2027")
    expect(page.get_by_label("Venue:")).to_have_value("Committee Room A, Town Hall, Bury")
    expect(page.get_by_label("Started at:")).to_have_value("21:00")
    expect(ended_at).to_have_value("19:00")
    expect(page.locator("#agenda_items-0").get_by_label("Title:")).to_have_value("SCHOOL READINESS REPORT")

    # when: on minute 64 of 10 July 2025 they add an action due before that meeting
    page.get_by_role("link", name="Home").click()
    page.locator("tr.model-minuteitem").get_by_role("link", name="Minute items").click()
    page.get_by_role("searchbox").fill("BURY ATTENDANCE")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="64", exact=True).click()
    action = add_inline(page, "actions", "Add another Action")
    action.get_by_label("Description:").fill("Report back on attendance at the next meeting.")
    action.get_by_label("Due date:").fill("01/07/2025")
    page.get_by_role("button", name="Save", exact=True).click()

    # then: the due date is refused next to its field, and the description is kept
    expect(action.locator(".field-due_date .errorlist, .form-multiline > div:has(.field-due_date) .errorlist")).to_have_text(
        "An action cannot be due before the meeting that agreed it."
    )
    expect(action.get_by_label("Description:")).to_have_value("Report back on attendance at the next meeting.")
    expect(action.get_by_label("Due date:")).to_have_value("01/07/2025")


def test_officer_signs_in_on_the_admin_login_page_with_a_password(make_user, page):
    # given: an officer (not a two-factor role)
    make_user("Officer", username="officer-test")
    # when: they sign in on the admin's own login page
    page.goto("/admin/login/")
    page.get_by_label("Username:").fill("officer-test")
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # then: they reach the admin index
    expect(page.get_by_role("heading", name="Committee records")).to_be_visible(timeout=3_000)
