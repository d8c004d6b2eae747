"""Load the demo committee from the YAML transcriptions in meetings/demo/ (see its README).

Idempotent: every record is matched on its natural key and updated, so running it twice changes nothing.
"""

import datetime
import functools
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from committee import services as committee_services
from committee.access import SYSTEM
from committee.models import Committee, Membership, Person, SpecialRole
from committee.provenance import Provenance
from meetings import services
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    DeclarationOfInterest,
    Document,
    Meeting,
    MinuteItem,
    Question,
    Recommendation,
    Resolution,
    WorkProgrammeItem,
)

DEMO_DIR = Path(__file__).resolve().parent / "demo"
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ten times faster


@functools.cache
def read_demo_files(folder: Path = DEMO_DIR) -> dict:
    """Merge every YAML file in `folder` into one document (lists concatenated, people merged by key). Read-only."""
    merged: dict = {
        "committee": None,
        "people": {},
        "memberships": [],
        "special_roles": [],
        "work_programme": [],
        "meetings": [],
        "commitments": [],
        "recommendations": [],
    }
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader) or {}
        if data.get("committee"):
            merged["committee"] = data["committee"]
        for person in data.get("people") or []:
            current = merged["people"].setdefault(person["key"], {})
            current.update({k: v for k, v in person.items() if v not in (None, "")})
        for key in ("memberships", "special_roles", "work_programme", "meetings", "commitments", "recommendations"):
            merged[key].extend(data.get(key) or [])
    return merged


