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

from committee.models import Committee, Membership, Person, SpecialRole
from meetings import bodies, followthrough, services
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
        for spec in sorted(self.data["meetings"], key=lambda m: m["date"]):
            self.load_meeting_shell(spec)
        for spec in sorted(self.data["meetings"], key=lambda m: m["date"]):
            self.load_meeting_record(spec)
        self.load_work_programme()
        self.load_commitments()
        self.load_recommendations()
        for meeting in self.meetings.values():
            # The agendas in the seeds were published: flag what they should have carried and did not.
            followthrough.commitments_flag_unprovided(meeting=meeting)
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
        self.committee, _ = Committee.objects.update_or_create(slug=slug, defaults=fields)

    def load_people(self):
        for key, spec in self.data["people"].items():
            defaults = {
                "name": spec.get("name") or key,
                "full_name": spec.get("full_name", ""),
                "honorific": spec.get("honorific", ""),
                "job_title": spec.get("job_title", ""),
                "organisation": spec.get("organisation", ""),
                "email": spec.get("email", ""),
                "phone": str(spec.get("phone", "")),
                "kind": spec.get("kind", Person.Kind.OFFICER),
            }
            self.people[key], _ = Person.objects.update_or_create(slug=key, defaults=defaults)

    def person(self, key):
        if not key:
            return None
        if key not in self.people:
            # A key used but never described: create a bare record rather than lose the link.
            self.people[key], _ = Person.objects.get_or_create(slug=key, defaults={"name": key.replace("-", " ").title()})
        return self.people[key]

    def load_memberships(self):
        for spec in self.data["memberships"]:
            Membership.objects.update_or_create(
                committee=self.committee,
                person=self.person(spec["person"]),
                start_date=spec["start"],
                defaults={"role": spec.get("role", "member"), "capacity": spec.get("capacity") or "", "end_date": spec.get("end")},
            )
        for spec in self.data["special_roles"]:
            SpecialRole.objects.update_or_create(
                committee=self.committee,
                person=self.person(spec["person"]),
                title=spec["title"],
                start_date=spec["start"],
                defaults={"end_date": spec.get("end"), "description": spec.get("description", "")},
            )

    # --- meetings ---------------------------------------------------------------
    def load_meeting_shell(self, spec):
        meeting, _ = Meeting.objects.update_or_create(
            committee=self.committee,
            date=spec["date"],
            defaults={
                "start_time": _time(spec.get("start_time")) or datetime.time(19, 0),
                "started_at": _time(spec.get("started_at")),
                "ended_at": _time(spec.get("ended_at")),
                "venue": spec.get("venue") or self.committee.default_venue,
                "status": spec.get("status", Meeting.Status.HELD),
                "notes": _text(spec.get("notes")),
                "public_attendance_count": spec.get("public_attendance_count"),
                "public_attendance_note": _text(spec.get("public_attendance_note")),
                "minutes_status": spec.get("minutes_status", Meeting.MinutesStatus.NONE),
                # Everything in the seeds was published: the agendas in packs, draft minutes in the next pack.
                "agenda_status": Meeting.AgendaStatus.PUBLISHED,
                "agenda_published_at": timezone.make_aware(
                    datetime.datetime.combine(spec["date"] - datetime.timedelta(days=8), datetime.time(12))
                ),
                "minutes_published": spec.get("minutes_status") in ("draft", "approved"),
            },
        )
        self.meetings[spec["date"]] = meeting

    def meeting(self, day):
        return self.meetings.get(day) if day else None

    def load_meeting_record(self, spec):
        meeting = self.meetings[spec["date"]]
        agenda = {}
        for item in spec.get("agenda") or []:
            pages = item.get("pages") or [None, None]
            agenda[item["number"]], _ = AgendaItem.objects.update_or_create(
                meeting=meeting,
                number=item["number"],
                defaults={
                    "title": item["title"],
                    "kind": item.get("kind", AgendaItem.Kind.REPORT),
                    "description": _text(item.get("description")),
                    "sponsor": _text(item.get("sponsor")),
                    "report_status": item.get("report_status", AgendaItem.ReportStatus.NONE),
                    "page_start": pages[0],
                    "page_end": pages[1],
                    "minutes_of": self.meeting(item.get("minutes_of")),
                },
            )
            for order, doc in enumerate(item.get("documents") or [], start=1):
                Document.objects.update_or_create(
                    agenda_item=agenda[item["number"]],
                    order=order,
                    defaults={
                        "title": doc["title"],
                        "kind": doc.get("kind", Document.Kind.REPORT),
                        "cover_meeting": _text(doc.get("cover_meeting")),
                        "cover_date": str(doc.get("cover_date") or ""),
                        "subject": _text(doc.get("subject")),
                        "report_from": _text(doc.get("report_from")),
                        "contact_officer": _text(doc.get("contact_officer")),
                        "background_papers": _text(doc.get("background_papers")),
                        # The YAML body is Markdown (meetings.bodies): kept as written, and rendered to its structure.
                        "body_source": _text(doc.get("body")),
                        "body": bodies.render_source(_text(doc.get("body"))).html,
                    },
                )
        for order, row in enumerate(spec.get("attendance") or []):
            Attendance.objects.update_or_create(
                meeting=meeting,
                person=self.person(row["person"]),
                defaults={"role": row.get("role", Attendance.Role.PRESENT), "capacity": _text(row.get("capacity")), "order": order},
            )
        for row in spec.get("declarations") or []:
            DeclarationOfInterest.objects.update_or_create(
                meeting=meeting,
                person=self.person(row["person"]),
                nature=row["nature"],
                defaults={"agenda_item": agenda.get(row.get("agenda_item"))},
            )
        minutes = {}
        for row in spec.get("minutes") or []:
            minute, _ = MinuteItem.objects.update_or_create(
                meeting=meeting,
                number=row["number"],
                defaults={
                    "prefix": row.get("prefix", ""),
                    "title": row["title"],
                    "agenda_item": agenda.get(row.get("agenda_item")),
                    "body": _text(row.get("body")),
                },
            )
            minutes[row["number"]] = minute
            resolutions = []
            for number, res in enumerate(row.get("resolutions") or [], start=1):
                resolution, _ = Resolution.objects.update_or_create(
                    minute_item=minute,
                    number=number,
                    defaults={
                        "text": _text(res["text"]),
                        "kind": res.get("kind", Resolution.Kind.NOTE),
                        "approves_minutes_of": self.meeting(res.get("approves_minutes_of")),
                    },
                )
                if resolution.approves_minutes_of:
                    services.minutes_approve(resolution=resolution)
                resolutions.append(resolution)
            for act in row.get("actions") or []:
                index = act.get("resolution")
                Action.objects.update_or_create(
                    minute_item=minute,
                    description=_text(act["description"]),
                    defaults={
                        "owner": self.person(act.get("owner")),
                        "owner_text": _text(act.get("owner_text")),
                        "resolution": resolutions[index - 1] if index and index <= len(resolutions) else None,
                        "due_date": act.get("due"),
                        "due_rule": Action.DueRule.DATE if act.get("due") else Action.DueRule.NEXT_MEETING,
                        "status": act.get("status", Action.Status.OPEN),
                        "completed_date": act.get("completed"),
                    },
                )
        for row in spec.get("questions") or []:
            Question.objects.update_or_create(
                meeting=meeting,
                asker_name=_text(row.get("asker")),
                question=_text(row.get("question")),
                minute_item=minutes.get(row.get("minute")),
                defaults={
                    "kind": row.get("kind", Question.Kind.PUBLIC),
                    "submitted": row.get("submitted", Question.Submitted.AT_MEETING),
                    "asker_person": self.person(row.get("asker_person")),
                    "answer": _text(row.get("answer")),
                    "answered_by": _text(row.get("answered_by")),
                    "written_response_owed": bool(row.get("written_response_owed")),
                    "written_response_date": row.get("written_response_date"),
                    "refers_to_meeting": self.meeting(row.get("refers_to_meeting")),
                },
            )
        if minutes:
            services.meeting_minutes_started(meeting=meeting)
            services.meeting_speakers_refresh(meeting=meeting)

    def minute(self, day, number):
        return MinuteItem.objects.get(meeting=self.meetings[day], number=number)

    def load_commitments(self):
        """Apply the follow-through reading (50_followthrough.yaml) and resolve every due date."""
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
                action, _ = Action.objects.get_or_create(
                    minute_item=self.minute(where["meeting"], where["minute"]),
                    description=spec["description"],
                    defaults={"owner": self.person(spec.get("owner"))},
                )
            for name, value in fields.items():
                setattr(action, name, value)
            followthrough.commitment_resolve_due(action=action, save=False)
            action.save()
            if spec.get("provided_by"):
                item = AgendaItem.objects.get(meeting=self.meetings[spec["provided_by"]["meeting"]], number=spec["provided_by"]["item"])
                followthrough.commitment_provide(action=action, agenda_item=item)
        for action in Action.objects.filter(minute_item__meeting__committee=self.committee, due_meeting__isnull=True).open():
            followthrough.commitment_resolve_due(action=action)

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
            Recommendation.objects.update_or_create(
                committee=self.committee,
                minute_item=minute,
                text=spec["text"],
                defaults={
                    "resolution": minute.resolutions.filter(number=spec.get("resolution")).first(),
                    "to_body": spec.get("to_body", "Cabinet"),
                    "sent_date": spec.get("sent_date"),
                    "response": spec.get("response", Recommendation.Response.PENDING),
                    "response_date": spec.get("response_date"),
                    "response_reason": _text(spec.get("response_reason")),
                },
            )

    def load_work_programme(self):
        for spec in self.data["work_programme"]:
            source = spec.get("source") or {}
            source_minute = None
            if source.get("meeting") and source.get("minute"):
                source_minute = MinuteItem.objects.filter(meeting=self.meeting(source["meeting"]), number=source["minute"]).first()
            planned_for = self.meeting(spec.get("planned_for"))
            WorkProgrammeItem.objects.update_or_create(
                committee=self.committee,
                topic=spec["topic"],
                defaults={
                    "description": _text(spec.get("description")),
                    "source_minute": source_minute,
                    "planned_for": planned_for,
                    "status": spec.get("status", WorkProgrammeItem.Status.PROPOSED),
                },
            )


def load_demo() -> dict[str, int]:
    """Load (or refresh) the demo committee; returns record counts."""
    return DemoLoader(read_demo_files()).run()
