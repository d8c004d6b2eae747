"""Meetings and what happens at them: agendas, reports, attendance, minutes, resolutions, actions, questions."""

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from committee.access import restricted_committee_ids
from committee.dates import municipal_year, municipal_year_start_year
from committee.links import record_url
from committee.models import Committee, Person
from committee.provenance import Provenance
from committee.queries import union_all
from committee.scoping import CommitteeScopedQuerySet


# ---------------------------------------------------------------------------
# Meeting
# ---------------------------------------------------------------------------
class MeetingQuerySet(CommitteeScopedQuerySet):
    def going_ahead(self):
        """Meetings not cancelled or postponed."""
        return self.filter(status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD])

    def _previous(self, meeting):
        """The one definition of "the previous meeting": the committee's last meeting before `meeting` that went ahead."""
        return self.before(meeting).going_ahead().order_by("-date", "-start_time")

    def _next(self, meeting):
        """The one definition of "the next meeting": the committee's first meeting after `meeting` that is going ahead."""
        return self.filter(committee_id=meeting.committee_id, date__gt=meeting.date).going_ahead().order_by("date", "start_time")

    def previous_to(self, meeting):
        return self._previous(meeting).first()

    def next_after(self, meeting):
        return self._next(meeting).first()

    def neighbours(self, meeting):
        """(previous_to(meeting), next_after(meeting)) in one query: the meeting page's links either side."""
        found = union_all(self._previous(meeting)[:1], self._next(meeting)[:1])
        previous = next((m for m in found if m.date < meeting.date), None)
        following = next((m for m in found if m.date > meeting.date), None)
        return previous, following

    def upcoming(self, today: datetime.date | None = None):
        """Meetings on or after today that are still going ahead, soonest first."""
        today = today or datetime.date.today()
        return self.filter(date__gte=today).exclude(status=Meeting.Status.CANCELLED).order_by("date", "start_time")

    def past(self, today: datetime.date | None = None):
        """Meetings before today, most recent first."""
        today = today or datetime.date.today()
        return self.filter(date__lt=today).order_by("-date", "-start_time")

    def for_committee(self, committee):
        """Meetings of one committee."""
        return self.filter(committee=committee)

    def before(self, meeting):
        """Meetings of the same committee earlier than `meeting`."""
        return self.filter(committee_id=meeting.committee_id, date__lt=meeting.date)

    def with_counts(self):
        """Annotate agenda-item and minute-item counts (for lists), as subqueries so rows do not multiply."""

        def count_of(model):
            rows = model.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting").annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(rows), Value(0))

        return self.annotate(agenda_item_count=count_of(AgendaItem), minute_item_count=count_of(MinuteItem))

    def with_access(self, user):
        """Annotate what `user` may see of each meeting: `restricted_access`, `agenda_visible`, `minutes_visible`."""
        restricted = Q(committee_id__in=restricted_committee_ids(user))
        return self.annotate(
            restricted_access=models.ExpressionWrapper(restricted, output_field=models.BooleanField()),
            agenda_visible=models.ExpressionWrapper(
                Q(agenda_status=Meeting.AgendaStatus.PUBLISHED) | restricted, output_field=models.BooleanField()
            ),
            minutes_visible=models.ExpressionWrapper(Meeting.public_minutes_q() | restricted, output_field=models.BooleanField()),
        )

    def with_full_record(self, user):
        """Eager-load everything the meeting page and printed minutes show, as far as `user` may see it."""
        return self.select_related("committee").with_access(user).prefetch_related(*full_record_prefetches(user))


def full_record_prefetches(user) -> list[Prefetch]:
    """What MeetingQuerySet.with_full_record prefetches: agenda (with papers), attendance, declarations and minutes (with
    decisions, actions, questions and speakers), each as far as `user` may see it."""
    # meetings.models.debate builds on this module, so its model is looked up, not imported.
    speakers = apps.get_model("meetings", "MinuteSpeaker").objects.visible_to(user).select_related("person")
    return [
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.visible_to(user)
            .with_access(user)
            .select_related("presenter", "minutes_of")
            .prefetch_related(Prefetch("documents", queryset=Document.objects.visible_to(user))),
        ),
        Prefetch("attendances", queryset=Attendance.objects.select_related("person")),
        Prefetch("declarations", queryset=DeclarationOfInterest.objects.select_related("person", "agenda_item")),
        Prefetch(
            "minute_items",
            queryset=MinuteItem.objects.visible_to(user)
            .with_access(user)
            .select_related("agenda_item")
            .prefetch_related(
                Prefetch("resolutions", queryset=Resolution.objects.visible_to(user).select_related("approves_minutes_of")),
                Prefetch("actions", queryset=Action.objects.visible_to(user).select_related("owner", "resolution").with_is_overdue()),
                Prefetch("questions", queryset=Question.objects.visible_to(user).select_related("asker_person", "refers_to_meeting")),
                Prefetch("speakers", queryset=speakers),
            ),
        ),
    ]


