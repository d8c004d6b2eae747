"""The world the write-side access matrix (tests/test_admin_access_matrix.py) runs in: two committees, A and B, with
every kind of committee record, built through the actions (so history rows exist as they would), and then a marker
planted in every text field of every record (and of every historical version of it).

Markers: "ZQA-<model>.<field>.<pk>" in committee A's records, "ZQB-…" in committee B's, "ZQC-…" in a complainant's
personal data. The staff users under test all support committee A, so no "ZQB-" may ever reach them in
the admin, and no "ZQC-" may reach anyone but the Complaints officer.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import models
from django_otp.plugins.otp_totp.models import TOTPDevice

from committee import services as committee_services
from committee.access import SYSTEM
from committee.models import Committee, Membership, Person, SpecialRole
from committee.roles import migration_sync_roles
from committee.scoping import committee_path_of
from improvement import services as improvement_services
from improvement.models import PlanPresentation
from meetings import services
from meetings.models import (
    ActionUpdate,
    AgendaItem,
    AgendaPack,
    Attendance,
    DeclarationOfInterest,
    Document,
    Question,
    Recommendation,
    ReminderLog,
    SpeakerLink,
    WorkProgrammeItem,
)
from tests.complaints.factories import ComplaintFactory, PersonalDataFactory, StageFactory
from tests.factories import UserFactory
from tests.improvement import factories as improvement_factories

# Dates fixed, never counted from today: the meeting held and minuted, the one whose minutes are a draft, and one whose
# agenda is still a draft (far enough ahead to stay in the future).
HELD = datetime.date(2025, 3, 6)
DRAFT_MINUTES = datetime.date(2025, 6, 5)
FUTURE = datetime.date(2099, 1, 14)

# Records that belong to a committee although their QuerySet does not say so (committee.scoping): the matrix treats
# them as that committee's, so the admin must too.
UNDECLARED_COMMITTEE_PATHS = {PlanPresentation: "agenda_item__meeting__committee"}

# The staff roles under test: each user supports committee A only.
ROLES = {
    "officer": {"group": "Officer"},
    "clerk": {"group": "Clerk"},
    "complaints officer": {"group": "Complaints officer"},
    "administrator": {"group": "Administrator"},  # a member of the group, not a superuser
    "superuser": {"group": None, "superuser": True},
}


def committee_path(model) -> str | None:
    """The lookup from a record of `model` to its committee, declared (committee.scoping) or known to the matrix."""
    if model is Committee:
        return ""
    return committee_path_of(model) if committee_path_of(model) is not None else UNDECLARED_COMMITTEE_PATHS.get(model)


def committee_models() -> list[type[models.Model]]:
    """Every model whose records belong to a committee."""
    return [model for model in apps.get_models() if committee_path(model) is not None]


def records_of(model, committee_id: int):
    """`model`'s records that belong to the committee."""
    path = committee_path(model)
    return model._default_manager.filter(**({"pk": committee_id} if path == "" else {path: committee_id}))


@dataclass
class World:
    a: int  # committee ids
    b: int
    users: dict  # role -> user (all support committee A)
    officer_of_b: object  # supports B, without the publish permission
    clerk_of_b: object  # supports B: builds what a legitimate form post looks like
    complaints_officer: object
    superuser_of_nothing: object
    ids: dict = field(default_factory=dict)  # name -> pk of notable records, per committee ("b.exempt_minute" …)
    b_records: dict = field(default_factory=dict)  # model -> [pk] of committee B's records
    a_records: dict = field(default_factory=dict)  # model -> [pk] of committee A's records
    complaint: int = 0
    device: int = 0
    payloads: dict = field(default_factory=dict)  # (model label, pk) -> what B's clerk posts from its change page


def _person(slug: str, name: str, kind=Person.Kind.COUNCILLOR) -> Person:
    honorific = "Councillor" if kind == Person.Kind.COUNCILLOR else ""
    return committee_services.person_save(person=Person(name=name, slug=slug, kind=kind, honorific=honorific), by=SYSTEM)


