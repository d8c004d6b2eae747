"""factory_boy factories for every model the tests build."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from committee.models import Committee, Membership, Person, surname_first
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    Document,
    Meeting,
    MinuteItem,
    Question,
    Resolution,
    WorkProgrammeItem,
    minute_sequence_key,
)


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Scrutiny Committee {n}")
    slug = factory.Sequence(lambda n: f"scrutiny-committee-{n}")
    minute_prefix = ""
    briefing_facilities = "If Opposition Members and Co-opted Members require briefing on any particular item on the Agenda, ..."


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"A Person{n}")
    slug = factory.Sequence(lambda n: f"a-person{n}")
    sort_name = factory.LazyAttribute(lambda o: surname_first(o.name))
    kind = Person.Kind.COUNCILLOR
    honorific = "Councillor"


class OfficerFactory(PersonFactory):
    kind = Person.Kind.OFFICER
    honorific = ""
    job_title = "Head of Service"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    committee = factory.SubFactory(CommitteeFactory)
    person = factory.SubFactory(PersonFactory)
    role = Membership.Role.MEMBER
    start_date = datetime.date(2025, 5, 14)


class _DefaultStartTime(datetime.time):
    """The factory's own 7pm, told apart from a start time a test gives (which is always kept as given)."""


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting in its own slot: a test may give any date (one counted from today, say) without meeting a factory date.

    The committee's slot (date and start time) is unique, and the date sequence runs forward from July 2025, so in a
    long run it reaches dates that tests count from today. Where the factory's default 7pm is taken on that date, the
    meeting moves a minute later until the slot is free, whichever of the two meetings was made first.
    """

    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    date = factory.Sequence(lambda n: datetime.date(2025, 7, 10) + datetime.timedelta(days=7 * n))
    start_time = factory.LazyFunction(lambda: _DefaultStartTime(19, 0))
    venue = "Council Chamber, Town Hall, Bury, BL9 0SW"
    status = Meeting.Status.HELD
    # A factory meeting is an ordinary public one: agenda published, minutes approved.
    agenda_status = Meeting.AgendaStatus.PUBLISHED
    minutes_status = Meeting.MinutesStatus.APPROVED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        start = kwargs.get("start_time")
        if isinstance(start, _DefaultStartTime):
            taken = set(Meeting.objects.filter(committee=kwargs["committee"], date=kwargs["date"]).values_list("start_time", flat=True))
            moment = datetime.datetime.combine(kwargs["date"], datetime.time(start.hour, start.minute))
            while moment.time() in taken:
                moment += datetime.timedelta(minutes=1)
            kwargs["start_time"] = moment.time()
        return super()._create(model_class, *args, **kwargs)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"REPORT {n}")
    kind = AgendaItem.Kind.REPORT


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    agenda_item = factory.SubFactory(AgendaItemFactory)
    title = "A report"
    body = "1.0 BACKGROUND\n\nText."


class MinuteItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MinuteItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: 1000 + n)
    title = factory.Sequence(lambda n: f"MINUTE {n}")
    body = "The committee discussed the report."
    # The numbering sequence the services would give it (the database keeps numbers unique within it).
    sequence = factory.LazyAttribute(lambda o: minute_sequence_key(o.meeting))


class ResolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resolution

    minute_item = factory.SubFactory(MinuteItemFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "That the report be noted."
    kind = Resolution.Kind.NOTE


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    minute_item = factory.SubFactory(MinuteItemFactory)
    description = factory.Sequence(lambda n: f"Circulate the information requested ({n}).")
    owner = factory.SubFactory(OfficerFactory)
    due_date = factory.LazyAttribute(lambda o: o.minute_item.meeting.date + datetime.timedelta(days=60))
    status = Action.Status.OPEN


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    role = Attendance.Role.PRESENT


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    meeting = factory.SubFactory(MeetingFactory)
    asker_name = "A Resident"
    question = "When will a written response be provided?"


class WorkProgrammeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkProgrammeItem

    committee = factory.SubFactory(CommitteeFactory)
    topic = factory.Sequence(lambda n: f"Topic {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """UserFactory(role="Officer") puts the user in that role group (and staff, for admin roles)."""
        if extracted:
            from committee.roles import STAFF_ROLES

            self.groups.add(Group.objects.get(name=extracted))
            self.is_staff = extracted in STAFF_ROLES
        self.save()