def load_full_record(meeting, user) -> None:
    """with_full_record's prefetches for one meeting already loaded `with_access(user)`, without the queries whose every
    row its access flags rule out: AgendaItemQuerySet.visible_to and MinuteItemQuerySet.visible_to are, row for row, the
    conditions of `agenda_visible` and `minutes_visible` on the item's meeting (a meeting yet to be held has no public
    minutes: its page runs no query for them)."""
    hidden = {"agenda_items": not meeting.agenda_visible, "minute_items": not meeting.minutes_visible}
    cache = meeting.__dict__.setdefault("_prefetched_objects_cache", {})
    for name in (name for name, is_hidden in hidden.items() if is_hidden):
        rows = meeting._meta.get_field(name).related_model.objects.none()
        rows._result_cache, rows._prefetch_done = [], True  # as prefetch_related_objects leaves an empty set of rows
        cache[name] = rows
    models.prefetch_related_objects([meeting], *(p for p in full_record_prefetches(user) if not hidden.get(p.prefetch_to)))


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        POSTPONED = "postponed", "Postponed"

    class MinutesStatus(models.TextChoices):
        NONE = "none", "Not yet written"
        DRAFT = "draft", "Draft (not yet approved)"
        APPROVED = "approved", "Approved"

    class AgendaStatus(models.TextChoices):
        DRAFT = "draft", "Draft (not published)"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    start_time = models.TimeField(blank=True, help_text="The time on the summons; leave blank for the committee's usual time.")
    started_at = models.TimeField(null=True, blank=True, help_text="When the meeting actually started (from the minutes).")
    ended_at = models.TimeField(null=True, blank=True, help_text="When the meeting actually ended (from the minutes).")
    venue = models.CharField(
        max_length=200,
        blank=True,
        help_text='e.g. "Council Chamber, Town Hall, Bury, BL9 0SW"; leave blank for the committee\'s usual venue.',
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    # Where the summons' time and place, the publication date, the agenda and the approval came from: the council's
    # record, or a value supplied (illustrative), rebuilt or inferred, marked wherever it is shown (committee.provenance).
    start_time_provenance = models.CharField(
        "time is", max_length=20, choices=Provenance.choices, default=Provenance.RECORDED, help_text="Whether the summons gives it."
    )
    venue_provenance = models.CharField(
        "place is", max_length=20, choices=Provenance.choices, default=Provenance.RECORDED, help_text="Whether the summons gives it."
    )
    agenda_published_provenance = models.CharField(
        "publication date is",
        max_length=20,
        choices=Provenance.choices,
        default=Provenance.RECORDED,
        help_text="Whether the date the agenda was published is the council's record.",
    )
    agenda_provenance = models.CharField(
        "agenda is",
        max_length=20,
        choices=Provenance.choices,
        default=Provenance.RECORDED,
        help_text="'Rebuilt from the minutes' where the printed agenda is not held and its items were taken from the minute titles.",
    )
    apologies_not_recorded = models.BooleanField(
        "apologies left blank",
        default=False,
        help_text="Tick where the minutes leave 'Apologies for Absence' blank: shown as 'Not recorded', never as 'None'.",
    )
    minutes_approval_provenance = models.CharField(
        "approval is",
        max_length=20,
        choices=Provenance.choices,
        default=Provenance.RECORDED,
        help_text="'Inferred' where no minutes of a later meeting record the approval.",
    )
    # The front sheet's contact for this meeting's pack, where it is not the committee's (a clerk since replaced).
    contact_name = models.CharField("contact officer", max_length=120, blank=True, help_text="Leave blank for the committee's contact.")
    contact_phone = models.CharField("direct line", max_length=40, blank=True)
    contact_email = models.EmailField("e-mail", blank=True)
    briefing_facilities = models.TextField(blank=True, help_text="Leave blank to use the committee's standard wording.")
    notes = models.TextField(blank=True, help_text="Printed under 'Notes' on the summons.")
    public_attendance_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Members of the public present; blank if not recorded."
    )
    public_attendance_note = models.CharField(
        max_length=300, blank=True, help_text='As the minutes put it, e.g. "7 Members of the public attended the meeting".'
    )
    agenda_status = models.CharField(max_length=20, choices=AgendaStatus.choices, default=AgendaStatus.DRAFT, db_index=True)
    agenda_published_at = models.DateTimeField(null=True, blank=True, help_text="When the agenda was last published.")
    minutes_status = models.CharField(max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.NONE)
    minutes_published = models.BooleanField(
        default=False, help_text="Draft minutes are public only once the clerk publishes them (marked DRAFT). Approved minutes always are."
    )
    minutes_approved_by = models.ForeignKey(
        "Resolution",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The resolution at a later meeting that approved these minutes (set by the approval service).",
    )

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-start_time"]
        indexes = [models.Index(fields=["committee", "date"]), models.Index(fields=["date"])]
        permissions = [("publish_meeting", "Can publish and withdraw agendas and minutes")]
        constraints = [
            models.UniqueConstraint(fields=["committee", "date", "start_time"], name="one_meeting_per_committee_slot"),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(started_at__isnull=True) | Q(ended_at__gt=models.F("started_at")),
                name="meeting_ends_after_it_starts",
                violation_error_message="The meeting cannot end before it starts.",
            ),
        ]

    # What a choice or search result of a meeting shows: committee and date (admin pickers select these related rows).
    label_related = ("committee",)
    date_path = "date"

    def __str__(self):
        return f"{self.committee.label} – {self.date:%-d %B %Y}"

    # What the narrow columns of its minutes, decisions, actions and questions are derived from (refresh_record_columns).
    RECORD_SOURCE_FIELDS = frozenset({"minutes_status", "minutes_published", "date", "committee", "committee_id"})

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if not adding and (update_fields is None or self.RECORD_SOURCE_FIELDS.intersection(update_fields)):
            refresh_record_columns(MinuteItem.objects.filter(meeting_id=self.pk))

    def get_absolute_url(self):
        return record_url("meetings:detail", pk=self.pk)

    @property
    def label(self):
        """Committee and short date, as pickers show a meeting: "CYP Scrutiny, 7 Jan 2026"."""
        return f"{self.committee.label}, {self.date:%-d %b %Y}"

    def clean(self):
        if self.started_at and self.ended_at and self.ended_at <= self.started_at:
            raise ValidationError({"ended_at": "The meeting cannot end before it starts. Check the start and end times."})

    @property
    def municipal_year(self):
        return municipal_year(self.date)

    @staticmethod
    def public_minutes_q(prefix=""):
        """Minutes anyone may read: approved, or a draft the clerk has published."""
        return Q(**{f"{prefix}minutes_status": Meeting.MinutesStatus.APPROVED}) | Q(
            **{f"{prefix}minutes_status": Meeting.MinutesStatus.DRAFT, f"{prefix}minutes_published": True}
        )

    @property
    def minutes_state(self) -> str:
        """Where the minutes are in the process (meetings.services.MINUTES): none, draft, draft_published or approved."""
        if self.minutes_status == self.MinutesStatus.APPROVED:
            return "approved"
        if self.minutes_status == self.MinutesStatus.DRAFT:
            return "draft_published" if self.minutes_published else "draft"
        return "none"

    def get_minutes_state_display(self) -> str:
        return {
            "none": "not yet written",
            "draft": "a draft not yet published",
            "draft_published": "a draft published marked DRAFT",
            "approved": "approved",
        }[self.minutes_state]

    @property
    def contact(self) -> dict:
        """The pack's contact officer: this meeting's own where the pack named one, else the committee's."""
        if self.contact_name:
            return {"name": self.contact_name, "phone": self.contact_phone, "email": self.contact_email}
        c = self.committee
        return {"name": c.contact_name, "phone": c.contact_phone, "email": c.contact_email}

    @property
    def has_printed_pages(self) -> bool:
        """Whether the council's own printed pack is held (its page ranges are kept): a pack built here is a regeneration.
        Reads the prefetched agenda where there is one."""
        return any(item.printed_page_start for item in self.agenda_items.all())

    @property
    def effective_briefing_facilities(self):
        return self.briefing_facilities or self.committee.briefing_facilities

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED


# ---------------------------------------------------------------------------
# Agenda and reports
# ---------------------------------------------------------------------------
# Local Government Act 1972, Schedule 12A, Part 1: descriptions of exempt information.
EXEMPT_PARAGRAPHS = [
    (1, "information relating to any individual"),
    (2, "information likely to reveal the identity of an individual"),
    (3, "information relating to the financial or business affairs of any particular person"),
    (4, "information relating to consultations or negotiations in connection with labour relations"),
    (5, "information in respect of which a claim to legal professional privilege could be maintained"),
    (6, "information revealing an intention to give a notice or make an order or direction"),
    (7, "information relating to the prevention, investigation or prosecution of crime"),
]


class AgendaItemQuerySet(CommitteeScopedQuerySet):
    committee_path = "meeting__committee"

    def with_meeting(self):
        """Eager-load the meeting and committee (for lists across meetings)."""
        return self.select_related("meeting", "meeting__committee")

    def visible_to(self, user):
        """Items of published agendas, plus drafts of committees `user` has restricted access to."""
        return self.filter(
            Q(meeting__agenda_status=Meeting.AgendaStatus.PUBLISHED) | Q(meeting__committee_id__in=restricted_committee_ids(user))
        )

    def with_access(self, user):
        """Annotate `content_visible`: an exempt item's papers only for committee members and supporting officers."""
        allowed = Q(exempt_paragraph__isnull=True) | Q(meeting__committee_id__in=restricted_committee_ids(user))
        return self.annotate(content_visible=models.ExpressionWrapper(allowed, output_field=models.BooleanField()))


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        APOLOGIES = "apologies", "Apologies for absence"
        DECLARATIONS = "declarations", "Declarations of interest"
        MINUTES = "minutes", "Minutes of the previous meeting"
        PUBLIC_QUESTIONS = "public_questions", "Public questions"
        MEMBER_QUESTIONS = "member_questions", "Member questions"
        REPORT = "report", "Report or presentation"
        URGENT_BUSINESS = "urgent_business", "Urgent business"
        EXCLUSION = "exclusion", "Exclusion of the press and public"
        OTHER = "other", "Other business"

    class ReportStatus(models.TextChoices):
        NONE = "none", "No report"
        ATTACHED = "attached", "Attached"
        TO_FOLLOW = "to_follow", "To follow"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.PositiveSmallIntegerField(help_text="Agenda numbers restart at 1 for each meeting.")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REPORT)
    description = models.TextField(blank=True, help_text="The text printed under the title on the agenda.")
    sponsor = models.CharField(
        max_length=300,
        blank=True,
        help_text=(
            "The agenda's line on who brings the report, e.g. \"Report of the Deputy Leader and Cabinet Member for "
            "Children and Young People is attached.\" The report's own REPORT FROM is on the document."
        ),
    )
    presenter = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="presented_items")
    report_status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.NONE)
    page_start = models.PositiveIntegerField(null=True, blank=True, help_text="First pack page (filled in when the pack is built).")
    page_end = models.PositiveIntegerField(null=True, blank=True)
    # The council's own published pack, where it is held: its "(Pages 9 - 34)" as printed, never overwritten by a pack
    # this system builds (whose pages differ).
    printed_page_start = models.PositiveIntegerField(
        "printed first page", null=True, blank=True, help_text="As printed on the council's published agenda, e.g. 9 for (Pages 9 - 34)."
    )
    printed_page_end = models.PositiveIntegerField("printed last page", null=True, blank=True)
    minutes_of = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For a 'Minutes' item: the meeting whose minutes are attached for approval.",
    )
    exempt_paragraph = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=EXEMPT_PARAGRAPHS,
        help_text="Exempt information (Local Government Act 1972, Schedule 12A): the public see the title and this note, never the papers.",
    )

    history = HistoricalRecords()
    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="unique_agenda_number_per_meeting")]

    label_related = ("meeting__committee",)
    date_path = "meeting__date"

    def __str__(self):
        # Which meeting, always: "1. APOLOGIES FOR ABSENCE" alone is on every agenda.
        return f"{self.meeting.label} · {self.number}. {self.title}"

    def clean(self):
        if self.page_start and self.page_end and self.page_end < self.page_start:
            raise ValidationError({"page_end": "The last page cannot come before the first page."})
        if self.printed_page_start and self.printed_page_end and self.printed_page_end < self.printed_page_start:
            raise ValidationError({"printed_page_end": "The last page cannot come before the first page."})
        if bool(self.printed_page_start) != bool(self.printed_page_end):
            raise ValidationError({"printed_page_end": "Give both the first and the last page as printed, or neither."})

    @property
    def is_exempt(self):
        return self.exempt_paragraph is not None

    @property
    def exemption_note(self):
        if not self.is_exempt:
            return ""
        return (
            f"This item contains exempt information under paragraph {self.exempt_paragraph} of Part 1 of Schedule 12A "
            f"to the Local Government Act 1972 ({self.get_exempt_paragraph_display()}). Its papers are not published."
        )

    @property
    def pages_label(self):
        """The page range shown on the web agenda: as the council printed it where its pack is held, else this system's pack's."""
        if self.printed_page_start and self.printed_page_end:
            return f"Pages {self.printed_page_start} - {self.printed_page_end}"
        if self.page_start and self.page_end:
            return f"Pages {self.page_start} - {self.page_end}"
        return ""

    @property
    def regenerated_pages_label(self):
        """The regenerated pack's range, where it differs from the printed one ("" otherwise)."""
        if not (self.printed_page_start and self.page_start and self.page_end):
            return ""
        if (self.page_start, self.page_end) == (self.printed_page_start, self.printed_page_end):
            return ""
        return f"pages {self.page_start} - {self.page_end}"


class DocumentQuerySet(CommitteeScopedQuerySet):
    committee_path = "agenda_item__meeting__committee"

    def visible_to(self, user):
        """Papers of published agenda items that are not exempt, plus everything of committees with restricted access."""
        restricted = Q(agenda_item__meeting__committee_id__in=restricted_committee_ids(user))
        public = Q(agenda_item__meeting__agenda_status=Meeting.AgendaStatus.PUBLISHED, agenda_item__exempt_paragraph__isnull=True)
        return self.filter(public | restricted)

    def not_accessible(self):
        """Papers whose uploaded PDF is not tagged (or not yet checked), or whose Word import left pictures out."""
        uploads = Q(file__gt="") & ~Q(upload_accessibility=Document.UploadAccessibility.TAGGED)
        return self.filter(uploads | Q(body__contains='class="app-missing-picture"'))