def _paper(document: Document) -> Document:
    """A paper saved through its action (which answers with what the officer should be told, not the paper)."""
    services.document_save(document=document, by=SYSTEM)
    return document


def _committee_records(committee: Committee, tag: str, plan, inspection) -> dict:
    """One of everything a committee has, entered through the actions as the admin would."""
    ids = {}
    surname = {"a": "Quill", "b": "Quarry"}[tag]
    chair = _person(f"{tag}-chair", f"C {surname}")
    officer = _person(f"{tag}-officer", f"O {surname}son", kind=Person.Kind.OFFICER)
    committee_services.seat_save(
        seat=Membership(committee=committee, person=chair, role=Membership.Role.CHAIR, capacity="x", start_date=datetime.date(2024, 5, 14)),
        by=SYSTEM,
    )
    committee_services.seat_save(
        seat=SpecialRole(committee=committee, person=chair, title="Champion", description="x", start_date=datetime.date(2024, 5, 14)),
        by=SYSTEM,
    )

    # The meeting held on HELD: agenda published, a public and an exempt item with papers, minutes approved.
    held = services.meeting_create(
        committee=committee, date=HELD, by=SYSTEM, with_standard_items=False, notes="x", briefing_facilities="x", public_attendance_note="x"
    )
    services.meeting_change_status(meeting=held, move="mark_held", by=SYSTEM)
    public_item = services.agenda_item_save(
        item=AgendaItem(meeting=held, number=6, title="x", description="x", sponsor="x", report_status="attached", presenter=officer),
        by=SYSTEM,
    )
    exempt_item = services.agenda_item_save(item=AgendaItem(meeting=held, number=7, title="x", exempt_paragraph=3), by=SYSTEM)
    paper = {"title": "x", "cover_meeting": "x", "cover_date": "x", "subject": "x", "report_from": "x", "contact_officer": "x"}
    public_report = _paper(Document(agenda_item=public_item, background_papers="x", **paper))
    exempt_report = _paper(Document(agenda_item=exempt_item, **paper))
    services.attendance_save(attendance=Attendance(meeting=held, person=chair, role=Attendance.Role.CHAIR, capacity="x"), by=SYSTEM)
    services.declaration_save(declaration=DeclarationOfInterest(meeting=held, person=chair, agenda_item=public_item, nature="x"), by=SYSTEM)
    services.speaker_link_save(link=SpeakerLink(meeting=held, as_minuted=f"Councillor {surname}", person=chair), by=SYSTEM)
    services.meeting_publish_agenda(meeting=held, by=SYSTEM, at=datetime.datetime(2025, 2, 25, 10, tzinfo=datetime.UTC))
    public_minute = services.minute_item_create(
        meeting=held, title="x", agenda_item=public_item, body=f"Councillor {surname} asked about x.", by=SYSTEM
    )
    exempt_minute = services.minute_item_create(meeting=held, title="x", agenda_item=exempt_item, body="x", by=SYSTEM)
    public_resolution = services.resolution_create(minute_item=public_minute, text="x", by=SYSTEM)
    exempt_resolution = services.resolution_create(minute_item=exempt_minute, text="x", by=SYSTEM)
    due = HELD + datetime.timedelta(days=40)
    action = services.action_create(
        minute_item=public_minute, description="x", resolution=public_resolution, owner=officer, owed_to="x", due_date=due, by=SYSTEM
    )
    services.action_create(
        minute_item=exempt_minute, description="x", resolution=exempt_resolution, owner_text="x", due_date=due, by=SYSTEM
    )
    services.action_update_save(update=ActionUpdate(action=action, date=HELD + datetime.timedelta(days=5), text="x"), by=SYSTEM)
    exempt_question = services.question_save(
        question=Question(meeting=held, minute_item=exempt_minute, asker_name="x", question="x", answer="x", answered_by="x"), by=SYSTEM
    )
    services.question_save(
        question=Question(meeting=held, minute_item=public_minute, asker_name="x", question="x", written_response_owed=True), by=SYSTEM
    )
    services.minutes_mark_approved(meeting=held, by=SYSTEM, reason="Approved at the next meeting")

    # The meeting of DRAFT_MINUTES: agenda published, minutes a draft nobody has published.
    draft = services.meeting_create(committee=committee, date=DRAFT_MINUTES, by=SYSTEM, with_standard_items=False)
    services.meeting_change_status(meeting=draft, move="mark_held", by=SYSTEM)
    draft_item = services.agenda_item_save(item=AgendaItem(meeting=draft, number=6, title="x"), by=SYSTEM)
    services.meeting_publish_agenda(meeting=draft, by=SYSTEM, at=datetime.datetime(2025, 5, 27, 10, tzinfo=datetime.UTC))
    draft_minute = services.minute_item_create(meeting=draft, title="x", agenda_item=draft_item, body="x", by=SYSTEM)
    services.resolution_create(minute_item=draft_minute, text="x", by=SYSTEM)
    services.action_create(minute_item=draft_minute, description="x", due_date=DRAFT_MINUTES + datetime.timedelta(days=30), by=SYSTEM)
    services.question_save(question=Question(meeting=draft, minute_item=draft_minute, asker_name="x", question="x"), by=SYSTEM)

    # The meeting of FUTURE: a draft agenda with a draft report.
    future = services.meeting_create(committee=committee, date=FUTURE, by=SYSTEM, with_standard_items=False)
    future_item = services.agenda_item_save(item=AgendaItem(meeting=future, number=6, title="x", description="x"), by=SYSTEM)
    draft_report = _paper(Document(agenda_item=future_item, title="x"))

    services.work_programme_item_save(
        item=WorkProgrammeItem(
            committee=committee, topic="x", description="x", source_minute=public_minute, planned_for=future, agenda_item=future_item
        ),
        by=SYSTEM,
    )
    services.recommendation_save(
        recommendation=Recommendation(
            committee=committee,
            minute_item=public_minute,
            resolution=public_resolution,
            text="x",
            to_body="x",
            response_reason="x",
            implementation_note="x",
        ),
        by=SYSTEM,
    )
    subscriber = UserFactory(username=f"subscriber-{tag}", email=f"subscriber-{tag}@example.org")
    services.subscription_set(user=subscriber, committee=committee, subscribed=True)
    ReminderLog.objects.create(action=action, kind=ReminderLog.Kind.UPCOMING, due_date=due, recipient="owner@example.org")
    # A built, unpublished pack (a row is enough: the views under test refuse before reading the file).
    pack = AgendaPack.objects.create(
        meeting=held, version=1, status=AgendaPack.Status.READY, file=f"packs/{tag}.pdf", page_count=1, size_bytes=1, error="x"
    )
    # The shared improvement plan presented at the draft agenda's item; the shared inspection considered there.
    improvement_services.plan_presentation_create(plan=plan, agenda_item=future_item, note="x", by=SYSTEM)
    inspection.agenda_items.add(future_item)

    for name, record in [
        ("held", held),
        ("draft_minutes", draft),
        ("future", future),
        ("public_item", public_item),
        ("exempt_item", exempt_item),
        ("draft_item", future_item),
        ("public_report", public_report),
        ("exempt_report", exempt_report),
        ("draft_report", draft_report),
        ("public_minute", public_minute),
        ("exempt_minute", exempt_minute),
        ("draft_minute", draft_minute),
        ("public_resolution", public_resolution),
        ("exempt_question", exempt_question),
        ("action", action),
        ("pack", pack),
    ]:
        ids[f"{tag}.{name}"] = record.pk
    return ids


