# ruff: noqa: E501 (the loops are quoted as the templates had them)
"""The one-pass rows of the tracker, the decisions register and the questions list print exactly what the template
loops they replaced printed: each is compared here with that loop, over rows that take every branch."""

import datetime

import pytest
from django.template import Context, Template

from committee.models import Person
from meetings.models import Action, Question, Resolution
from meetings.templatetags.register_tags import decision_rows, question_rows
from meetings.templatetags.tracker_tags import action_rows
from meetings.views.core import ActionListView, QuestionListView, ResolutionListView
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    MinuteItemFactory,
    OfficerFactory,
    PersonFactory,
    QuestionFactory,
    ResolutionFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
AWKWARD = 'Costs & "savings" <b>not</b> agreed'

# The loops as the list templates had them.
ACTIONS_LOOP = """{% load council_tags %}{% for action in actions %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell">{{ action.description }}</td>
          <td class="govuk-table__cell" data-label="Owner">{% if action.owner %}{% person_link action.owner action.owner.display_name %}{% else %}{{ action.owner_label }}{% endif %}</td>
          <td class="govuk-table__cell" data-label="Agreed at"><a class="govuk-link" href="{{ action.minute_item.get_absolute_url }}">Minute {{ action.minute_item.reference }}, {{ action.minute_item.meeting.date|short_date }}</a></td>
          <td class="govuk-table__cell" data-label="Due">{{ action.due_label }}</td>
          <td class="govuk-table__cell" data-label="Status">{% action_status action %}</td>
        </tr>
      {% empty %}
        <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="5">No actions match these filters.</td></tr>
      {% endfor %}"""
DECISIONS_LOOP = """{% load council_tags %}{% for resolution in resolutions %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell"><a class="govuk-link" href="{{ resolution.minute_item.meeting.get_absolute_url }}">{{ resolution.minute_item.meeting.date|short_date }}</a><br><span class="govuk-body-s">{{ resolution.minute_item.meeting.committee.name }}</span></td>
          <td class="govuk-table__cell"><a class="govuk-link" href="{{ resolution.minute_item.get_absolute_url }}">{{ resolution.minute_item.reference }} {{ resolution.minute_item.title }}</a></td>
          <td class="govuk-table__cell">{{ resolution.text }}</td>
          <td class="govuk-table__cell">{{ resolution.get_kind_display }}</td>
        </tr>
      {% empty %}
        <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">No decisions match these filters.</td></tr>
      {% endfor %}"""
QUESTIONS_LOOP = """{% load council_tags %}{% for q in questions %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell">{{ q.asker_name|default:"Not recorded" }}<br><span class="govuk-body-s">{{ q.get_kind_display }}</span></td>
      <td class="govuk-table__cell"><a class="govuk-link" href="{% if q.minute_item %}{{ q.minute_item.get_absolute_url }}{% else %}{{ q.meeting.get_absolute_url }}{% endif %}">{{ q.meeting.date|short_date }}</a>{% if q.refers_to_meeting %}<br><span class="govuk-body-s">first raised {{ q.refers_to_meeting.date|short_date }}</span>{% endif %}</td>
      <td class="govuk-table__cell">{{ q.question|truncatewords:40|default:"Appended to the minutes (not published here)." }}</td>
      <td class="govuk-table__cell">{% if q.written_response_owed %}{% if q.written_response_date %}<strong class="govuk-tag govuk-tag--green">Sent {{ q.written_response_date|short_date }}</strong>{% else %}<strong class="govuk-tag govuk-tag--red">Owed</strong><br><span class="govuk-body-s">waiting {{ q.meeting.date|timesince:today }}{% if q.refers_to_meeting %} (since {{ q.refers_to_meeting.date|short_date }}: {{ q.refers_to_meeting.date|timesince:today }}){% endif %}</span>{% endif %}{% else %}Not promised{% endif %}</td>
    </tr>
  {% empty %}
    <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">No questions recorded.</td></tr>
  {% endfor %}"""


def loop(source, **context):
    return Template(source).render(Context(context))


def test_the_tracker_rows_are_the_template_loop():
    minute = MinuteItemFactory(prefix="CYP.", title=AWKWARD)
    public = PersonFactory(kind=Person.Kind.PUBLIC, honorific="", name="A Resident")
    ActionFactory(minute_item=minute, description=AWKWARD, owner=OfficerFactory(full_name="Shahbaz Arif <Head>"))
    ActionFactory(minute_item=minute, owner=PersonFactory(), due_date=TODAY - datetime.timedelta(days=3))
    ActionFactory(minute_item=minute, owner=public, status=Action.Status.IN_PROGRESS)
    ActionFactory(minute_item=minute, owner=None, owner_text="Head of <Libraries>", status=Action.Status.CANCELLED)
    ActionFactory(minute_item=minute, owner=None, status=Action.Status.DONE, completed_date=TODAY)
    ActionFactory(minute_item=minute, owner=None, status=Action.Status.DONE, completed_date=None)
    ActionFactory(minute_item=minute, due_date=None, due_rule=Action.DueRule.NEXT_MEETING)
    ActionFactory(minute_item=minute, due_date=None, due_rule=Action.DueRule.FUTURE_MEETING)
    listed = Action.objects.with_context().with_is_overdue().order_by("due_date", "pk")
    assert str(action_rows(ActionListView.page_rows(listed))) == loop(ACTIONS_LOOP, actions=listed)
    assert str(action_rows(ActionListView.page_rows(listed.none()))) == loop(ACTIONS_LOOP, actions=[])