class Document(models.Model):
    """A report or appendix attached to an agenda item, with the council's cover-sheet fields."""

    class Kind(models.TextChoices):
        REPORT = "report", "Report"
        APPENDIX = "appendix", "Appendix"
        PLAN = "plan", "Plan or strategy"
        LETTER = "letter", "Letter"
        PRESENTATION = "presentation", "Presentation"
        MINUTES = "minutes", "Minutes"
        OTHER = "other", "Other"

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    order = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REPORT)
    cover_meeting = models.CharField("MEETING", max_length=200, blank=True, help_text="As printed on the cover sheet.")
    cover_date = models.CharField("DATE", max_length=60, blank=True, help_text='As printed; may be a month only, e.g. "September 2025".')
    subject = models.CharField("SUBJECT", max_length=400, blank=True)
    report_from = models.CharField("REPORT FROM", max_length=300, blank=True)
    contact_officer = models.CharField("CONTACT OFFICER", max_length=300, blank=True)
    # The Cabinet report template prints these two boxes above "Report to"; the scrutiny template has neither.
    classification = models.CharField(
        "Classification",
        max_length=60,
        blank=True,
        help_text='As printed on a Cabinet-style cover, e.g. "Open". Blank if the cover has none.',
    )
    decision_type = models.CharField(
        "Decision Type",
        max_length=60,
        blank=True,
        help_text='As printed on a Cabinet-style cover, e.g. "Non-Key". Blank if the cover has none.',
    )

    class UploadAccessibility(models.TextChoices):
        TAGGED = "tagged", "Tagged PDF (accessible structure)"
        UNTAGGED = "untagged", "Not tagged (not accessible to screen readers)"
        UNCHECKED = "", "Not checked"

    background_papers = models.TextField(blank=True)
    body_source = models.TextField(
        "Report text",
        blank=True,
        help_text="As written: Markdown (## for a heading, - for a list, | for a table, “Table: …” for a table's caption), "
        "HTML, or what a Word upload produced.",
    )
    # Written only by meetings.services.document_save (from body_source or a Word document); read by pages, PDFs and search.
    body = models.TextField(blank=True, editable=False, help_text="The report's structure as shown and printed: sanitised HTML.")
    source_file = models.FileField(
        "Word document",
        upload_to="documents/%Y/%m/",
        blank=True,
        help_text="The Word (.docx) report its text was taken from, kept as uploaded. Served only to those who may read the paper.",
    )
    file = models.FileField(upload_to="documents/%Y/%m/", blank=True, help_text="An uploaded PDF, instead of or as well as the text.")
    upload_accessibility = models.CharField(
        "Uploaded PDF is",
        max_length=20,
        choices=UploadAccessibility.choices,
        blank=True,
        default=UploadAccessibility.UNCHECKED,
        editable=False,
        help_text="Whether the uploaded PDF is tagged (its headings, reading order and tables reach a screen reader); "
        "checked when it is uploaded.",
    )
    upload_page_texts = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="An untagged upload's text, page by page, read once when it is uploaded: how each of its pages is "
        "described to a screen reader in the agenda pack.",
    )

    # The page texts are derived from the uploaded file (kept in its own history): not copied into every version.
    history = HistoricalRecords(excluded_fields=["upload_page_texts"])
    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["agenda_item", "order", "pk"]

    def __str__(self):
        return self.title


# ---------------------------------------------------------------------------
# Who was there
# ---------------------------------------------------------------------------
class AttendanceQuerySet(CommitteeScopedQuerySet):
    committee_path = "meeting__committee"

    def rate_by_municipal_year(self):
        """[(year, present, expected, percent)] newest first, counting members' seats only (not officers in attendance)."""
        rows = self.exclude(role=Attendance.Role.ALSO_IN_ATTENDANCE).values_list("meeting__date", "role")
        years: dict[str, list[int]] = {}
        for day, role in rows:
            tally = years.setdefault(municipal_year(day), [0, 0])
            tally[1] += 1
            if role in Attendance.PRESENT_ROLES:
                tally[0] += 1
        return [
            (year, present, expected, round(100 * present / expected) if expected else None)
            for year, (present, expected) in sorted(years.items(), reverse=True)
        ]


class Attendance(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "In the Chair"
        PRESENT = "present", "Present"
        SUBSTITUTE = "substitute", "Substitute"
        ALSO_IN_ATTENDANCE = "also_in_attendance", "Also in attendance"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    # Blank where the minutes name someone only by capacity ("CYP Representative"): no person is invented for them.
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="attendances")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRESENT)
    role_provenance = models.CharField(
        "role is",
        max_length=20,
        choices=Provenance.choices,
        default=Provenance.RECORDED,
        help_text="'Inferred' where the minutes do not give this role (e.g. a substitute they do not call one).",
    )
    capacity = models.CharField(
        max_length=200,
        blank=True,
        help_text="Title or capacity as printed in the minutes for this meeting; on its own where the minutes name no person.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    PRESENT_ROLES = ("chair", "present", "substitute")
    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="one_attendance_per_person"),
            models.UniqueConstraint(
                fields=["meeting", "capacity"], condition=Q(person__isnull=True), name="one_attendance_per_capacity_only"
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(capacity=""),
                name="attendance_names_person_or_capacity",
                violation_error_message="Choose the person, or give the capacity the minutes name them by.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    @property
    def name(self) -> str:
        """Who, as the minutes name them: the person, or only the capacity they attended in."""
        return str(self.person) if self.person_id else self.capacity

    @property
    def display_name(self) -> str:
        return self.person.display_name if self.person_id else self.capacity

    def clean(self):
        if not self.person_id and not self.capacity.strip():
            raise ValidationError({"person": "Choose the person, or give the capacity the minutes name them by."})

    @property
    def counts_as_present(self):
        return self.role in self.PRESENT_ROLES


class DeclarationOfInterestQuerySet(CommitteeScopedQuerySet):
    committee_path = "meeting__committee"


class DeclarationOfInterest(models.Model):
    class InterestType(models.TextChoices):
        DISCLOSABLE_PECUNIARY = "dpi", "Disclosable pecuniary interest"
        OTHER_REGISTRABLE = "other_registrable", "Other registrable interest"
        NON_REGISTRABLE = "non_registrable", "Non-registrable interest"
        NOT_STATED = "not_stated", "Not stated"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declarations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="declarations")
    interest_type = models.CharField(max_length=20, choices=InterestType.choices, default=InterestType.NOT_STATED)
    nature = models.TextField(help_text="The interest as declared.")

    objects = DeclarationOfInterestQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = "declaration of interest"
        verbose_name_plural = "declarations of interest"

    def __str__(self):
        return f"{self.person}: {self.nature[:60]}"


