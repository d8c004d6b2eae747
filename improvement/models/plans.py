"""Improvement plans: boards, plans, their RAG key, priorities, desired outcomes, actions and dated progress updates."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Value
from django.urls import reverse
from simple_history.models import HistoricalRecords

from committee.links import record_url
from committee.queries import union_all
from committee.scoping import CommitteeScopedQuerySet
from improvement.models.inspections import Inspection
from improvement.models.rag import NOT_RATED, RAG_STYLE, Rag
from meetings.models import AgendaItem, Document


class Board(models.Model):
    """A governance board that owns a plan (Strengthening Outcomes Board, SEND Improvement & Assurance Board)."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    short_name = models.CharField(max_length=40, blank=True, help_text='e.g. "SIAB".')
    chair = models.CharField(max_length=200, blank=True, help_text='e.g. "Deborah Glassbrook (independent chair)".')
    frequency = models.CharField(max_length=100, blank=True, help_text='How often it meets, as the reports say, e.g. "monthly".')
    reports_to = models.CharField(max_length=300, blank=True, help_text="Who the board is accountable to.")
    established_on = models.DateField(null=True, blank=True, help_text="First meeting, where known.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# ---------------------------------------------------------------------------
# Plan and its RAG key
# ---------------------------------------------------------------------------
class ImprovementPlanQuerySet(models.QuerySet):
    def published(self):
        """Plans members may see (not drafts)."""
        return self.exclude(status=ImprovementPlan.Status.DRAFT)

    def with_summary(self):
        """Eager-load board and inspections, and count actions (plan lists)."""
        return (
            self.select_related("board")
            .prefetch_related("inspections")
            .annotate(
                action_count=Count("actions", distinct=True),
                complete_count=Count("actions", filter=Q(actions__is_complete=True), distinct=True),
            )
        )

    def with_dashboard(self):
        """Eager-load what the dashboard header and legend show."""
        return self.select_related("board").prefetch_related("inspections", "rag_scale")


class ImprovementPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200, help_text='As the plan titles itself, e.g. "Children\'s Services Improvement Plan".')
    slug = models.SlugField(max_length=120, unique=True)
    short_name = models.CharField(max_length=60, blank=True, help_text='e.g. "ILACS Improvement Plan", "SEND PIP".')
    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.PROTECT, related_name="plans", help_text="The board that oversees the plan."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    period_note = models.CharField(max_length=200, blank=True, help_text='The plan\'s own words, e.g. "the next 18-24 months".')
    inspections = models.ManyToManyField(Inspection, blank=True, related_name="plans", help_text="The inspections this plan answers.")
    submitted_on = models.DateField("submitted to the inspectorate", null=True, blank=True)
    response_received_on = models.DateField("inspectorate's response received", null=True, blank=True)
    response_summary = models.TextField(blank=True, help_text="What the inspectorate said about the plan, quoted.")
    published_on = models.DateField(null=True, blank=True)
    introduction = models.TextField(blank=True, help_text="Shown at the top of the plan's page. Paragraphs separated by blank lines.")
    papers = models.ManyToManyField(
        Document,
        blank=True,
        related_name="improvement_plans",
        help_text="The papers in agenda packs that print this plan or report on it (the plan as appended, its covering "
        "report). Each paper's page links here, and this plan's page lists them.",
    )
    rag_key_intro = models.CharField(
        "RAG key introduction",
        max_length=300,
        blank=True,
        default="The RAG rating will always take into account the impact of the activity:",
        help_text="The sentence printed above the RAG key.",
    )

    history = HistoricalRecords()
    objects = ImprovementPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "name"]
        indexes = [models.Index(fields=["-period_start", "name"], name="plan_order_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("improvement:plan", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = "The plan cannot end before it starts."
        if self.submitted_on and self.response_received_on and self.response_received_on < self.submitted_on:
            errors["response_received_on"] = "The response cannot arrive before the plan was submitted."
        if errors:
            raise ValidationError(errors)


class RagRating(models.Model):
    """One row of a plan's RAG key: the colour and what it means for the action and for its impact."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="rag_scale")
    code = models.CharField("colour", max_length=10, choices=Rag.choices)
    order = models.PositiveSmallIntegerField(default=0)
    action_meaning = models.CharField(max_length=300, help_text='The first half of the key, e.g. "Action completed".')
    impact_meaning = models.CharField(max_length=300, help_text='The second half, e.g. "achieves consistently improved outcomes".')
    rank = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Higher is better; used to say whether an action moved up or down. Leave blank for a colour that is not "
        "better or worse than the others (Grey: not started yet).",
    )
    means_complete = models.BooleanField(default=False, help_text="Tick for the colour that means the action is done (Blue).")

    class Meta:
        ordering = ["plan_id", "order", "pk"]
        verbose_name = "RAG rating"
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="one_rag_row_per_colour")]

    def __str__(self):
        return f"{self.get_code_display()}: {self.action_meaning}/{self.impact_meaning}"

    @property
    def label(self):
        return self.get_code_display()

    @property
    def style(self):
        return RAG_STYLE[self.code]


# ---------------------------------------------------------------------------
# Priorities and desired outcomes
# ---------------------------------------------------------------------------
class PriorityQuerySet(models.QuerySet):
    def of_published_plans(self):
        """Priorities of plans members may see (ImprovementPlanQuerySet.published): a draft plan's are named nowhere."""
        return self.filter(plan__in=ImprovementPlan.objects.published())

    def with_outcomes_and_actions(self):
        """Eager-load outcomes, their actions and each action's latest update (priority page, printed plan)."""
        return self.prefetch_related(
            Prefetch(
                "outcomes",
                queryset=Outcome.objects.prefetch_related(
                    Prefetch("actions", queryset=ImprovementAction.objects.select_related("latest_update").order_by("order", "pk"))
                ),
            )
        )


class Priority(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField(
        help_text="Position in the plan; also the outcome numbers' first part (1 for 1.1, 7 for 7.1)."
    )
    label = models.CharField(
        max_length=60, help_text='As printed before the title: "Priority 1", "Priority Action 6", "Area for Improvement 1".'
    )
    short_label = models.CharField(max_length=20, help_text='For charts and tables: "P1", "PIP6", "AFI 1".')
    title = models.TextField(help_text="The priority's words.")
    theme = models.CharField(max_length=200, blank=True, help_text='The heading it sits under, e.g. "IMPROVE THE QUALITY OF PRACTICE".')
    lead = models.CharField(max_length=300, blank=True, help_text='"Priority Lead" where the plan names one.')
    outcome_heading = models.CharField(
        max_length=80, default="Desired outcome", help_text="The first column's heading in this priority's table (\"Desired Impact\")."
    )
    progress_heading = models.CharField(max_length=80, default="Progress", help_text='e.g. "Evidence of impact/Progress".')

    objects = PriorityQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "number"]
        verbose_name_plural = "priorities"
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_priority_number")]

    def __str__(self):
        return f"{self.label}: {self.title[:80]}"

    def get_absolute_url(self):
        return record_url("improvement:priority", slug=self.plan.slug, number=self.number)


class Outcome(models.Model):
    """A desired outcome (or "desired impact"), numbered 1.1, 1.2 … within its priority."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="outcomes")
    number = models.CharField(max_length=10, help_text='As printed, e.g. "1.1".')
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    note = models.TextField(blank=True, help_text="A note row printed under the outcome's actions (e.g. cross-references).")

    class Meta:
        ordering = ["priority_id", "order", "pk"]
        verbose_name = "desired outcome"
        indexes = [models.Index(fields=["priority", "order"], name="outcome_order_idx")]
        constraints = [models.UniqueConstraint(fields=["priority", "number"], name="unique_outcome_number")]

    def __str__(self):
        return f"{self.number} {self.text[:80]}"


# ---------------------------------------------------------------------------
# Actions and their progress
# ---------------------------------------------------------------------------
class ImprovementActionQuerySet(models.QuerySet):
    def for_plan(self, plan):
        """Actions of one plan."""
        return self.filter(plan=plan)

    def open(self):
        """Actions whose latest rating does not mean 'completed'."""
        return self.filter(is_complete=False)

    def complete(self):
        """Actions whose latest rating means 'completed' (Blue on the council's key)."""
        return self.filter(is_complete=True)

    def overdue(self, today: datetime.date | None = None):
        """Open actions whose timescale's last month has ended."""
        today = today or datetime.date.today()
        return self.open().filter(due_by__lt=today)

    def due_within(self, days: int, today: datetime.date | None = None):
        """Open actions whose timescale ends in the next `days` days (today included)."""
        today = today or datetime.date.today()
        return self.open().filter(due_by__gte=today, due_by__lte=today + datetime.timedelta(days=days))

    def deadline_lists(self, days: int, today: datetime.date, limit: int, fields=()):
        """(overdue, due within `days`): the first `limit` of each, soonest first, in one statement where the database
        allows (each part an index range of (plan, is_complete, due_by) with its own LIMIT), reading only `fields`."""
        order = ("due_by", "pk")
        overdue, due_soon = [], []
        listed = union_all(
            self.overdue(today).only(*fields).order_by(*order)[:limit],
            self.due_within(days, today).only(*fields).order_by(*order)[:limit],
        )
        for action in sorted(listed, key=lambda a: (a.due_by, a.pk)):
            (overdue if action.due_by < today else due_soon).append(action)
        return overdue, due_soon

    def with_rag(self, rag: str):
        """Actions currently rated `rag` ("" for not yet rated)."""
        return self.filter(current_rag=rag)

    def with_context(self):
        """Eager-load plan, priority, outcome and latest update (lists and the action page)."""
        return self.select_related("plan", "priority", "outcome", "latest_update", "latest_update__author")

    def in_plan_order(self):
        """The order the plan prints them: priority, outcome, letter."""
        return self.order_by("priority__number", "outcome__order", "outcome_id", "order", "pk")

    def with_flags(self, today: datetime.date | None = None, soon_days: int = 30):
        """Annotate `is_overdue` and `is_due_soon` so templates need no per-row logic."""
        today = today or datetime.date.today()
        return self.annotate(
            is_overdue=models.ExpressionWrapper(Q(is_complete=False, due_by__lt=today), output_field=models.BooleanField()),
            is_due_soon=models.ExpressionWrapper(
                Q(is_complete=False, due_by__gte=today, due_by__lte=today + datetime.timedelta(days=soon_days)),
                output_field=models.BooleanField(),
            ),
        )

    def with_state_as_at(self, day: datetime.date, prefix: str):
        """Annotate `<prefix>_rag` and `<prefix>_update_on`: the latest update on or before `day` (history, not the denormalised state)."""
        latest = ProgressUpdate.objects.filter(action=OuterRef("pk"), date__lte=day).order_by("-date", "-pk")
        return self.annotate(
            **{
                f"{prefix}_rag": Subquery(latest.values("rag")[:1]),
                f"{prefix}_update_on": Subquery(latest.values("date")[:1]),
            }
        )

    def counts_by_priority(self, today: datetime.date | None = None, soon_days: int = 30):
        """[{priority_id, current_rag, n, overdue, due_soon}]: the dashboard's chart, count table and deadline counts in
        one grouped pass, whatever the plan's size. It reads the (plan, priority, current_rag) index alone: the index
        carries is_complete and due_by for the two filtered counts (COUNT(1): COUNT(id) would need the id, not in it)."""
        today = today or datetime.date.today()
        return (
            self.order_by()
            .values("priority_id", "current_rag")
            .annotate(
                n=Count("*"),
                overdue=Count(Value(1), filter=Q(is_complete=False, due_by__lt=today)),
                due_soon=Count(
                    Value(1), filter=Q(is_complete=False, due_by__gte=today, due_by__lte=today + datetime.timedelta(days=soon_days))
                ),
            )
        )


class ImprovementAction(models.Model):
    # plan and priority repeat what the outcome implies: the dashboard filters and groups a plan's actions by them,
    # and at tens of thousands of actions those must be single-table, indexed queries. The action service keeps
    # them in step with the outcome.
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="actions", editable=False)
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions", editable=False)
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="actions")
    letter = models.CharField(max_length=4, help_text='The action\'s letter within its outcome: "a", "b" …')
    reference = models.CharField(max_length=20, editable=False, help_text='Outcome number and letter, e.g. "1.2c" (set automatically).')
    order = models.PositiveSmallIntegerField(default=0, editable=False)
    text = models.TextField("action")
    accountable = models.TextField(
        "accountable officer or board",
        blank=True,
        help_text='One per line, as printed, e.g. "Director of CSC & EH" then "Director of Adult Social Care". '
        '"X supported by Y" stays on one line.',
    )
    timescale = models.CharField(
        max_length=200,
        blank=True,
        help_text='As printed: "November 2025", "September 2025 – July 2026", "Ongoing up to 2030"; may be blank.',
    )
    starts_on = models.DateField(null=True, blank=True, help_text="First month of a range timescale (read from the timescale).")
    due_by = models.DateField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Last day of the timescale's last month; the action is overdue after it. Read from the timescale when left "
        "blank; blank if the timescale names no month or year.",
    )
    impact_measures = models.TextField("how will we measure impact?", blank=True, help_text="One per line.")
    links = models.CharField("links & dependencies", max_length=300, blank=True, help_text='Codes as printed, e.g. "AFI 1 PSV 10", "6.1b".')
    note = models.TextField(blank=True, help_text="Anything odd about the source (a garbled cell, a wrong cross-reference).")
    # The latest update's state, kept by improvement.services so that counts and "overdue" are indexed queries.
    current_rag = models.CharField(max_length=10, choices=Rag.choices, blank=True, editable=False)
    is_complete = models.BooleanField(default=False, editable=False)
    latest_update = models.ForeignKey("ProgressUpdate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    last_update_on = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["latest_update", "current_rag", "is_complete", "last_update_on"])
    objects = ImprovementActionQuerySet.as_manager()

    class Meta:
        # Default orderings here use the *_id columns: ordering by the relations would chain into the related models'
        # orderings, and Django reads two routes to the same plan (via priority and directly) as an infinite loop.
        ordering = ["plan_id", "priority_id", "outcome_id", "order", "pk"]
        verbose_name = "plan action"
        constraints = [models.UniqueConstraint(fields=["outcome", "letter"], name="unique_action_letter")]
        indexes = [
            # With the id last, the dashboard's "soonest first" (due_by, pk) lists read 20 index entries, not every tie.
            models.Index(fields=["plan", "is_complete", "due_by", "id"], name="action_plan_due_idx"),
            # is_complete and due_by ride along so that the dashboard's grouped counts never visit the table.
            models.Index(fields=["plan", "priority", "current_rag"], include=["is_complete", "due_by"], name="action_plan_rag_due_idx"),
            models.Index(fields=["plan", "reference"], name="action_plan_ref_idx"),
            models.Index(fields=["plan", "current_rag"], name="action_plan_rag_only_idx"),
            models.Index(fields=["outcome", "order"], name="action_outcome_order_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.text[:80]}"

    def get_absolute_url(self):
        return record_url("improvement:action", pk=self.pk)

    @property
    def accountable_list(self):
        return [line.strip() for line in self.accountable.splitlines() if line.strip()]

    @property
    def impact_measure_list(self):
        return [line.strip() for line in self.impact_measures.splitlines() if line.strip()]

    @property
    def rag_label(self):
        return self.get_current_rag_display() if self.current_rag else NOT_RATED

    @property
    def rag_style(self):
        return RAG_STYLE[self.current_rag or None]


class ProgressUpdateQuerySet(models.QuerySet):
    def between(self, after: datetime.date | None, until: datetime.date):
        """Updates dated after `after` (exclusive; None = from the start) up to `until` (inclusive)."""
        qs = self.filter(date__lte=until)
        return qs.filter(date__gt=after) if after else qs

    def newest_first(self):
        """Latest first, the order an action's history reads."""
        return self.order_by("-date", "-pk")


class ProgressUpdate(models.Model):
    """A dated progress report on an action. Never overwritten: a new report is a new row, so the RAG history is kept."""

    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(default=datetime.date.today, help_text="The date the progress was reported as at.")
    rag = models.CharField(
        "impact RAG",
        max_length=10,
        choices=Rag.choices,
        blank=True,
        help_text="On the plan's own key. Leave blank if the report gave no rating.",
    )
    narrative = models.TextField("evidence of impact/progress", blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(
        max_length=200, blank=True, help_text="Who reported it, when not a user of this system (e.g. from a published report)."
    )
    source = models.CharField(
        max_length=300, blank=True, help_text='Where it was published, e.g. "Agenda pack, 7 January 2026, pages 39-70".'
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action_id", "date", "pk"]
        indexes = [
            models.Index(fields=["action", "-date", "-id"], name="update_latest_idx"),
            models.Index(fields=["date"], name="update_date_idx"),
        ]

    def __str__(self):
        return f"{self.date:%-d %B %Y}: {self.rag_label}"

    def clean(self):
        if not self.rag and not self.narrative.strip():
            raise ValidationError("Give a RAG rating, some progress, or both.")

    @property
    def rag_label(self):
        return self.get_rag_display() if self.rag else NOT_RATED

    @property
    def rag_style(self):
        return RAG_STYLE[self.rag or None]

    @property
    def reported_by(self):
        if self.author_id:
            return self.author.get_full_name() or self.author.get_username()
        return self.author_name


# ---------------------------------------------------------------------------
# The plan as presented to a meeting
# ---------------------------------------------------------------------------
class PlanPresentationQuerySet(CommitteeScopedQuerySet):
    committee_path = "agenda_item__meeting__committee"

    def visible_to(self, user):
        """Presentations on agenda items `user` may see (AgendaItemQuerySet.visible_to): a draft agenda's are not public."""
        return self.filter(agenda_item__in=AgendaItem.objects.visible_to(user))

    def with_meeting(self):
        """Eager-load plan, agenda item, meeting and committee."""
        return self.select_related("plan", "agenda_item", "agenda_item__meeting", "agenda_item__meeting__committee")

    def latest_first(self):
        """Most recent meeting first."""
        return self.order_by("-agenda_item__meeting__date", "-pk")


class PlanPresentation(models.Model):
    """A plan on a meeting's agenda, with the plan frozen as members saw it (so the minutes can refer to it)."""

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="presentations")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="plan_presentations")
    as_at = models.DateField(blank=True, help_text="The date the snapshot shows the plan as at. Leave blank for the meeting's date.")
    snapshot = models.JSONField(default=dict, blank=True, editable=False, help_text="Every action's RAG and progress as at that date.")
    taken_at = models.DateTimeField(null=True, blank=True, editable=False)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    objects = PlanPresentationQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "-as_at"]
        verbose_name = "plan on an agenda"
        verbose_name_plural = "plans on agendas"
        constraints = [models.UniqueConstraint(fields=["plan", "agenda_item"], name="plan_once_per_agenda_item")]

    def __str__(self):
        return f"{self.plan} at {self.agenda_item.meeting.date:%-d %B %Y}, item {self.agenda_item.number}"

    def get_absolute_url(self):
        return record_url("improvement:presentation", pk=self.pk)


# ---------------------------------------------------------------------------
# "How will we measure impact?": the plan's register of impact measures
# ---------------------------------------------------------------------------
class ImpactMeasureQuerySet(models.QuerySet):
    def in_plan_order(self):
        """The order the plan prints them: area by area, then as listed."""
        return self.order_by("plan_id", "area_order", "order", "pk")


def impact_register_areas(measures) -> list[dict]:
    """ImpactMeasure rows (in plan order) grouped as the plan prints them: [{order, label, name, priority, measures}]."""
    areas: list[dict] = []
    for measure in measures:
        if not areas or areas[-1]["order"] != measure.area_order:
            areas.append(
                {
                    "order": measure.area_order,
                    "label": measure.area_label,
                    "name": measure.area_name,
                    "priority": measure.priority,
                    "measures": [],
                }
            )
        areas[-1]["measures"].append(measure)
    return areas


class ImpactMeasure(models.Model):
    """One line of a plan's impact register ("How will we measure impact?"), in the plan's words, under its area.

    The SEND Priority Impact Plan lists these by area with no values: they say what will be counted or asked, not
    what was found. Figures reported against a measure are KPIs (`Measure`), entered only where a report gives them.
    """

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="impact_measures")
    priority = models.ForeignKey(
        Priority,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="impact_measures",
        help_text="The priority (or area for improvement) the area corresponds to, where the plan's numbering says so.",
    )
    area_label = models.CharField(max_length=60, help_text='As printed, e.g. "Priority Area 1", "Area for Improvement 2".')
    area_name = models.CharField(max_length=200, help_text='As printed after the label, e.g. "Strategy".')
    area_order = models.PositiveSmallIntegerField(default=0)
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField("measure", help_text="The measure's words, as printed (spelling kept).")
    also_relevant_to = models.CharField(
        max_length=300,
        blank=True,
        help_text="The plan's bracketed cross-reference after the measure, without the brackets, e.g. \"also relevant to "
        'Communication" or "also relevant for Workforce*" (the asterisk marks a workforce indicator).',
    )

    objects = ImpactMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "area_order", "order", "pk"]
        indexes = [models.Index(fields=["plan", "area_order", "order"], name="impact_measure_order_idx")]
        constraints = [models.UniqueConstraint(fields=["plan", "area_order", "order"], name="unique_impact_measure_place")]

    def __str__(self):
        return self.as_printed[:100]

    @property
    def area(self):
        return f"{self.area_label}: {self.area_name}"

    @property
    def as_printed(self):
        """The line as the plan prints it: the measure, then its cross-reference in brackets."""
        return f"{self.text} ({self.also_relevant_to})" if self.also_relevant_to else self.text