def _time(value):
    if value in (None, ""):
        return None
    if isinstance(value, int):  # YAML 1.1 reads an unquoted 19:00 as sexagesimal 1140
        return datetime.time(value // 60, value % 60)
    return datetime.time.fromisoformat(str(value))


def _text(value):
    return (value or "").strip()


# Every write below goes through the actions (meetings.services, committee.services) as the system, with this reason
# in each record's history, so the demo obeys the same rules as an officer at the keyboard.
BY = SYSTEM
REASON = "Demo data: transcribed from the seeds"


def _get(model, **key):
    """The record with this natural key, or a new one carrying it (the loader is idempotent)."""
    return model.objects.filter(**key).first() or model(**key)


def _set(record, **fields):
    for name, value in fields.items():
        setattr(record, name, value)
    return record


class DemoLoader:
    def __init__(self, data: dict):
        self.data = data
        self.people: dict[str, Person] = {}
        self.meetings: dict[datetime.date, Meeting] = {}

    @transaction.atomic
    def run(self) -> dict[str, int]:
        self.load_committee()
        self.load_people()
        self.load_memberships()
        specs = sorted(self.data["meetings"], key=lambda m: m["date"])
        for spec in specs:
            self.load_meeting_shell(spec)
        for spec in specs:
            self.load_meeting_record(spec)
        self.load_work_programme()
        self.load_commitments()
        self.load_recommendations()
        for spec in specs:
            self.publish(spec)
        return {
            "people": Person.objects.count(),
            "meetings": Meeting.objects.filter(committee=self.committee).count(),
            "minute items": MinuteItem.objects.filter(meeting__committee=self.committee).count(),
            "resolutions": Resolution.objects.filter(minute_item__meeting__committee=self.committee).count(),
            "actions": Action.objects.filter(minute_item__meeting__committee=self.committee).count(),
        }

    # --- committee and people -------------------------------------------------
    def load_committee(self):
        spec = dict(self.data["committee"])
        aliases = spec.pop("aliases", []) or []
        slug = spec.pop("slug", None) or slugify(spec["name"])
        fields = {k: v for k, v in spec.items() if k in {f.name for f in Committee._meta.fields}}
        fields["aliases"] = "\n".join(aliases)
        self.committee = committee_services.committee_save(committee=_set(_get(Committee, slug=slug), **fields), by=BY, reason=REASON)

    def load_people(self):
        for key, spec in self.data["people"].items():
            fields = {
                "name": spec.get("name") or key,
                "full_name": spec.get("full_name", ""),
                "honorific": spec.get("honorific", ""),
                "job_title": spec.get("job_title", ""),
                "organisation": spec.get("organisation", ""),
                "email": spec.get("email", ""),
                "phone": str(spec.get("phone", "")),
                "kind": spec.get("kind", Person.Kind.OFFICER),
            }
            self.people[key] = committee_services.person_save(person=_set(_get(Person, slug=key), **fields), by=BY, reason=REASON)

    def person(self, key):
        if not key:
            return None
        if key not in self.people:
            # A key used but never described: a bare record rather than a lost link.
            person = Person.objects.filter(slug=key).first() or Person(slug=key, name=key.replace("-", " ").title())
            self.people[key] = committee_services.person_save(person=person, by=BY, reason=REASON)
        return self.people[key]

    def load_memberships(self):
        for spec in self.data["memberships"]:
            seat = _get(Membership, committee=self.committee, person=self.person(spec["person"]), start_date=spec["start"])
            _set(
                seat,
                role=spec.get("role", "member"),
                role_provenance=spec.get("role_provenance", Provenance.RECORDED),
                capacity=spec.get("capacity") or "",
                end_date=spec.get("end"),
            )
            committee_services.seat_save(seat=seat, by=BY, reason=REASON)
        for spec in self.data["special_roles"]:
            role = _get(
                SpecialRole, committee=self.committee, person=self.person(spec["person"]), title=spec["title"], start_date=spec["start"]
            )
            _set(role, end_date=spec.get("end"), description=spec.get("description", ""))
            committee_services.seat_save(seat=role, by=BY, reason=REASON)

    # --- meetings ---------------------------------------------------------------
    def load_meeting_shell(self, spec):
        meeting = Meeting.objects.filter(committee=self.committee, date=spec["date"]).first()
        fields = {
            "start_time": _time(spec.get("start_time")) or datetime.time(19, 0),
            "started_at": _time(spec.get("started_at")),
            "ended_at": _time(spec.get("ended_at")),
            "venue": spec.get("venue") or self.committee.default_venue,
            "notes": _text(spec.get("notes")),
            "public_attendance_count": spec.get("public_attendance_count"),
            "public_attendance_note": _text(spec.get("public_attendance_note")),
            # What the seeds do not give is marked, not passed off as the council's (committee.provenance).
            "start_time_provenance": spec.get("start_time_provenance", Provenance.RECORDED),
            "venue_provenance": spec.get("venue_provenance", Provenance.RECORDED),
            "agenda_provenance": spec.get("agenda_provenance", Provenance.RECORDED),
            "apologies_not_recorded": bool(spec.get("apologies_not_recorded", False)),
            "contact_name": _text((spec.get("contact") or {}).get("name")),
            "contact_phone": str((spec.get("contact") or {}).get("phone") or ""),
            "contact_email": _text((spec.get("contact") or {}).get("email")),
        }
        if meeting is None:
            meeting = services.meeting_create(
                committee=self.committee, date=spec["date"], by=BY, with_standard_items=False, reason=REASON, **fields
            )
        else:
            meeting = services.meeting_update(meeting=meeting, by=BY, reason=REASON, **fields)
        if spec.get("status", Meeting.Status.HELD) == Meeting.Status.HELD and meeting.status == Meeting.Status.SCHEDULED:
            meeting = services.meeting_change_status(meeting=meeting, move="mark_held", by=BY, reason=REASON)
        if spec.get("minutes_status", "none") != "none" and not spec.get("minutes") and meeting.minutes_state == "none":
            # Minutes the seeds show exist (approved later) but do not print: recorded as kept elsewhere.
            meeting = services.minutes_mark_written(meeting=meeting, by=BY, reason="Demo data: these minutes are not in the seeds")
        self.meetings[spec["date"]] = meeting

    def meeting(self, day):
        return self.meetings.get(day) if day else None

    def load_meeting_record(self, spec):
        meeting = self.meetings[spec["date"]]
        agenda = {}
        for item in spec.get("agenda") or []:
            pages = item.get("pages") or [None, None]
            record = _set(
                _get(AgendaItem, meeting=meeting, number=item["number"]),
                title=item["title"],
                kind=item.get("kind", AgendaItem.Kind.REPORT),
                description=_text(item.get("description")),
                sponsor=_text(item.get("sponsor")),
                report_status=item.get("report_status", AgendaItem.ReportStatus.NONE),
                # "(Pages 9 - 34)" as the council printed them; a pack built here has its own (page_start, page_end).
                printed_page_start=pages[0],
                printed_page_end=pages[1],
                minutes_of=self.meeting(item.get("minutes_of")),
            )
            agenda[item["number"]] = services.agenda_item_save(item=record, by=BY, reason=REASON)
            for order, doc in enumerate(item.get("documents") or [], start=1):
                document = _set(
                    _get(Document, agenda_item=agenda[item["number"]], order=order),
                    title=doc["title"],
                    kind=doc.get("kind", Document.Kind.REPORT),
                    cover_meeting=_text(doc.get("cover_meeting")),
                    cover_date=str(doc.get("cover_date") or ""),
                    subject=_text(doc.get("subject")),
                    report_from=_text(doc.get("report_from")),
                    contact_officer=_text(doc.get("contact_officer")),
                    classification=_text(doc.get("classification")),
                    decision_type=_text(doc.get("decision_type")),
                    background_papers=_text(doc.get("background_papers")),
                    # The YAML body is Markdown (meetings.bodies): kept as written, rendered to its structure on save.
                    body_source=_text(doc.get("body")),
                )
                services.document_save(document=document, by=BY, reason=REASON)
        for order, row in enumerate(spec.get("attendance") or []):
            person = self.person(row.get("person"))
            # Someone the minutes name only by capacity ("CYP Representative") is recorded so, with no person invented.
            key = {"person": person} if person else {"person": None, "capacity": _text(row.get("capacity"))}
            attendance = _set(
                _get(Attendance, meeting=meeting, **key),
                role=row.get("role", Attendance.Role.PRESENT),
                role_provenance=row.get("role_provenance", Provenance.RECORDED),
                capacity=_text(row.get("capacity")),
                order=order,
            )
            services.attendance_save(attendance=attendance, by=BY, reason=REASON)
        for row in spec.get("declarations") or []:
            declaration = _get(DeclarationOfInterest, meeting=meeting, person=self.person(row["person"]), nature=row["nature"])
            declaration.agenda_item = agenda.get(row.get("agenda_item"))
            services.declaration_save(declaration=declaration, by=BY, reason=REASON)
        minutes = {}
        for row in spec.get("minutes") or []:
            minute = _set(
                _get(MinuteItem, meeting=meeting, number=row["number"]),
                title=row["title"],
                agenda_item=agenda.get(row.get("agenda_item")),
                body=_text(row.get("body")),
            )
            minutes[row["number"]] = minute = services.minute_item_save(
                minute_item=minute, by=BY, reason=REASON, prefix=row.get("prefix", "")
            )
            resolutions = []
            for number, res in enumerate(row.get("resolutions") or [], start=1):
                approved = self.meeting(res.get("approves_minutes_of"))
                if approved is not None and approved.minutes_state == "none":
                    # The approval shows the minutes were written, though the seeds do not print them.
                    reason = f"Demo data: not in the seeds; approved at the meeting of {meeting.date:%-d %B %Y}"
                    self.meetings[approved.date] = services.minutes_mark_written(meeting=approved, by=BY, reason=reason)
                resolution = _set(
                    _get(Resolution, minute_item=minute, number=number),
                    text=_text(res["text"]),
                    kind=res.get("kind", Resolution.Kind.NOTE),
                    approves_minutes_of=self.meeting(res.get("approves_minutes_of")),
                )
                resolutions.append(services.resolution_save(resolution=resolution, by=BY, reason=REASON))
            for act in row.get("actions") or []:
                index = act.get("resolution")
                action = _set(
                    _get(Action, minute_item=minute, description=_text(act["description"])),
                    owner=self.person(act.get("owner")),
                    owner_text=_text(act.get("owner_text")),
                    resolution=resolutions[index - 1] if index and index <= len(resolutions) else None,
                    due_date=act.get("due"),
                    due_rule=Action.DueRule.DATE if act.get("due") else Action.DueRule.NEXT_MEETING,
                )
                action = services.action_save(action=action, by=BY, reason=REASON)
                self.move_action(action, act.get("status", Action.Status.OPEN), act.get("completed"))
        # Matched by position, not by words: questions the minutes record only as asked (no asker, no words) would
        # otherwise all match the first and collapse into one.
        existing = list(Question.objects.filter(meeting=meeting).order_by("pk"))
        for index, row in enumerate(spec.get("questions") or []):
            question = _set(
                existing[index] if index < len(existing) else Question(meeting=meeting),
                asker_name=_text(row.get("asker")),
                question=_text(row.get("question")),
                minute_item=minutes.get(row.get("minute")),
                kind=row.get("kind", Question.Kind.PUBLIC),
                submitted=row.get("submitted", Question.Submitted.AT_MEETING),
                asker_person=self.person(row.get("asker_person")),
                answer=_text(row.get("answer")),
                answered_by=_text(row.get("answered_by")),
                written_response_owed=bool(row.get("written_response_owed")),
                written_response_date=row.get("written_response_date"),
                refers_to_meeting=self.meeting(row.get("refers_to_meeting")),
            )
            services.question_save(question=question, by=BY, reason=REASON)

    def move_action(self, action, status, completed):
        """Bring an action to the status the minutes record, through its transitions."""
        moves = {
            Action.Status.DONE: "complete",
            Action.Status.CANCELLED: "cancel",
            Action.Status.IN_PROGRESS: "start",
        }
        if action.status == status or status not in moves:
            return action
        return services.action_change_status(action=action, move=moves[status], by=BY, on=completed, reason=REASON)

    def publish(self, spec):
        """The seeds are the published record: agendas published (before their meetings), approvals and drafts as printed."""
        meeting = Meeting.objects.get(pk=self.meetings[spec["date"]].pk)
        if meeting.agenda_status != Meeting.AgendaStatus.PUBLISHED:
            # The seeds print no publication dates: a week and a day before, marked as the YAML says (illustrative).
            at = timezone.make_aware(datetime.datetime.combine(spec["date"] - datetime.timedelta(days=8), datetime.time(12)))
            meeting = services.meeting_publish_agenda(
                meeting=meeting,
                by=BY,
                reason=REASON,
                at=at,
                provenance=spec.get("agenda_published_provenance", Provenance.RECORDED),
            )
        wanted = spec.get("minutes_status", "none")
        if wanted == "approved" and meeting.minutes_state != "approved":
            # Approved at a meeting whose minutes the seeds do not print (so no resolution here carries it).
            services.minutes_mark_approved(
                meeting=meeting,
                by=BY,
                reason="Demo data: approved at a later meeting whose minutes are not in the seeds",
                provenance=spec.get("minutes_approval_provenance", Provenance.RECORDED),
            )
        elif wanted == "draft" and meeting.minutes_state == "draft":
            services.minutes_publish_draft(meeting=meeting, by=BY, reason=REASON)

    def minute(self, day, number):
        return MinuteItem.objects.get(meeting=self.meetings[day], number=number)

    def load_commitments(self):
        """Apply the follow-through reading (50_followthrough.yaml): what each action owes, to whom, when."""
        for spec in self.data["commitments"]:
            fields = {k: spec[k] for k in ("kind", "owed_to", "due_rule") if k in spec}
            if "question" in spec:
                fields["question"] = self.find_question(spec["question"])
            if "match" in spec:
                where = spec["match"]
                action = Action.objects.get(
                    minute_item=self.minute(where["meeting"], where["minute"]), description__startswith=where["starts"]
                )
            else:
                where = spec["add"]
                action = _get(Action, minute_item=self.minute(where["meeting"], where["minute"]), description=spec["description"])
                if action.pk is None:
                    action.owner = self.person(spec.get("owner"))
            action = services.action_save(action=_set(action, **fields), by=BY, reason=REASON)
            if spec.get("provided_by") and action.provided_by_item_id is None:
                item = AgendaItem.objects.get(meeting=self.meetings[spec["provided_by"]["meeting"]], number=spec["provided_by"]["item"])
                services.commitment_provide(action=action, agenda_item=item, by=BY)

    def find_question(self, spec):
        questions = Question.objects.filter(meeting__committee=self.committee, asker_name=spec["asker"])
        if spec.get("contains"):
            questions = questions.filter(question__contains=spec["contains"])
        if spec.get("not_contains"):
            questions = questions.exclude(question__contains=spec["not_contains"])
        return questions.order_by("pk").first()

    def load_recommendations(self):
        for spec in self.data["recommendations"]:
            minute = self.minute(spec["meeting"], spec["minute"])
            recommendation = _set(
                _get(Recommendation, committee=self.committee, minute_item=minute, text=spec["text"]),
                resolution=minute.resolutions.filter(number=spec.get("resolution")).first(),
                to_body=spec.get("to_body", "Cabinet"),
                sent_date=spec.get("sent_date"),
                response=spec.get("response", Recommendation.Response.PENDING),
                response_date=spec.get("response_date"),
                response_reason=_text(spec.get("response_reason")),
            )
            services.recommendation_save(recommendation=recommendation, by=BY, reason=REASON)

    def load_work_programme(self):
        for spec in self.data["work_programme"]:
            source = spec.get("source") or {}
            source_minute = None
            if source.get("meeting") and source.get("minute"):
                source_minute = MinuteItem.objects.filter(meeting=self.meeting(source["meeting"]), number=source["minute"]).first()
            item = _set(
                _get(WorkProgrammeItem, committee=self.committee, topic=spec["topic"]),
                description=_text(spec.get("description")),
                source_minute=source_minute,
                planned_for=self.meeting(spec.get("planned_for")),
                status=spec.get("status", WorkProgrammeItem.Status.PROPOSED),
            )
            services.work_programme_item_save(item=item, by=BY, reason=REASON)


def load_demo() -> dict[str, int]:
    """Load (or refresh) the demo committee; returns record counts."""
    return DemoLoader(read_demo_files()).run()