# ---------------------------------------------------------------------------
# Minutes, resolutions, actions
# ---------------------------------------------------------------------------
class MinuteItemQuerySet(CommitteeScopedQuerySet):
    committee_path = "meeting__committee"

    def of_committee(self, committee):
        """Minute items of one committee."""
        return self.filter(meeting__committee=committee)

    def in_sequence_with(self, meeting):
        """Minute items that share `meeting`'s numbering sequence (per the committee's numbering rule)."""
        if meeting.committee.minute_numbering == Committee.MinuteNumbering.MEETING and not meeting.pk:
            return self.none()  # a meeting being added in the admin has no minutes yet
        return self.filter(sequence=minute_sequence_key(meeting))

    def visible_to(self, user):
        """Minutes anyone may read (approved, or published drafts), plus all of committees with restricted access."""
        return self.filter(Meeting.public_minutes_q("meeting__") | Q(meeting__committee_id__in=restricted_committee_ids(user)))

    def with_access(self, user):
        """Annotate `content_visible`: an exempt minute's text only for committee members and supporting officers."""
        allowed = Q(is_exempt=False) | Q(meeting__committee_id__in=restricted_committee_ids(user))
        # The text is chosen in the database, so no template can print an exempt minute by mistake.
        return self.annotate(
            content_visible=models.ExpressionWrapper(allowed, output_field=models.BooleanField()),
            visible_body=models.Case(models.When(allowed, then=models.F("body")), default=Value(""), output_field=models.TextField()),
        )


def minute_sequence_key(meeting) -> str:
    """The numbering sequence a minute of `meeting` belongs to: the committee's, its municipal year's or the meeting's
    own (Committee.minute_numbering). Stored on each minute, so the database refuses a number taken twice."""
    committee = meeting.committee
    if committee.minute_numbering == Committee.MinuteNumbering.MEETING:
        return f"{committee.pk}:meeting:{meeting.pk}"
    if committee.minute_numbering == Committee.MinuteNumbering.MUNICIPAL_YEAR:
        return f"{committee.pk}:{municipal_year(meeting.date)}"
    return f"{committee.pk}:all"


def content_visible_q(user, minute_path="minute_item__"):
    """Rows hanging off a minute item that `user` may read: the minute is visible and not exempt (or access is restricted)."""
    restricted = Q(**{f"{minute_path}meeting__committee_id__in": restricted_committee_ids(user)})
    return Q(**{f"{minute_path}is_public": True}) | restricted


def narrow_visibility_q(user):
    """`content_visible_q` for a row that carries its own `is_public` and `committee` (decisions, actions, questions):
    one table, no join, so a count or a page of them reads an index."""
    return Q(is_public=True) | Q(committee_id__in=restricted_committee_ids(user))


def minute_is_public_q(prefix=""):
    """The one rule for a minute anyone may read in full: its minutes are public (approved, or a published draft) and it
    was not considered in private. Stored as MinuteItem.is_public and copied to what hangs off the minute."""
    return Meeting.public_minutes_q(f"{prefix}meeting__") & Q(**{f"{prefix}is_exempt": False})


def refresh_record_columns(minutes) -> None:
    """Bring the derived columns of `minutes` (a MinuteItem queryset) and of their decisions, actions and questions up to
    date with their meeting: MinuteItem.is_public; `is_public`, `committee` and `meeting_date` below it (and a decision's
    `minute_number`).

    Called by the saves that change what they derive from (Meeting, MinuteItem), by bulk loaders after bulk_create and
    by the migration that added them. Set-wise: a handful of UPDATEs whatever the number of rows."""
    minutes.filter(minute_is_public_q()).exclude(is_public=True).update(is_public=True)
    minutes.exclude(minute_is_public_q()).exclude(is_public=False).update(is_public=False)
    minute = MinuteItem.objects.filter(pk=OuterRef("minute_item_id"))
    ids = minutes.values("pk")
    for model, extra in ((Resolution, {"minute_number": Subquery(minute.values("number"))}), (Action, {})):
        model.objects.filter(minute_item__in=ids).update(
            is_public=Subquery(minute.values("is_public")),
            committee_id=Subquery(minute.values("meeting__committee_id")),
            meeting_date=Subquery(minute.values("meeting__date")),
            **extra,
        )
    meetings = Meeting.objects.filter(pk__in=minutes.values("meeting_id"))
    # A question minuted under one of these minutes too, wherever it was asked: it takes its privacy from its minute
    # (a minute moved to another meeting takes its questions' privacy with it).
    questions = Question.objects.filter(Q(meeting__in=meetings) | Q(minute_item__in=ids))
    questions.filter(minute_item__isnull=False).update(is_public=Subquery(minute.values("is_public")))
    unminuted = questions.filter(minute_item__isnull=True)
    unminuted.filter(Meeting.public_minutes_q("meeting__")).update(is_public=True)
    unminuted.exclude(Meeting.public_minutes_q("meeting__")).update(is_public=False)
    questions.update(committee_id=Subquery(Meeting.objects.filter(pk=OuterRef("meeting_id")).values("committee_id")))


class MinuteItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minute_items")
    number = models.PositiveIntegerField(help_text="Filled in automatically with the next number in the committee's sequence.")
    prefix = models.CharField(max_length=12, blank=True, help_text='e.g. "CYP."; filled in from the committee.')
    title = models.CharField(max_length=300)
    # An agenda item with minutes cannot be deleted: its exemption is what keeps an exempt minute private.
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.PROTECT, related_name="minute_items")
    body = models.TextField(blank=True, help_text="The discussion as minuted. Paragraphs separated by blank lines.")
    is_exempt = models.BooleanField(
        default=False,
        help_text="Considered in private (exempt information): the public see the title only. Set from an exempt agenda item.",
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped on every save, so two editors cannot overwrite each other."
    )
    sequence = models.CharField(
        max_length=40,
        editable=False,
        help_text="The numbering sequence the number belongs to (committee and year or meeting), set by the services.",
    )
    # Derived (minute_is_public_q), kept by save() and refresh_record_columns: what the public may read in full.
    is_public = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords(excluded_fields=["is_public"])
    objects = MinuteItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="unique_minute_number_per_meeting"),
            # Two people minuting at once cannot take the same number: the database refuses the second.
            models.UniqueConstraint(fields=["sequence", "number"], name="unique_minute_number_in_sequence"),
        ]

    label_related = ("meeting__committee",)
    date_path = "meeting__date"

    def __str__(self):
        return f"{self.reference} {self.title} ({self.meeting.label})"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"is_exempt", "meeting", "meeting_id", "number"}.intersection(update_fields):
            # Read from the database, not the (possibly stale) meeting in memory: its minutes state is what counts.
            self.is_public = not self.is_exempt and Meeting.objects.filter(Meeting.public_minutes_q(), pk=self.meeting_id).exists()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "is_public"}
            super().save(*args, **kwargs)
            if not adding:
                refresh_record_columns(MinuteItem.objects.filter(pk=self.pk))
            return
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#minute-{self.number}"

    @property
    def reference(self):
        return f"{self.prefix}{self.number}"

    @property
    def anchor(self):
        return f"minute-{self.number}"


