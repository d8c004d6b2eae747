"""Roles as the README documents them (issue 14): managing the system is not reading what it holds, and the demo is
written through the same actions as everything else."""

import datetime

import pytest
from django.urls import reverse

from committee.access import SYSTEM
from meetings import services
from meetings.models import Action, AgendaItem, Document, Meeting, MinuteItem, Question, Resolution
from tests.factories import CommitteeFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exempt_paper():
    committee = CommitteeFactory(slug="roles-committee")
    meeting = MeetingFactory(committee=committee, date=datetime.date(2025, 11, 13))
    item = AgendaItem.objects.create(meeting=meeting, number=7, title="CONTRACT", exempt_paragraph=3)
    document = Document.objects.create(agenda_item=item, title="Terms", body="MARKER-ROLES-EXEMPT")
    services.minute_item_create(meeting=meeting, title="CONTRACT", agenda_item=item, body="MARKER-ROLES-MINUTE", by=SYSTEM)
    return committee, meeting, document


def test_a_superuser_reads_no_exempt_paper_unless_they_support_the_committee(client, exempt_paper):
    committee, meeting, document = exempt_paper
    superuser = UserFactory(username="roles-superuser", is_superuser=True, is_staff=True)
    client.force_login(superuser)
    assert client.get(reverse("meetings:document", args=[document.pk])).status_code == 404
    assert "MARKER-ROLES" not in client.get(meeting.get_absolute_url()).content.decode()
    assert "MARKER-ROLES" not in client.get(reverse("admin:meetings_minuteitem_changelist")).content.decode()
    assert client.get(reverse("admin:meetings_document_change", args=[document.pk])).status_code in (302, 404)
    # given the committee to support, they read it like any supporting officer
    committee.supporting_officers.add(superuser)
    client.force_login(superuser)
    assert "MARKER-ROLES-EXEMPT" in client.get(reverse("meetings:document", args=[document.pk])).content.decode()


def test_the_administrator_links_logins_and_sets_who_supports_a_committee_but_reads_nothing_of_it(client, exempt_paper):
    committee, meeting, document = exempt_paper
    administrator = UserFactory(username="roles-administrator", role="Administrator")
    client.force_login(administrator)
    # they may set who supports the committee ...
    assert client.get(reverse("admin:committee_committee_change", args=[committee.pk])).status_code == 200
    # ... but open none of its records
    assert client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).status_code == 403
    assert "MARKER-ROLES" not in client.get(meeting.get_absolute_url()).content.decode()


def test_only_an_administrator_links_a_person_to_a_login(client, exempt_paper):
    from committee.models import Person

    councillor = Person.objects.create(name="C Member", slug="c-member", kind=Person.Kind.COUNCILLOR)
    clerk = UserFactory(username="roles-clerk", role="Clerk")
    exempt_paper[0].supporting_officers.add(clerk)
    client.force_login(clerk)
    form = {"name": "C Member", "slug": "c-member", "honorific": "", "kind": "councillor", "user": clerk.pk}
    client.post(reverse("admin:committee_person_change", args=[councillor.pk]), form)
    councillor.refresh_from_db()
    # a councillor's login reads the committee's drafts: a clerk cannot make themselves one
    assert councillor.user_id is None


def test_the_demo_is_written_through_the_actions(client):
    from django.core.management import call_command

    call_command("load_demo", "--no-accounts", "--meetings-only", verbosity=0)
    # every record of the process carries the history entry its action wrote, with the reason
    for model in (Meeting, AgendaItem, Document, MinuteItem, Resolution, Action, Question):
        reasons = set(model.history.values_list("history_change_reason", flat=True))
        assert None not in reasons, model
        assert any(reason and reason.startswith("Demo data") for reason in reasons), model
    # and the process's states were reached by its moves: approvals by resolution where the seeds print one
    november_2023 = Meeting.objects.get(date=datetime.date(2023, 11, 15))
    assert november_2023.minutes_approved_by.minute_item.meeting.date == datetime.date(2024, 3, 7)
