"""The meeting cycle as a new clerk and a new officer run it in a real browser (issue 15), counting every click and every
typed field, with ceilings: the clerk from scheduling the year to a published pack in at most 15 clicks and 25 fields;
the officer's whole record of a meeting in at most 35 clicks, the attendance of 15 people in at most 20 of them.
No save is refused on the way, and leaving a form with unsaved changes is warned about."""

import datetime
from dataclasses import dataclass, field

from playwright.sync_api import expect
from weasyprint import HTML

from committee.models import Committee, Person
from meetings.models import AgendaPack, Attendance, DeclarationOfInterest, Meeting, MinuteItem, Resolution
from tests.browser.helpers import PASSWORD

COMMITTEE = "children-and-young-people-scrutiny-committee"


@dataclass
class Counted:
    """Every click and every field the person fills, so the journey's cost is measured, not guessed."""

    page: object
    clicks: int = 0
    fields: int = 0
    log: list = field(default_factory=list)

    def click(self, locator):
        self.clicks += 1
        self.log.append(("click", str(locator)))
        locator.click()

    def fill(self, locator, value):
        self.fields += 1
        self.log.append(("fill", str(locator)))
        locator.fill(value)

    def select(self, locator, **option):
        self.fields += 1
        locator.select_option(**option)

    def upload(self, locator, files):
        self.fields += 1
        locator.set_input_files(files)

    def pick(self, box, text, option):
        """An autocomplete (select2) box: open it (a click), type (a field), choose the match (a click)."""
        self.click(box)
        self.fill(self.page.locator(".select2-container--open .select2-search__field"), text)
        self.click(self.page.get_by_role("option", name=option))

    def no_refusal(self):
        """No save refused: the page has loaded after the click and shows no error."""
        self.page.wait_for_load_state()
        errors = self.page.locator(".errornote, .errorlist")
        assert errors.count() == 0, errors.all_inner_texts()


def staff_of_the_committee(make_user, role, username):
    user = make_user(role, username=username)
    Committee.objects.get(slug=COMMITTEE).supporting_officers.add(user)
    return user


def sign_in_to_the_admin(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Username:").fill(username)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Committee records")).to_be_visible()


def add_inline(act, prefix, button):
    before = act.page.locator(f"[id^='{prefix}-']:not([id$='-empty']).inline-related").count()
    act.click(act.page.get_by_role("button", name=button))
    box = act.page.locator(f"#{prefix}-{before}")
    expect(box).to_be_visible()
    return box