class ResolutionQuerySet(CommitteeScopedQuerySet):
    committee_path = "minute_item__meeting__committee"

    def visible_to(self, user):
        """Decisions `user` may read: those of public, non-exempt minutes, and all of committees with restricted access."""
        return self.filter(narrow_visibility_q(user))

    def with_context(self):
        """Eager-load the minute, meeting and committee (decisions register)."""
        return self.select_related("minute_item", "minute_item__meeting", "minute_item__meeting__committee")


class Resolution(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", "Noted"
        APPROVE_MINUTES = "approve_minutes", "Minutes approved"
        REFER = "refer", "Referred or recommended to another body"
        REQUEST_REPORT = "request_report", "Report requested"
        REQUEST_BRIEFING = "request_briefing", "Briefing note requested"
        PROVIDE_INFORMATION = "provide_information", "Information to be provided"
        INVITE = "invite", "Invitation to members"
        THANKS = "thanks", "Thanks"
        OTHER = "other", "Other"

    minute_item = models.ForeignKey(MinuteItem, on_delete=models.CASCADE, related_name="resolutions")
    number = models.PositiveSmallIntegerField(
        blank=True, help_text="Order within the minute's 'It was agreed:' list; numbered in the order typed when left blank."
    )
    text = models.TextField()
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.NOTE, db_index=True)
    approves_minutes_of = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approving_resolutions",
        help_text="For 'minutes approved': the meeting whose minutes this approves.",
    )
    # Derived from the minute (refresh_record_columns), kept by save(): the register and tracker filter, sort and count
    # on these without joining the minute and meeting of every row.
    is_public = models.BooleanField(default=False, editable=False)
    committee = models.ForeignKey(Committee, null=True, editable=False, db_index=False, on_delete=models.CASCADE, related_name="+")
    meeting_date = models.DateField(null=True, editable=False)
    minute_number = models.PositiveIntegerField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["is_public", "committee", "meeting_date", "minute_number"])
    objects = ResolutionQuerySet.as_manager()

    # The decisions register's order: newest meeting first, then as minuted. Decisions of two committees that met on
    # the same day can share a minute and decision number, so the id settles ties: without it a page boundary between
    # two such rows was not fixed, and one could be listed on two pages and the other on none.
    REGISTER_ORDER = ("-meeting_date", "minute_number", "number", "pk")

    class Meta:
        ordering = ["minute_item", "number"]
        constraints = [models.UniqueConstraint(fields=["minute_item", "number"], name="unique_resolution_number")]
        indexes = [
            # The register's order (newest meeting first) over what the public may read, and its count, from one index;
            # a committee's or a year's decisions, and those of committees a user has restricted access to, from another.
            models.Index(
                models.F("meeting_date").desc(),
                "minute_number",
                "number",
                "id",
                name="resolution_public_register_idx",
                condition=Q(is_public=True),
            ),
            models.Index(fields=["committee", "meeting_date"], name="resolution_committee_date_idx"),
        ]

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"minute_item", "minute_item_id"}.intersection(update_fields):
            self.is_public, self.committee_id, self.meeting_date, self.minute_number = MinuteItem.objects.values_list(
                "is_public", "meeting__committee_id", "meeting__date", "number"
            ).get(pk=self.minute_item_id)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "is_public", "committee", "meeting_date", "minute_number"}
        super().save(*args, **kwargs)

    def clean(self):
        if self.kind == self.Kind.APPROVE_MINUTES and not self.approves_minutes_of_id:
            raise ValidationError({"approves_minutes_of": "Say which meeting's minutes this resolution approves."})


class ActionQuerySet(CommitteeScopedQuerySet):
    committee_path = "minute_item__meeting__committee"

    def visible_to(self, user):
        """Actions `user` may read: those of public, non-exempt minutes, and all of committees with restricted access."""
        return self.filter(narrow_visibility_q(user))

    def open(self):
        """Actions not yet done or cancelled."""
        return self.filter(status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS])

    def overdue(self, today: datetime.date | None = None):
        """Open actions whose due date has passed."""
        today = today or datetime.date.today()
        return self.open().filter(due_date__lt=today)

    def done(self):
        """Completed actions."""
        return self.filter(status=Action.Status.DONE)

    def with_context(self):
        """Eager-load owner, minute, meeting and committee (actions tracker)."""
        return self.select_related("owner", "minute_item", "minute_item__meeting", "minute_item__meeting__committee", "resolution")

    def due_at(self, meeting):
        """Commitments due at `meeting` (matters arising for its agenda)."""
        return self.filter(due_meeting=meeting)

    def not_provided(self):
        """Open commitments met by an agenda item that has not been linked yet."""
        return self.open().filter(kind__in=Action.AGENDA_KINDS, provided_by_item__isnull=True)

    def with_municipal_year(self):
        """Annotate `year_start`: the first calendar year of the municipal year of the meeting that made it."""
        return self.annotate(year_start=municipal_year_start_year("minute_item__meeting__date"))

    def counts_by_owner(self, today: datetime.date | None = None) -> list[dict]:
        """Rows of open, overdue, done and `made` (all) counts per owner, most overdue first: one query.

        The counts are grouped on the action's own columns (for the public, one index-only scan of the public actions)
        and only then joined to the owners' names, instead of joining every action to its owner before grouping. They
        are first counted per owner and status, in the index's own order (action_public_owner_idx: owner, role, status,
        due date), with one test a row (due before today) instead of four; the per-owner figures then add up those
        few rows a status at a time, by commitment_record_conditions' rules: outstanding (open or in progress), overdue
        (outstanding and due before today), done."""
        today = today or datetime.date.today()
        grouped = (
            self.order_by()
            .values("owner_id", "owner_text", "status")
            .annotate(n=Count("*"), late=Count(Value(1), filter=Q(due_date__lt=today)))
        )
        sql, params = grouped.query.sql_with_params()
        person = Person._meta.db_table
        open_statuses = (Action.Status.OPEN.value, Action.Status.IN_PROGRESS.value)
        # SUM of counts is numeric in PostgreSQL: cast back to the integers COUNT gives (CAST, not ::, so SQLite reads it:
        # `make run`).
        outstanding = "s.status IN (%s, %s)"
        with connections[self.db].cursor() as cursor:
            # The order of the grouped query it replaces: most overdue, most open, then name (no owner last) and text.
            cursor.execute(
                "SELECT p.slug, p.name, p.honorific, g.owner_text, g.open, g.overdue, g.done, g.made FROM ("
                f"SELECT s.owner_id, s.owner_text, CAST(COALESCE(SUM(s.n) FILTER (WHERE {outstanding}), 0) AS bigint) AS open, "
                f"CAST(COALESCE(SUM(s.late) FILTER (WHERE {outstanding}), 0) AS bigint) AS overdue, "
                "CAST(COALESCE(SUM(s.n) FILTER (WHERE s.status = %s), 0) AS bigint) AS done, CAST(SUM(s.n) AS bigint) AS made "
                f"FROM ({sql}) s GROUP BY 1, 2) g "
                f'LEFT JOIN "{person}" p ON p.id = g.owner_id ORDER BY g.overdue DESC, g.open DESC, p.name ASC, g.owner_text ASC',
                (*open_statuses, *open_statuses, Action.Status.DONE.value, *params),
            )
            names = ("owner__slug", "owner__name", "owner__honorific", "owner_text", "open", "overdue", "done", "made")
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def with_is_overdue(self, today: datetime.date | None = None):
        """Annotate `is_overdue` so templates need no per-row logic."""
        today = today or datetime.date.today()
        return self.annotate(
            is_overdue=models.ExpressionWrapper(
                # due_date IS NOT NULL first: an undated commitment is not overdue (False, never SQL's NULL).
                Q(status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS], due_date__isnull=False, due_date__lt=today),
                output_field=models.BooleanField(),
            )
        )