def _marker_fields(model) -> list[models.Field]:
    """The free-text fields of `model`: where a marker can go without changing what the record means or making its
    form invalid (no slugs, e-mail addresses, links, choices or fields the system fills in)."""
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, models.SlugField | models.EmailField | models.URLField)
        and not f.choices
        and f.editable
        and not f.primary_key
    ]


def plant_markers(model, pks, prefix: str) -> None:
    """Write "<prefix><model>.<field>.<pk>" into every free-text field of the records and every version in their history."""
    fields = _marker_fields(model)
    history = getattr(model, "history", None) if hasattr(model._meta, "simple_history_manager_attribute") else None
    history_names = {f.name for f in history.model._meta.concrete_fields} if history is not None else set()
    for pk in pks if fields else ():
        values = {f.name: f"{prefix}{model._meta.model_name}.{f.name}.{pk}"[: f.max_length or None] for f in fields}
        model._default_manager.filter(pk=pk).update(**values)
        if history is not None:
            history.model.objects.filter(**{model._meta.pk.attname: pk}).update(
                history_change_reason=f"{prefix}history.reason.{pk}", **{k: v for k, v in values.items() if k in history_names}
            )


def _staff(username: str, group: str | None, *, superuser: bool = False, supports=()):
    user = UserFactory(username=username, email=f"{username}@example.org", role=group)
    user.is_staff = True
    user.is_superuser = superuser
    user.save()
    for committee in supports:
        committee.supporting_officers.add(user)
    return user


