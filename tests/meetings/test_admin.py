"""Officers enter meetings through the real admin forms; bad input is refused next to the field, nothing lost."""

import datetime

import pytest
from django.urls import reverse

from committee.models import Committee
from meetings.models import Action, Meeting, MinuteItem, Resolution
from tests.factories import CommitteeFactory, MeetingFactory, MinuteItemFactory, OfficerFactory


@pytest.fixture(autouse=True)
def officers_support_every_committee(officer, clerk):
    """Admin access is scoped to the committees a user supports; these tests are about entry, not scope."""

    def support():
        for committee in Committee.objects.all():
            committee.supporting_officers.add(officer, clerk)

    return support


pytestmark = pytest.mark.django_db


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def meeting_form(committee, **overrides):
    data = {
        "committee": committee.pk,
        "date": "16/09/2025",
        "start_time": "19:00",
        "venue": "Council Chamber, Town Hall, Bury, BL9 0SW",
        "status": Meeting.Status.SCHEDULED,
        "briefing_facilities": "",
        "notes": "",
        "started_at": "",
        "ended_at": "",
        "public_attendance_count": "",
        "public_attendance_note": "",
        "minutes_status": Meeting.MinutesStatus.NONE,
        **management("agenda_items"),
        **management("attendances"),
        **management("declarations"),
        **management("minute_items"),
        **management("speaker_links"),
    }
    data.update(overrides)
    return data


def test_officer_adds_a_meeting_with_agenda_and_minutes_through_the_admin(client, officer):
    # given an officer and a committee whose last minute was 67
    committee = CommitteeFactory(minute_prefix="")
    committee.supporting_officers.add(officer)
    MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=datetime.date(2025, 7, 10)), number=67)
    client.force_login(officer)
    # when they add the 16 September meeting with two agenda items and a minute item with no number
    data = meeting_form(
        committee,
        **management("agenda_items", total=2),
        **{
            "agenda_items-0-number": "6",
            "agenda_items-0-kind": "report",
            "agenda_items-0-report_status": "attached",
            "agenda_items-0-title": "CHILDRENS SERVICES COMPLAINTS REPORT",
            "agenda_items-1-number": "7",
            "agenda_items-1-kind": "report",
            "agenda_items-1-report_status": "attached",
            "agenda_items-1-title": "OFSTED STANDARD INSPECTION OF CHILDREN'S SERVICES IN BURY",
        },
        **management("minute_items", total=1),
        **{
            "minute_items-0-number": "",
            "minute_items-0-title": "APOLOGIES FOR ABSENCE",
            "minute_items-0-body": "Apologies are noted above.",
        },
    )
    response = client.post(reverse("admin:meetings_meeting_add"), data)
    # then it is saved, the minute takes number 68, and the minutes are a draft
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    meeting = Meeting.objects.get(committee=committee, date=datetime.date(2025, 9, 16))
    # agenda numbers are the items' places in the order the clerk left them (the agenda builder renumbers on save)
    assert list(meeting.agenda_items.order_by("number").values_list("number", "title")) == [
        (1, "CHILDRENS SERVICES COMPLAINTS REPORT"),
        (2, "OFSTED STANDARD INSPECTION OF CHILDREN'S SERVICES IN BURY"),
    ]
    assert meeting.minute_items.get().number == 68
    assert meeting.minutes_status == Meeting.MinutesStatus.DRAFT


def test_a_new_meeting_of_a_committee_numbering_per_meeting_starts_its_minutes_at_one(client, officer):
    committee = CommitteeFactory(minute_prefix="", minute_numbering=Committee.MinuteNumbering.MEETING)
    committee.supporting_officers.add(officer)
    MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=datetime.date(2025, 7, 10)), number=12)
    client.force_login(officer)
    data = meeting_form(
        committee,
        **management("minute_items", total=2),
        **{f"minute_items-{n}-title": f"ITEM {n}" for n in range(2)},
        **{f"minute_items-{n}-number": "" for n in range(2)},
        **{f"minute_items-{n}-body": "Noted." for n in range(2)},
    )
    assert client.post(reverse("admin:meetings_meeting_add"), data).status_code == 302
    meeting = Meeting.objects.get(committee=committee, date=datetime.date(2025, 9, 16))
    assert list(meeting.minute_items.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_new_meeting_without_agenda_gets_the_standing_items(client, officer):
    client.force_login(officer)
    committee = CommitteeFactory()
    committee.supporting_officers.add(officer)
    assert client.post(reverse("admin:meetings_meeting_add"), meeting_form(committee)).status_code == 302
    meeting = Meeting.objects.get(committee=committee)
    assert meeting.agenda_items.filter(title="URGENT BUSINESS").exists()


def test_end_time_before_start_is_refused_next_to_the_field_and_nothing_is_lost(client, officer):
    client.force_login(officer)
    committee = CommitteeFactory()
    committee.supporting_officers.add(officer)
    data = meeting_form(committee, started_at="19:00", ended_at="18:30", venue="Committee Room A&B, Town Hall, Bury, BL9 0SW")
    response = client.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "ended_at" in form.errors
    assert "cannot end before it starts" in form.errors["ended_at"][0]
    html = response.content.decode()
    assert 'value="Committee Room A&amp;B, Town Hall, Bury, BL9 0SW"' in html
    assert not Meeting.objects.filter(committee=committee).exists()


def test_duplicate_minute_number_is_refused_next_to_the_field(client, officer):
    committee = CommitteeFactory()
    committee.supporting_officers.add(officer)
    MinuteItemFactory(meeting=MeetingFactory(committee=committee, date=datetime.date(2025, 7, 10)), number=64)
    client.force_login(officer)
    data = meeting_form(
        committee,
        **management("minute_items", total=1),
        **{"minute_items-0-number": "64", "minute_items-0-title": "MY TYPED TITLE", "minute_items-0-body": "Typed body"},
    )
    response = client.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 200
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "minute_items").formset
    assert "already used at the meeting of 10 July 2025" in formset.forms[0].errors["number"][0]
    assert "MY TYPED TITLE" in response.content.decode()