# The follow-through record's figures, in the order its tables show them.
COMMITMENT_RECORD = ("made", "on_time", "late", "outstanding", "overdue", "cancelled")


def commitment_record_conditions(today: datetime.date | None = None) -> dict[str, Q]:
    """What puts a commitment in each category of the record: on time, late, outstanding, overdue, cancelled, done."""
    today = today or datetime.date.today()
    open_statuses = [Action.Status.OPEN, Action.Status.IN_PROGRESS]
    done = Q(status=Action.Status.DONE)
    return {
        "on_time": done & (Q(due_date__isnull=True) | Q(completed_date__lte=models.F("due_date"))),
        "late": done & Q(completed_date__gt=models.F("due_date")),
        "outstanding": Q(status__in=open_statuses),
        "overdue": Q(status__in=open_statuses, due_date__lt=today),
        "cancelled": Q(status=Action.Status.CANCELLED),
        "done": done,
    }


def commitment_record_aggregates(today: datetime.date | None = None, names: tuple[str, ...] = COMMITMENT_RECORD) -> dict:
    """Aggregate expressions for a follow-through record: made, on time, late, outstanding, overdue, cancelled (or `names`).

    Use with `.aggregate(**…)` or `.values(…).annotate(**…)`; Action is referenced at call time.
    """
    conditions = commitment_record_conditions(today)
    # COUNT(*) and COUNT(1), not COUNT(id): the id is never null, and leaving it out lets a count read an index that lacks it.
    return {name: Count("*") if name == "made" else Count(Value(1), filter=conditions[name]) for name in names}


