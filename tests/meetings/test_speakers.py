"""Who spoke: councillors named in the minutes, linked to people where the attendance list allows, never guessed."""

import datetime

import pytest
from django.urls import reverse

from committee.access import SYSTEM
from committee.models import Membership, Person
from meetings import services, speakers
from meetings.models import Attendance, Meeting, MinuteSpeaker, SpeakerLink
from tests.factories import AttendanceFactory, CommitteeFactory, MeetingFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db
JULY = datetime.date(2025, 7, 10)
NOVEMBER = datetime.date(2025, 11, 13)


def speakers_of(day, number):
    return {s.as_minuted: s for s in MinuteSpeaker.objects.filter(minute_item__meeting__date=day, minute_item__number=number)}


def test_names_are_found_as_printed_with_initials_and_first_names():
    text = "Councillor L. Smith cabinet member asked about funding. Councillor Boles. The end. Cllr Shahbaz Arif referred to a post?"
    assert speakers.mentions(text) == [(["L", "Smith"], True), (["Boles"], False), (["Shahbaz", "Arif"], True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A name never runs across a line break, nor into the next "Councillor".
        ("Present: Councillor Smith\nCouncillor Jones asked.", [("Councillor Smith", "linked"), ("Councillor Jones", "linked")]),
        ("thanked Councillor Smith\n\nThe Director said", [("Councillor Smith", "linked")]),
        # Possessives, honorifics, roles and post-nominals are not part of the name.
        ("Councillor Smith's question was answered.", [("Councillor Smith", "linked")]),
        ("Councillor Mrs Smith spoke.", [("Councillor Smith", "linked")]),
        ("Councillor Smith Cabinet Member for Children spoke.", [("Councillor Smith", "linked")]),
        ("Councillor Jones MBE spoke.", [("Councillor Jones", "linked")]),
        ("Councillors Smith and Jones welcomed the report.", [("Councillor Smith", "linked"), ("Councillor Jones", "linked")]),
        # Not present: kept as printed.
        ("Councillor Shahbaz Khan asked a question.", [("Councillor Shahbaz Khan", "not_listed")]),
    ],
)
def test_names_are_read_as_a_clerk_would(text, expected):
    people = [PersonFactory.build(name="L Smith", full_name="Lucy Smith", pk=1), PersonFactory.build(name="S Jones", pk=2)]
    assert [(f.as_minuted, f.match) for f in speakers.find(text, people, {})] == expected


def test_being_asked_is_not_asking():
    assert speakers.mentions("Councillor Smith was asked to provide the figures.") == [(["Smith"], False)]


def test_a_very_long_capitalised_run_still_saves():
    meeting = MeetingFactory()
    minute = services.minute_item_create(by=SYSTEM, meeting=meeting, title="ITEM", body="Councillor " + "A" * 130 + " spoke.")
    assert len(MinuteSpeaker.objects.get(minute_item=minute).as_minuted) <= 120


def test_attendance_changed_in_its_own_admin_works_speakers_out_again(client, clerk):
    meeting = MeetingFactory()
    meeting.committee.supporting_officers.add(clerk)
    person = PersonFactory(name="R Hughes")
    minute = services.minute_item_create(by=SYSTEM, meeting=meeting, title="SEND", body="Councillor Hughes asked about waiting times.")
    client.force_login(clerk)
    data = {"person": person.pk, "meeting": meeting.pk, "role": Attendance.Role.PRESENT, "capacity": "", "order": 0}
    assert client.post(reverse("admin:meetings_attendance_add"), data).status_code == 302
    assert MinuteSpeaker.objects.get(minute_item=minute).person == person


def test_the_seed_minutes_link_who_they_can_and_leave_the_rest_unresolved(demo):
    july = speakers_of(JULY, 64)
    # Both A Arif and S Arif were present: the name stays unlinked, with both noted.
    assert july["Councillor Arif"].person is None
    assert july["Councillor Arif"].match == MinuteSpeaker.Match.AMBIGUOUS
    assert july["Councillor Arif"].candidates == "A Arif or S Arif"
    # "Councillor Fitzgerald" is E FitzGerald, whatever the case; Councillor Boles asked questions.
    assert july["Councillor Fitzgerald"].person.name == "E FitzGerald"
    assert july["Councillor Boles"].person.name == "C Boles"
    assert july["Councillor Boles"].asked
    # A first name settles which Arif: "Councillor Shahbaz Arif" (CYP.80) is S Arif.
    assert speakers_of(NOVEMBER, 80)["Councillor Shahbaz Arif"].person.name == "S Arif"
    # Not in the attendance list: kept as printed, linked to nobody.
    southworth = speakers_of(NOVEMBER, 84)["Councillor Southworth"]
    assert (southworth.person, southworth.match) == (None, MinuteSpeaker.Match.NOT_LISTED)


def test_the_meeting_page_shows_who_spoke_and_what_is_unresolved(client, demo):
    meeting = Meeting.objects.get(date=JULY)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Councillors named as speaking:" in html
    assert "Councillor Arif <span" in html
    assert "could be A Arif or S Arif; not yet confirmed" in html
    assert reverse("meetings:person", args=[Person.objects.get(name="E FitzGerald").slug]) in html