def build_world() -> World:
    """Committees A and B with one of every record, the staff under test, markers planted."""
    # The roles as declared (a transactional test's flush elsewhere in the run may have taken the groups with it).
    migration_sync_roles(apps, None)
    a = committee_services.committee_save(
        committee=Committee(name="Alpha Scrutiny Committee", slug="alpha", minute_prefix="A.", contact_name="x", remit="x"), by=SYSTEM
    )
    b = committee_services.committee_save(
        committee=Committee(name="Beta Scrutiny Committee", slug="beta", minute_prefix="B.", contact_name="x", remit="x"), by=SYSTEM
    )
    plan = improvement_factories.PlanFactory(slug="matrix-plan", name="Matrix Plan")
    outcome = improvement_factories.OutcomeFactory(priority=improvement_factories.PriorityFactory(plan=plan, number=1))
    improvement_factories.update(improvement_factories.ActionFactory(outcome=outcome), datetime.date(2025, 4, 1), narrative="Progress.")
    improvement_factories.MeasurementFactory(measure=improvement_factories.MeasureFactory(slug="matrix-measure"))
    inspection = improvement_factories.InspectionFactory(slug="matrix-inspection")
    improvement_factories.RecommendationFactory(inspection=inspection)
    improvement_factories.JudgementFactory(inspection=inspection)

    ids = {**_committee_records(a, "a", plan, inspection), **_committee_records(b, "b", plan, inspection)}

    users = {
        role: _staff(role.replace(" ", "-"), spec["group"], superuser=spec.get("superuser", False), supports=[a])
        for role, spec in ROLES.items()
    }
    officer_of_b = _staff("officer-of-b", "Officer", supports=[b])
    clerk_of_b = _staff("clerk-of-b", "Clerk", supports=[b])
    superuser_of_nothing = _staff("superuser-of-nothing", None, superuser=True)
    assert Group.objects.filter(name__in=[spec["group"] for spec in ROLES.values() if spec["group"]]).count() == 4
    device = TOTPDevice.objects.create(user=clerk_of_b, name="Authenticator app", confirmed=True)

    complaint = ComplaintFactory(received_date=datetime.date(2025, 6, 2))
    StageFactory(complaint=complaint, opened_date=datetime.date(2025, 6, 4))
    personal_data = PersonalDataFactory(complaint=complaint, complainant_email="complainant@example.org")
    plant_markers(type(personal_data), [personal_data.pk], "ZQC-")

    world = World(
        a=a.pk,
        b=b.pk,
        users=users,
        officer_of_b=officer_of_b,
        clerk_of_b=clerk_of_b,
        complaints_officer=users["complaints officer"],
        superuser_of_nothing=superuser_of_nothing,
        ids=ids,
        complaint=complaint.pk,
        device=device.pk,
    )
    for model in committee_models():
        for committee_id, prefix, into in ((a.pk, "ZQA-", world.a_records), (b.pk, "ZQB-", world.b_records)):
            pks = sorted(records_of(model, committee_id).values_list("pk", flat=True))
            into[model] = pks
            plant_markers(model, pks, prefix)
    return world
