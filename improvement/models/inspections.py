"""Inspections, their judgements and what they asked the council to do (recommendations, priority actions, areas for improvement)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from simple_history.models import HistoricalRecords

from committee.links import record_url
from committee.provenance import Provenance
from meetings.models import AgendaItem


class InspectionQuerySet(models.QuerySet):
    def latest_first(self):
        """Most recent inspection first."""
        return self.order_by("-start_date", "-pk")

    def with_counts(self):
        """Annotate how many recommendations each has and how many have no answering action (for lists)."""
        return self.annotate(
            recommendation_count=Count("recommendations", distinct=True),
            unanswered_count=Count("recommendations", filter=Q(recommendations__actions__isnull=True), distinct=True),
            # answered only by links the plan does not make: counted as answered, but the lists say they are inferred
            inferred_count=Count(
                "recommendations",
                filter=Q(recommendations__actions__isnull=False) & ~Q(recommendations__actions_provenance=Provenance.RECORDED),
                distinct=True,
            ),
        )

    def with_detail(self):
        """Eager-load judgements, recommendations with their answering actions, plans and agenda items (detail page)."""
        from improvement.models.plans import ImprovementAction

        return self.select_related("follows").prefetch_related(
            "judgements",
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.prefetch_related(
                    Prefetch("actions", queryset=ImprovementAction.objects.select_related("plan").order_by("plan", "order", "pk"))
                ),
            ),
            "plans",
            Prefetch("agenda_items", queryset=AgendaItem.objects.with_meeting()),
        )


class Inspection(models.Model):
    class Inspectorate(models.TextChoices):
        OFSTED = "ofsted", "Ofsted"
        OFSTED_CQC = "ofsted_cqc", "Ofsted and CQC (joint)"
        CQC = "cqc", "Care Quality Commission (CQC)"
        DFE_NHSE = "dfe_nhse", "Department for Education and NHS England"
        OTHER = "other", "Other"

    class Kind(models.TextChoices):
        ILACS_STANDARD = "ilacs_standard", "ILACS standard inspection"
        ILACS_SHORT = "ilacs_short", "ILACS short inspection"
        FOCUSED_VISIT = "focused_visit", "Focused visit"
        MONITORING_VISIT = "monitoring_visit", "Monitoring visit"
        JTAI = "jtai", "Joint targeted area inspection"
        AREA_SEND = "area_send", "Area SEND inspection"
        SEND_MONITORING = "send_monitoring", "Area SEND monitoring inspection"
        STOCKTAKE = "stocktake", "DfE/NHS England stocktake"
        OTHER = "other", "Other"

    title = models.CharField(max_length=300, help_text='e.g. "Ofsted Standard Inspection of Children\'s Services in Bury".')
    slug = models.SlugField(max_length=120, unique=True)
    inspectorate = models.CharField(max_length=20, choices=Inspectorate.choices, default=Inspectorate.OFSTED)
    kind = models.CharField("type", max_length=30, choices=Kind.choices, db_index=True)
    subject = models.CharField(
        max_length=200, blank=True, help_text='Who was inspected, e.g. "Bury Local Area Partnership" or "Bury children\'s services".'
    )
    start_date = models.DateField(help_text="First day of the inspection (or of on-site work).")
    end_date = models.DateField(null=True, blank=True)
    published_on = models.DateField("report published", null=True, blank=True)
    report_reference = models.CharField(max_length=60, blank=True, help_text='Ofsted\'s reference, e.g. "50283347".')
    report_url = models.URLField(blank=True)
    outcome = models.CharField(
        max_length=300, blank=True, help_text='The headline outcome in the report\'s words, e.g. "widespread and/or systemic failings".'
    )
    previous_outcome = models.CharField(max_length=300, blank=True, help_text='e.g. "Inadequate (November 2021)".')
    summary = models.TextField(blank=True, help_text="What members need to know, quoted from the reports where possible.")
    improvement_notice = models.BooleanField(default=False, help_text="Tick if an Improvement Notice was issued as a result.")
    consequences = models.TextField(
        blank=True, help_text='What follows, e.g. "monitoring visits followed by a re-inspection in approximately 18 months".'
    )
    action_plan_due = models.DateField(null=True, blank=True, help_text="When the inspectorate wants the council's action plan.")
    next_inspection_from = models.DateField(null=True, blank=True, help_text="Start of the window for the next inspection.")
    next_inspection_to = models.DateField(null=True, blank=True)
    next_inspection_note = models.CharField(
        max_length=300, blank=True, help_text='e.g. "next visit likely to be in the first half of 2026".'
    )
    follows = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        help_text="For a monitoring visit or stocktake: the inspection it follows up.",
    )
    agenda_items = models.ManyToManyField(
        AgendaItem, blank=True, related_name="inspections", help_text="Agenda items where the committee considered this inspection."
    )

    history = HistoricalRecords()
    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["-start_date", "-id"], name="inspection_latest_idx")]

    def __str__(self):
        return f"{self.title} ({self.start_date:%B %Y})"

    def get_absolute_url(self):
        return record_url("improvement:inspection", slug=self.slug)

    def clean(self):
        errors = {}
        if self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The inspection cannot end before it starts."
        if self.published_on and self.published_on < self.start_date:
            errors["published_on"] = "The report cannot be published before the inspection starts."
        if self.next_inspection_from and self.next_inspection_to and self.next_inspection_to < self.next_inspection_from:
            errors["next_inspection_to"] = "The window cannot end before it opens."
        if errors:
            raise ValidationError(errors)


class Judgement(models.Model):
    class Grade(models.TextChoices):
        OUTSTANDING = "outstanding", "Outstanding"
        GOOD = "good", "Good"
        REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
        INADEQUATE = "inadequate", "Inadequate"
        # The three area SEND outcomes (2023 framework), in the framework's own order.
        SEND_POSITIVE = "send_positive", "Typically positive experiences and outcomes"
        SEND_INCONSISTENT = "send_inconsistent", "Inconsistent experiences and outcomes"
        SEND_SYSTEMIC = "send_systemic", "Widespread and/or systemic failings"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    order = models.PositiveSmallIntegerField(default=0)
    area = models.CharField(max_length=300, help_text='As printed, e.g. "The experiences and progress of care leavers".')
    grade = models.CharField(max_length=30, choices=Grade.choices)

    class Meta:
        ordering = ["inspection_id", "order", "pk"]
        indexes = [models.Index(fields=["inspection", "order"], name="judgement_order_idx")]

    def __str__(self):
        return f"{self.area} – {self.get_grade_display()}"


class RecommendationQuerySet(models.QuerySet):
    def without_actions(self):
        """Recommendations no plan action answers yet: the gap members should ask about."""
        through = Recommendation.actions.through
        return self.filter(~Exists(through.objects.filter(recommendation_id=OuterRef("pk"))))

    def answered_by_plan(self, plan):
        """Recommendations of the inspections `plan` answers."""
        return self.filter(inspection__plans=plan)

    def unanswered_or_inferred_for(self, plan):
        """Of the recommendations `plan` answers, those no action answers (`unanswered` True) and those answered by
        actions of the plan through links the plan does not make (`unanswered` False): the dashboard's two lists in
        one query, each a semi-join (EXISTS), so no DISTINCT over the links. Only the columns the lists print."""
        links = Recommendation.actions.through.objects.filter(recommendation_id=OuterRef("pk"))
        plan_links = links.filter(improvementaction__plan=plan)
        return (
            self.answered_by_plan(plan)
            .annotate(unanswered=~Exists(links))
            .filter(Q(unanswered=True) | (~Q(actions_provenance=Provenance.RECORDED) & Exists(plan_links)))
            .select_related("inspection")
            .only("inspection__slug", "inspection__title", "kind", "number", "text", "actions_basis")
            .order_by("inspection_id", "kind", "number")
        )


class Recommendation(models.Model):
    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", "Recommendation"
        PRIORITY_ACTION = "priority_action", "Area for priority action"
        AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="recommendations")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.RECOMMENDATION)
    number = models.PositiveSmallIntegerField(help_text="Numbering restarts for each kind: Recommendation 1–5, Area for improvement 1–3.")
    text = models.TextField(help_text="The inspectorate's words.")
    framework = models.CharField(
        max_length=200,
        blank=True,
        help_text='The Children\'s Social Care National Framework outcome, enabler or principle, e.g. "Outcome 3, National Framework".',
    )
    actions = models.ManyToManyField(
        "improvement.ImprovementAction",
        blank=True,
        related_name="recommendations",
        help_text="The plan actions that answer this. A recommendation with none is flagged on the plan's dashboard.",
    )
    actions_provenance = models.CharField(
        "where the links to actions come from",
        max_length=20,
        choices=Provenance.choices,
        default=Provenance.RECORDED,
        help_text="As recorded when the plan itself says which actions answer this (the SEND plan's actions sit under "
        "each priority action). Inferred when the plan does not say and the links were matched by their wording: "
        "they are then marked wherever they are shown.",
    )
    actions_basis = models.CharField(
        max_length=300,
        blank=True,
        help_text='How the links were made, shown with them, e.g. "the plan\'s actions under Priority Action 1" or '
        '"matched by subject: plans and contingency planning".',
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["inspection_id", "kind", "number"]
        verbose_name = "inspection recommendation"  # meetings has its own (the committee's) recommendations
        constraints = [models.UniqueConstraint(fields=["inspection", "kind", "number"], name="unique_recommendation_number")]

    def __str__(self):
        return f"{self.label}: {self.text[:80]}"

    @property
    def label(self):
        return f"{self.get_kind_display()} {self.number}"