def test_a_councillors_page_lists_the_minutes_naming_them(client, demo):
    boles = Person.objects.get(name="C Boles")
    response = client.get(boles.get_absolute_url())
    references = [s.minute_item.reference for s in response.context["speeches"]]
    assert "CYP.84" in references  # the briefing note she asked for
    assert "64" in references
    # The ambiguous July "Councillor Arif" is on neither Arif's page until an officer says who it was.
    s_arif = Person.objects.get(name="S Arif")
    assert "64" not in [s.minute_item.reference for s in client.get(s_arif.get_absolute_url()).context["speeches"]]


def test_an_officer_settles_an_ambiguous_name_for_the_meeting(client, demo):
    meeting = Meeting.objects.get(date=JULY)
    s_arif = Person.objects.get(name="S Arif")
    SpeakerLink.objects.create(meeting=meeting, as_minuted="Councillor Arif", person=s_arif)
    services.meeting_speakers_refresh(meeting=meeting)
    arif = speakers_of(JULY, 64)["Councillor Arif"]
    assert (arif.person, arif.match) == (s_arif, MinuteSpeaker.Match.CHOSEN)
    assert "64" in [s.minute_item.reference for s in client.get(s_arif.get_absolute_url()).context["speeches"]]


def test_editing_the_minute_or_the_attendance_works_speakers_out_again():
    meeting = MeetingFactory()
    hughes = PersonFactory(name="R Hughes")
    minute = services.minute_item_create(by=SYSTEM, meeting=meeting, title="SEND", body="Councillor Hughes asked about waiting times.")
    assert MinuteSpeaker.objects.get(minute_item=minute).match == MinuteSpeaker.Match.NOT_LISTED
    AttendanceFactory(meeting=meeting, person=hughes)
    minute.body = "Councillor Hughes asked about waiting times. Councillor Hughes thanked officers."
    services.minute_item_save(by=SYSTEM, minute_item=minute, expected_version=minute.version)
    speaker = MinuteSpeaker.objects.get(minute_item=minute)
    assert (speaker.person, speaker.asked) == (hughes, True)


def test_apologies_are_not_speakers():
    meeting = MeetingFactory()
    AttendanceFactory(meeting=meeting, person=PersonFactory(name="P Okafor"), role=Attendance.Role.APOLOGIES)
    minute = services.minute_item_create(by=SYSTEM, meeting=meeting, title="ITEM", body="Councillor Okafor commented.")
    assert MinuteSpeaker.objects.get(minute_item=minute).match == MinuteSpeaker.Match.NOT_LISTED


@pytest.mark.parametrize(("who", "listed"), [("public", False), ("member", True)])
def test_speaking_in_an_exempt_or_unpublished_minute_is_listed_only_for_those_who_may_read_it(client, who, listed):
    committee = CommitteeFactory()
    person = PersonFactory(name="T Quayle")
    exempt_meeting = MeetingFactory(committee=committee, minutes_status=Meeting.MinutesStatus.APPROVED)
    draft_meeting = MeetingFactory(committee=committee, minutes_status=Meeting.MinutesStatus.DRAFT, minutes_published=False)
    for meeting in (exempt_meeting, draft_meeting):
        AttendanceFactory(meeting=meeting, person=person)
    services.minute_item_create(
        by=SYSTEM, meeting=exempt_meeting, title="LAND SALE", is_exempt=True, body="Councillor Quayle asked about price."
    )
    services.minute_item_create(by=SYSTEM, meeting=draft_meeting, title="DRAFT", body="Councillor Quayle commented.")
    if who == "member":
        user = UserFactory(username="quayle-member", role="Councillor")
        Membership.objects.create(committee=committee, person=PersonFactory(user=user), start_date=datetime.date(2020, 5, 1))
        client.force_login(user)
    speeches = client.get(person.get_absolute_url()).context["speeches"]
    assert (len(speeches) == 2) is listed
    assert (len(speeches) == 0) is not listed
    meeting_html = client.get(exempt_meeting.get_absolute_url()).content.decode()
    assert ("Councillors named as speaking" in meeting_html) is listed


def test_the_person_page_runs_the_same_queries_however_often_they_spoke(client, django_assert_max_num_queries):
    person = PersonFactory(name="V Ng")
    meeting = MeetingFactory(minutes_status=Meeting.MinutesStatus.APPROVED)
    AttendanceFactory(meeting=meeting, person=person)
    services.minute_item_create(by=SYSTEM, meeting=meeting, title="ONE", body="Councillor Ng asked.")
    client.get(person.get_absolute_url())
    with django_assert_max_num_queries(12) as once:
        client.get(person.get_absolute_url())
    for n in range(15):
        other = MeetingFactory(minutes_status=Meeting.MinutesStatus.APPROVED, date=datetime.date(2024, 1, 1) + datetime.timedelta(days=n))
        AttendanceFactory(meeting=other, person=person)
        services.minute_item_create(by=SYSTEM, meeting=other, title=f"ITEM {n}", body="Councillor Ng commented.")
    with django_assert_max_num_queries(len(once.captured_queries)):
        assert len(client.get(person.get_absolute_url()).context["speeches"]) == 16


def test_the_admin_shows_what_was_found_and_takes_who_a_name_means(client, demo, clerk):
    meeting = Meeting.objects.get(date=JULY)
    meeting.committee.supporting_officers.add(clerk)
    client.force_login(clerk)
    minute = meeting.minute_items.get(number=64)
    html = client.get(reverse("admin:meetings_minuteitem_change", args=[minute.pk])).content.decode()
    assert "Councillors named as speaking" in html
    assert "Councillor Arif: more than one person present has that name (A Arif or S Arif), asked a question" in html
    html = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()
    assert "names in the minutes mean" in html