class Action(models.Model):
    """A commitment the committee recorded: who owes what, to whom, by when, and whether it was provided."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        REPORT = "report", "Report or update to a meeting"
        BRIEFING_NOTE = "briefing_note", "Briefing note"
        INFORMATION = "information", "Information to be circulated to members"
        WRITTEN_RESPONSE = "written_response", "Written response to a questioner"
        REFERRAL = "referral", "Referral or recommendation to another body"
        OTHER = "other", "Other action"

    class DueRule(models.TextChoices):
        DATE = "date", "By a date"
        NEXT_MEETING = "next_meeting", "By the next meeting"
        FUTURE_MEETING = "future_meeting", "To a future meeting (no date set)"

    # Kinds that are met by putting something on an agenda, so a missing agenda item is flagged at publication.
    AGENDA_KINDS = (Kind.REPORT, Kind.BRIEFING_NOTE)

    minute_item = models.ForeignKey(MinuteItem, on_delete=models.CASCADE, related_name="actions")
    resolution = models.ForeignKey(Resolution, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    description = models.TextField(help_text="What is to be done, in the minute's words where possible.")
    owner = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    owner_text = models.CharField(max_length=200, blank=True, help_text="When the owner is a role or body rather than a named person.")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    completed_date = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    owed_to = models.CharField(
        max_length=200, blank=True, help_text='Who it is owed to: "the committee", "members", a questioner, "Cabinet".'
    )
    due_rule = models.CharField(
        max_length=20,
        choices=DueRule.choices,
        default=DueRule.DATE,
        help_text="'By the next meeting' follows the committee's next scheduled meeting, even if it moves or is cancelled.",
    )
    due_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments_due", help_text="Set from the due rule."
    )
    provided_by_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments_provided",
        help_text="The agenda item that brought the report or briefing note, once it has.",
    )
    question = models.ForeignKey(
        "Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments", help_text="For a written response."
    )
    flagged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the agenda it was due on was published without it (shown publicly as 'not yet provided')."
    )
    # Derived from the minute (refresh_record_columns), kept by save(): the register and tracker filter, sort and count
    # on these without joining the minute and meeting of every row.
    is_public = models.BooleanField(default=False, editable=False)
    committee = models.ForeignKey(Committee, null=True, editable=False, db_index=False, on_delete=models.CASCADE, related_name="+")
    meeting_date = models.DateField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["is_public", "committee", "meeting_date"])
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["due_meeting", "status"]),
            # The tracker's order, so a page of it reads 25 index entries instead of sorting every action:
            # one for "all", one for "open" and "overdue" (their status filter, Status.OPEN and IN_PROGRESS, is its condition).
            models.Index(fields=["due_date", "id"], name="action_tracker_order_idx"),
            models.Index(fields=["due_date", "id"], name="action_open_due_idx", condition=Q(status__in=["open", "in_progress"])),
            # What the public may read: the tracker's open page, the home page's counts and the by-owner summary, each an
            # index (only) scan of the narrow columns instead of a join through minute and meeting for every action.
            models.Index(
                fields=["due_date", "id"],
                name="action_public_open_due_idx",
                condition=Q(is_public=True, status__in=["open", "in_progress"]),
            ),
            models.Index(fields=["status", "due_date"], name="action_public_status_idx", condition=Q(is_public=True)),
            models.Index(fields=["owner", "owner_text", "status", "due_date"], name="action_public_owner_idx", condition=Q(is_public=True)),
            models.Index(fields=["committee", "status", "due_date"], name="action_committee_status_idx"),
        ]

    def __str__(self):
        return self.description[:80]

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"minute_item", "minute_item_id"}.intersection(update_fields):
            self.is_public, self.committee_id, self.meeting_date = MinuteItem.objects.values_list(
                "is_public", "meeting__committee_id", "meeting__date"
            ).get(pk=self.minute_item_id)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "is_public", "committee", "meeting_date"}
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.status == self.Status.DONE and not self.completed_date:
            errors["completed_date"] = "Give the date the action was completed."
        if self.completed_date and self.status != self.Status.DONE:
            errors["status"] = "An action with a completed date must be marked done."
        if self.due_date and self.minute_item_id and self.due_date < self.minute_item.meeting.date:
            errors["due_date"] = "An action cannot be due before the meeting that agreed it."
        if self.due_rule == self.DueRule.DATE and not self.due_date and self.status in (self.Status.OPEN, self.Status.IN_PROGRESS):
            errors["due_date"] = "Give a due date, or choose 'By the next meeting' or 'To a future meeting'."
        if errors:
            raise ValidationError(errors)

    @property
    def owner_label(self):
        if self.owner_id:
            return self.owner.display_name
        return self.owner_text or "Not assigned"

    @property
    def due_label(self) -> str:
        """When it is due, honestly: a date, or why there is none ("to a future meeting" promises no date)."""
        if self.due_date:
            return f"{self.due_date.day} {self.due_date:%B %Y}"
        if self.due_rule == self.DueRule.NEXT_MEETING:
            return "Next meeting (not yet scheduled)"
        if self.due_rule == self.DueRule.FUTURE_MEETING:
            return "A future meeting (no date set)"
        return "No date set"


class ActionUpdateQuerySet(CommitteeScopedQuerySet):
    committee_path = "action__minute_item__meeting__committee"


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(default=datetime.date.today)
    text = models.TextField()

    objects = ActionUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action", "-date", "-pk"]

    def __str__(self):
        return f"{self.date}: {self.text[:60]}"


# ---------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------
class QuestionQuerySet(CommitteeScopedQuerySet):
    committee_path = "meeting__committee"

    def visible_to(self, user):
        """Questions `user` may read: those minuted in visible, non-exempt minutes (or unminuted ones of visible minutes)."""
        return self.filter(narrow_visibility_q(user))

    def awaiting_written_response(self):
        """Questions owed a written response that has not been sent."""
        return self.filter(written_response_owed=True, written_response_date__isnull=True)


class Question(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", "Public question"
        MEMBER = "member", "Member question"

    class Submitted(models.TextChoices):
        IN_ADVANCE = "in_advance", "Received in advance"
        AT_MEETING = "at_meeting", "Asked at the meeting"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="questions")
    # PROTECT: a question takes its privacy from its minute, so deleting the minute must not leave it public.
    minute_item = models.ForeignKey(MinuteItem, null=True, blank=True, on_delete=models.PROTECT, related_name="questions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PUBLIC)
    submitted = models.CharField(max_length=20, choices=Submitted.choices, default=Submitted.AT_MEETING)
    asker_name = models.CharField(
        max_length=160, blank=True, help_text="As minuted; blank where the minutes do not say (shown as not recorded)."
    )
    asker_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions_asked")
    question = models.TextField(blank=True, help_text="As minuted; blank where the minutes record only that a question was asked.")
    answer = models.TextField(blank=True)
    answered_by = models.CharField(max_length=200, blank=True)
    written_response_owed = models.BooleanField(default=False, help_text="Tick if the questioner was promised a written response.")
    written_response_date = models.DateField(null=True, blank=True)
    refers_to_meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A meeting where the same question was first raised.",
    )
    # Derived from its minute (or, unminuted, its meeting's minutes), kept by save() and refresh_record_columns.
    is_public = models.BooleanField(default=False, editable=False)
    committee = models.ForeignKey(Committee, null=True, editable=False, db_index=False, on_delete=models.CASCADE, related_name="+")

    history = HistoricalRecords(excluded_fields=["is_public", "committee"])
    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "pk"]
        indexes = [
            models.Index(fields=["written_response_owed", "written_response_date"]),
            models.Index(fields=["committee", "written_response_owed"], name="question_committee_idx"),
        ]

    def __str__(self):
        return f"{self.asker_name}: {self.question[:60]}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"minute_item", "minute_item_id", "meeting", "meeting_id"}.intersection(update_fields):
            meeting = Meeting.objects.filter(pk=self.meeting_id)
            if self.minute_item_id:
                self.is_public = MinuteItem.objects.filter(pk=self.minute_item_id, is_public=True).exists()
            else:
                self.is_public = meeting.filter(Meeting.public_minutes_q()).exists()
            self.committee_id = meeting.values_list("committee_id", flat=True).get()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "is_public", "committee"}
        super().save(*args, **kwargs)


# ---------------------------------------------------------------------------
# Work programme (the committee's forward plan)
# ---------------------------------------------------------------------------
class WorkProgrammeItemQuerySet(CommitteeScopedQuerySet):
    def outstanding(self):
        """Topics proposed or scheduled but not yet taken."""
        return self.filter(status__in=[WorkProgrammeItem.Status.PROPOSED, WorkProgrammeItem.Status.SCHEDULED])

    def with_context(self):
        """Eager-load committee, planned meeting and source minute."""
        return self.select_related("committee", "planned_for", "source_minute", "source_minute__meeting", "agenda_item")


class WorkProgrammeItem(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        SCHEDULED = "scheduled", "Scheduled"
        DONE = "done", "Taken at a meeting"
        DROPPED = "dropped", "Dropped"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="work_programme")
    topic = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    source_minute = models.ForeignKey(MinuteItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="work_programme_items")
    planned_for = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="planned_topics")
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="work_programme_items")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True)

    objects = WorkProgrammeItemQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "status", "pk"]
        verbose_name = "work programme item"

    def __str__(self):
        return self.topic