def test_the_decision_rows_are_the_template_loop():
    ResolutionFactory(minute_item=MinuteItemFactory(prefix="CYP.", title=AWKWARD), text=AWKWARD)
    ResolutionFactory(kind=Resolution.Kind.APPROVE_MINUTES, approves_minutes_of=MeetingFactory())
    ResolutionFactory(kind=Resolution.Kind.REQUEST_REPORT)
    listed = Resolution.objects.with_context().order_by(*Resolution.REGISTER_ORDER)
    assert str(decision_rows(ResolutionListView.page_rows(listed))) == loop(DECISIONS_LOOP, resolutions=listed)
    assert str(decision_rows(ResolutionListView.page_rows(listed.none()))) == loop(DECISIONS_LOOP, resolutions=[])


def test_the_question_rows_are_the_template_loop():
    asked = MeetingFactory(date=TODAY - datetime.timedelta(days=400))
    first = MeetingFactory(date=TODAY - datetime.timedelta(days=800))
    long = " ".join([AWKWARD] * 12)
    QuestionFactory(meeting=asked, minute_item=MinuteItemFactory(meeting=asked), question=long, written_response_owed=True)
    QuestionFactory(meeting=asked, refers_to_meeting=first, asker_name="", written_response_owed=True, kind=Question.Kind.MEMBER)
    QuestionFactory(meeting=asked, written_response_owed=True, written_response_date=TODAY, question="")
    QuestionFactory(meeting=asked, asker_name=AWKWARD)
    listed = Question.objects.select_related("meeting", "minute_item__meeting", "refers_to_meeting").order_by("pk")
    rows = question_rows(QuestionListView.page_rows(listed), TODAY)
    assert str(rows) == loop(QUESTIONS_LOOP, questions=listed, today=TODAY)
    assert str(question_rows(listed.none(), TODAY)) == loop(QUESTIONS_LOOP, questions=[], today=TODAY)


def test_a_meeting_page_asks_for_no_minutes_the_meeting_cannot_show(client):
    """load_full_record skips the minutes (and their decisions, actions, questions) of a meeting whose minutes the reader
    may not see, and the agenda of one whose agenda they may not see; a meeting with public minutes still lists them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meetings.models import Meeting

    draft = MeetingFactory(minutes_status=Meeting.MinutesStatus.DRAFT, minutes_published=False, agenda_status=Meeting.AgendaStatus.DRAFT)
    MinuteItemFactory(meeting=draft, title="NOT YET PUBLIC")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(draft.get_absolute_url()).content.decode()
    assert "NOT YET PUBLIC" not in html
    tables = " ".join(q["sql"].split(" WHERE ")[0] for q in queries.captured_queries)
    assert 'FROM "meetings_minuteitem"' not in tables
    assert 'FROM "meetings_agendaitem"' not in tables

    held = MeetingFactory()
    MinuteItemFactory(meeting=held, title="PUBLIC MINUTE")
    assert "PUBLIC MINUTE" in client.get(held.get_absolute_url()).content.decode()


def test_a_meeting_page_runs_the_same_queries_for_one_matter_arising_as_for_five(client):
    """Matters arising that were provided link to their agenda item's meeting: loaded with them, not one query each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AgendaItemFactory

    def page_with(matters):
        meeting = MeetingFactory(date=TODAY + datetime.timedelta(days=30))
        for _ in range(matters):
            ActionFactory(due_meeting=meeting, provided_by_item=AgendaItemFactory(meeting=meeting))
        with CaptureQueriesContext(connection) as queries:
            html = client.get(meeting.get_absolute_url()).content.decode()
        assert html.count('govuk-tag--green">Provided</strong>') == matters
        return len(queries.captured_queries)

    assert page_with(5) == page_with(1)


def test_the_tracker_owner_options_are_the_people_as_they_print():
    """PersonChoiceField reads its options as rows: the same values, labels (Person.__str__) and order as the objects."""
    from meetings.filters import ActionFilter

    for owner in (PersonFactory(honorific="Councillor", name="C Boles"), OfficerFactory(name="Zoe <Able>"), PersonFactory(honorific="")):
        ActionFactory(owner=owner)
    field = ActionFilter().form.fields["owner"]
    assert field.option_rows() == [(field.prepare_value(p), field.label_from_instance(p)) for p in field.queryset]
    assert len(field.option_rows()) == 3


def test_decisions_that_tie_in_the_registers_order_are_each_listed_on_exactly_one_page(client):
    # given 30 committees that met on the same day, each minuting decision 1 of minute 7 (a tie in date and numbers)
    day = datetime.date(2024, 3, 7)
    made = {ResolutionFactory(minute_item=MinuteItemFactory(meeting=MeetingFactory(date=day), number=7), number=1).pk for _ in range(30)}
    # when both pages of the register are read
    listed = []
    for page in (1, 2):
        response = client.get(f"/decisions/?page={page}")
        listed += [r.pk for r in response.context["resolutions"]]
    # then every decision is on one page, and none on both
    assert sorted(listed) == sorted(made)