def test_officer_records_resolutions_and_actions_on_the_minute_item(client, officer):
    earlier = MeetingFactory(date=datetime.date(2025, 7, 10), minutes_status=Meeting.MinutesStatus.DRAFT)
    minute = MinuteItemFactory(meeting=MeetingFactory(committee=earlier.committee, date=datetime.date(2025, 9, 16)), number=70)
    owner = OfficerFactory()
    earlier.committee.supporting_officers.add(officer)
    client.force_login(officer)
    data = {
        "meeting": minute.meeting_id,
        "number": "70",
        "prefix": "",
        "title": "MINUTES",
        "agenda_item": "",
        "body": "",
        "seen_version": "1",
        **management("resolutions", total=1),
        "resolutions-0-number": "1",
        "resolutions-0-text": "That the minutes of the meeting held on 10 July 2025 be approved as a correct and accurate record.",
        "resolutions-0-kind": "approve_minutes",
        "resolutions-0-approves_minutes_of": earlier.pk,
        "resolutions-0-minute_item": minute.pk,
        **management("actions", total=1),
        "actions-0-description": "Circulate survey questions and results.",
        "actions-0-owner": owner.pk,
        "actions-0-owner_text": "",
        "actions-0-due_date": "13/11/2025",
        "actions-0-kind": "information",
        "actions-0-due_rule": "date",
        "actions-0-owed_to": "members",
        "actions-0-status": "open",
        "actions-0-completed_date": "",
        "actions-0-resolution": "",
        "actions-0-minute_item": minute.pk,
        **management("questions"),
    }
    response = client.post(reverse("admin:meetings_minuteitem_change", args=[minute.pk]), data)
    assert response.status_code == 302
    assert Resolution.objects.get(minute_item=minute).kind == "approve_minutes"
    assert Action.objects.get(minute_item=minute).owner == owner
    earlier.refresh_from_db()
    assert earlier.minutes_status == Meeting.MinutesStatus.APPROVED


def test_action_due_before_its_meeting_is_refused_in_the_admin(client, officer):
    minute = MinuteItemFactory(meeting=MeetingFactory(date=datetime.date(2025, 7, 10)))
    minute.meeting.committee.supporting_officers.add(officer)
    client.force_login(officer)
    data = {
        "minute_item": minute.pk,
        "description": "Circulate the LGA report",
        "owner": "",
        "owner_text": "Councillor C Boles",
        "due_date": "01/07/2025",
        "kind": "information",
        "due_rule": "date",
        "owed_to": "",
        "status": "open",
        "completed_date": "",
        "resolution": "",
        **management("updates"),
    }
    response = client.post(reverse("admin:meetings_action_add"), data)
    assert response.status_code == 200
    assert "before the meeting that agreed it" in response.context["adminform"].form.errors["due_date"][0]
    assert "Circulate the LGA report" in response.content.decode()


@pytest.mark.parametrize(
    "model",
    ["meeting", "agendaitem", "document", "minuteitem", "resolution", "action", "question", "workprogrammeitem", "attendance"],
)
def test_admin_lists_and_add_forms_open_for_a_clerk(client, clerk, demo, model, officers_support_every_committee):
    officers_support_every_committee()
    client.force_login(clerk)
    assert client.get(reverse(f"admin:meetings_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:meetings_{model}_changelist"), {"q": "Boles"}).status_code == 200
    assert client.get(reverse(f"admin:meetings_{model}_add")).status_code == 200


def test_admin_action_list_filters_overdue(client, clerk, demo, officers_support_every_committee):
    officers_support_every_committee()
    client.force_login(clerk)
    response = client.get(reverse("admin:meetings_action_changelist"), {"follow_up": "overdue"})
    assert response.status_code == 200
    assert MinuteItem.objects.exists()