def test_a_clerk_goes_from_scheduling_the_year_to_a_published_pack_in_15_clicks(demo, make_user, page, tmp_path):
    staff_of_the_committee(make_user, "Clerk", "clerk-cycle")
    sign_in_to_the_admin(page, "clerk-cycle")
    act = Counted(page)
    appendix = tmp_path / "school-readiness.pdf"
    html = "<html lang='en-GB'><head><title>School readiness</title></head><body><h1>School readiness</h1><p>Data.</p></body></html>"
    appendix.write_bytes(HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))

    # Schedule the year from the committee's page: straight on to the first meeting's agenda.
    act.click(page.get_by_role("link", name="Committees", exact=True))
    act.click(page.get_by_role("link", name="Children and Young People Scrutiny Committee"))
    act.click(page.get_by_role("link", name="Schedule meetings"))
    act.fill(page.get_by_label("Dates, one a line"), "10 June 2027\n9 September 2027\n11 November 2027")
    act.click(page.get_by_role("button", name="Schedule meetings"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Change meeting")

    # Two reports, each added with its item: one an uploaded PDF, one exempt with its text typed.
    item = add_inline(act, "agenda_items", "Add another Agenda item")
    act.fill(item.get_by_label("Title:", exact=True), "SCHOOL READINESS")
    act.fill(item.get_by_label("Report title:"), "School readiness report")
    act.upload(item.get_by_label("Report (PDF):"), str(appendix))
    item = add_inline(act, "agenda_items", "Add another Agenda item")
    act.fill(item.get_by_label("Title:", exact=True), "CHILDREN'S HOME CONTRACT")
    act.select(item.get_by_label("Exempt paragraph:"), value="3")
    act.fill(item.get_by_label("Report title:"), "Contract terms")
    act.fill(item.get_by_label("or the report's text:"), "## Terms\n\nThe prices agreed.")
    act.click(page.get_by_role("button", name="Save and continue editing"))
    act.no_refusal()

    # The motion to exclude the press and public, offered because an item is exempt.
    act.click(page.get_by_role("link", name="Add the exclusion of the press and public"))
    act.click(page.get_by_role("button", name="Add the exclusion of the press and public"))
    act.no_refusal()

    # Build and publish the pack.
    act.click(page.get_by_role("link", name="Publish agenda pack"))
    act.click(page.get_by_role("button", name="Build and publish"))

    meeting = Meeting.objects.get(committee__slug=COMMITTEE, date=datetime.date(2027, 6, 10))
    titles = list(meeting.agenda_items.order_by("number").values_list("title", flat=True))
    assert titles[5:] == ["SCHOOL READINESS", "EXCLUSION OF THE PRESS AND PUBLIC", "CHILDREN'S HOME CONTRACT", "URGENT BUSINESS"]
    assert meeting.agenda_status == Meeting.AgendaStatus.PUBLISHED
    assert AgendaPack.objects.filter(meeting=meeting, is_current=True, audience="public").exists()
    assert Meeting.objects.filter(committee__slug=COMMITTEE, date__year=2027).count() == 3
    print(f"clerk: {act.clicks} clicks, {act.fields} fields")  # reported in the README ("Running a meeting")
    assert act.clicks <= 15, act.log
    assert act.fields <= 25, act.log


def test_an_officer_records_a_meeting_in_35_clicks_with_attendance_for_15_people_in_20(demo, make_user, page):
    staff_of_the_committee(make_user, "Officer", "officer-cycle")
    sign_in_to_the_admin(page, "officer-cycle")
    act = Counted(page)
    meeting = Meeting.objects.get(committee__slug=COMMITTEE, date=datetime.date(2026, 1, 7))

    act.click(page.get_by_role("link", name="Meetings", exact=True))
    act.click(page.locator("#result_list th a").filter(has_text="2026").first)

    # Attendance: every member listed as present; change those who were not, add the officers there.
    before = act.clicks
    act.click(page.get_by_role("link", name="Take the roll call"))
    act.click(page.get_by_role("group", name="Attendance of Councillor U Farooq").get_by_label("Apologies"))
    act.click(page.get_by_role("group", name="Attendance of Councillor J Lancaster").get_by_label("Apologies"))
    act.click(page.get_by_role("group", name="Attendance of Councillor C Boles").get_by_label("In the chair"))
    others = page.locator(".field-others .select2-selection, #id_others + .select2 .select2-selection").first
    for name, shown in (("Richards", "Jeanette Richards"), ("Everitt", "Rachel Everitt"), ("Lloyd", "Janet Lloyd")):
        act.pick(others, name, shown)
    act.click(page.get_by_role("button", name="Save the roll call"))
    act.no_refusal()
    roll_call = act.clicks - before
    assert roll_call <= 20, act.log
    assert meeting.attendances.count() == 15
    assert meeting.attendances.get(person__name="U Farooq").role == Attendance.Role.APOLOGIES

    # A declaration, against an item of this meeting.
    declaration = add_inline(act, "declarations", "Add another Declaration of interest")
    act.pick(declaration.locator(".field-person .select2-selection"), "Berry", "Councillor D Berry")
    # (The declarations inline is a table: its column headers are not <label>s, so find each box by name.)
    act.select(declaration.locator("select[name$='-agenda_item']"), label=f"{meeting.label} · 8. EDUCATION AND INCLUSION STRATEGY")
    act.fill(declaration.locator("textarea[name$='-nature']"), "Governor of a Bury primary school")

    # Three minutes, numbered on from the committee's sequence.
    for title, item in (("MINUTES", 3), ("FAMILY HUBS AND BETTER START UPDATE", 6), ("IMPROVEMENT PLAN UPDATE", 7)):
        minute = add_inline(act, "minute_items", "Add another Minute item")
        act.fill(minute.get_by_label("Title:", exact=True), title)
        act.select(minute.get_by_label("Agenda item:"), label=f"{meeting.label} · {item}. {title}")
        act.fill(minute.get_by_label("Body:"), f"Members considered the {title.lower()}.")
    act.click(page.get_by_role("button", name="Save and continue editing"))
    act.no_refusal()

    # Each minute's decisions and actions on its own page; the first approves the last meeting's minutes.
    for index in range(3):
        act.click(page.locator(f"#minute_items-{index} .inlinechangelink"))
        resolution = page.locator("#resolutions-0")
        act.fill(
            resolution.locator("textarea[name$='-text']"), "That the minutes be approved." if index == 0 else "That the report be noted."
        )
        if index == 0:
            act.select(resolution.locator("select[name$='-kind']"), value=Resolution.Kind.APPROVE_MINUTES)
            act.pick(resolution.locator(".select2-selection"), "13 November 2025", "CYP Scrutiny – 13 November 2025")
        else:
            action = add_inline(act, "actions", "Add another Action")
            act.fill(action.get_by_label("Description:"), "Circulate the figures to members.")
            act.fill(action.get_by_label("Owner text:"), "Director of Education")
            act.fill(action.get_by_label("Due date:"), "04/03/2026")
            act.fill(action.get_by_label("Agreed under decision no."), "1")
        act.click(page.get_by_role("button", name="Save and continue editing"))
        act.no_refusal()
        act.click(page.get_by_role("link", name="Back to the meeting"))

    minutes = list(MinuteItem.objects.filter(meeting=meeting).order_by("number"))
    assert [m.reference for m in minutes] == ["CYP.87", "CYP.88", "CYP.89"]
    assert DeclarationOfInterest.objects.get(meeting=meeting).agenda_item.number == 8
    november = Meeting.objects.get(committee__slug=COMMITTEE, date=datetime.date(2025, 11, 13))
    assert november.minutes_status == Meeting.MinutesStatus.APPROVED
    assert minutes[1].actions.get().resolution == minutes[1].resolutions.get()
    print(f"officer: {act.clicks} clicks ({roll_call} for the roll call), {act.fields} fields")
    assert act.clicks <= 35, act.log


def test_leaving_a_form_with_unsaved_changes_is_warned_about(demo, make_user, page):
    staff_of_the_committee(make_user, "Officer", "officer-unsaved")
    sign_in_to_the_admin(page, "officer-unsaved")
    meeting = Meeting.objects.get(committee__slug=COMMITTEE, date=datetime.date(2026, 1, 7))
    page.goto(f"/admin/meetings/meeting/{meeting.pk}/change/")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    # an untouched form lets the clerk go without a question
    page.get_by_label("Notes:").scroll_into_view_if_needed()
    page.get_by_label("Venue:").fill("Committee Room A, Town Hall, Bury")
    page.get_by_role("link", name="View on site").click()
    expect(page).to_have_url(f"{page.url.split('/admin/')[0]}/admin/meetings/meeting/{meeting.pk}/change/")
    assert dialogs == ["beforeunload"]
    # and the typing is still there
    expect(page.get_by_label("Venue:")).to_have_value("Committee Room A, Town Hall, Bury")
    assert Person.objects.exists()


def test_the_actions_tracker_keeps_every_column_on_a_320_pixel_screen(demo, browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto("/actions/?state=all")
        row = page.locator("#actions tbody tr").first
        for label in ("Owner", "Due", "Status"):
            cell = row.locator(f"td[data-label='{label}']")
            box = cell.bounding_box()
            assert box is not None, label
            assert box["x"] >= 0 and box["x"] + box["width"] <= 320, (label, box)  # noqa: PT018
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()
