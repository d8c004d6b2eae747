"""Measures (KPIs): what is counted, which way is better, the target, and the values reported per period."""

import functools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Count, OuterRef, Subquery, Window
from django.db.models.functions import Cast, JSONObject
from simple_history.models import HistoricalRecords

from committee.links import record_url
from improvement.models.plans import Priority
from improvement.models.rag import Rag

# What a row of a measures table reads: name and link, the unit to format values in, target and thresholds for the RAG.
MEASURE_ROW_FIELDS = (
    "name",
    "slug",
    "unit",
    "decimals",
    "polarity",
    "target_value",
    "target_date",
    "target_note",
    "green_threshold",
    "amber_threshold",
)


class MeasureQuerySet(models.QuerySet):
    def active(self):
        """Measures still being reported."""
        return self.filter(is_active=True)

    def for_plan(self, plan):
        """Measures linked to any of `plan`'s priorities (a subquery, so counts annotated later are not multiplied)."""
        links = Measure.priorities.through.objects.filter(priority__plan=plan).values("measure_id")
        return self.filter(pk__in=links)

    def with_latest(self):
        """Annotate the latest period's value, label and illustrative flag (lists): Measure.latest_value and friends.

        One LIMIT 1 lookup on the (measure, -period_end, -id) index per row returned, bringing the three together
        (the value as text, so no float ever rounds it); an aggregate over the measurements table here would read
        every figure ever recorded. Written as one expression (LatestFigures), not built from a Subquery of a
        queryset: the ORM's building and compiling of that subquery was a third of the measures list's query time.
        """
        if connections[self.db].vendor == "postgresql":
            return self.annotate(latest_figures=LatestFigures())
        # Elsewhere (SQLite, `make run`): the same lookup built by the ORM.
        latest = Measurement.objects.filter(measure=OuterRef("pk")).order_by("-period_end", "-pk")
        figures = JSONObject(value=Cast("value", models.TextField()), label="period_label", illustrative="illustrative")
        return self.annotate(latest_figures=Subquery(latest.values(figures=figures)[:1]))

    def listed(self):
        """Only the columns a measures table prints (improvement_tags.measure_rows): not the definition or notes."""
        return self.only(*MEASURE_ROW_FIELDS)

    def with_total(self):
        """Annotate `total`: how many measures the query finds before any slice (COUNT(*) OVER ()), so a short list
        and its "see all N" link need one query, not two. Every row of a slice carries the same number."""
        return self.annotate(total=Window(Count("*")))


class Measure(models.Model):
    class Unit(models.TextChoices):
        PERCENT = "percent", "Percentage (%)"
        COUNT = "count", "Count"
        DAYS = "days", "Days"
        WEEKS = "weeks", "Weeks"
        POUNDS = "pounds", "Pounds (£)"
        RATE_10K = "rate_10k", "Rate per 10,000 children"
        SCORE = "score", "Score"

    class Polarity(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        TERMLY = "termly", "Termly"
        ANNUAL = "annual", "Annual"
        ACADEMIC_YEAR = "academic_year", "Each academic year"

    name = models.CharField(max_length=300, help_text='The measure\'s name as the plan words it, e.g. "EHCPs issued within 20 weeks".')
    slug = models.SlugField(max_length=120, unique=True)
    definition = models.TextField(blank=True, help_text="What is counted, and how, quoted where possible.")
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.PERCENT)
    decimals = models.PositiveSmallIntegerField(default=1, help_text="Decimal places to show.")
    polarity = models.CharField("which direction is better", max_length=10, choices=Polarity.choices, default=Polarity.HIGHER)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY)
    source = models.CharField(max_length=300, blank=True, help_text='Where the figures come from, e.g. "EHC Team case management system".')
    owner = models.CharField(max_length=200, blank=True, help_text="Officer or team responsible for reporting it.")
    baseline_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    baseline_period = models.CharField(max_length=100, blank=True, help_text='e.g. "2024/25".')
    baseline_note = models.CharField(
        max_length=300, blank=True, help_text='Say where the baseline comes from, e.g. "derived: target 74% less the stated 9 points".'
    )
    target_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    target_note = models.CharField(max_length=300, blank=True, help_text='The target as the source words it, or "target to be agreed".')
    green_threshold = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="A value at least this good is Green. Blank means the target.",
    )
    amber_threshold = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Below Green but at least this good is Amber; anything worse is Red. Blank means no Amber band.",
    )
    priorities = models.ManyToManyField(
        Priority, blank=True, related_name="measures", help_text="The plan priorities this measure evidences."
    )
    is_active = models.BooleanField(default=True)
    note = models.TextField(blank=True, help_text="Shown on the measure's page, e.g. a challenge to the figures minuted by the committee.")

    history = HistoricalRecords()
    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "measure (KPI)"
        indexes = [models.Index(fields=["is_active", "name"], name="measure_active_name_idx")]
        verbose_name_plural = "measures (KPIs)"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return record_url("improvement:measure", slug=self.slug)

    def clean(self):
        green = self.effective_green
        if green is not None and self.amber_threshold is not None and not self.is_better_or_equal(green, self.amber_threshold):
            raise ValidationError({"amber_threshold": "The Amber threshold must be worse than the Green threshold (or the target)."})

    @property
    def effective_green(self) -> Decimal | None:
        return self.green_threshold if self.green_threshold is not None else self.target_value

    # The latest period, as MeasureQuerySet.with_latest() annotates it (None without a value or the annotation).
    @property
    def latest_value(self) -> Decimal | None:
        figures = getattr(self, "latest_figures", None)
        return Decimal(figures["value"]) if figures else None

    @property
    def latest_period_label(self) -> str | None:
        figures = getattr(self, "latest_figures", None)
        return figures["label"] if figures else None

    @property
    def latest_illustrative(self) -> bool | None:
        figures = getattr(self, "latest_figures", None)
        return figures["illustrative"] if figures else None

    def is_better_or_equal(self, value, than) -> bool:
        """Whether `value` is at least as good as `than`, given the measure's direction."""
        return value >= than if self.polarity == self.Polarity.HIGHER else value <= than

    def rag_for(self, value) -> str:
        """Green, Amber or Red for a value against this measure's thresholds; "" when there is no target to judge by."""
        green = self.effective_green
        if value is None or green is None:
            return ""
        if self.is_better_or_equal(value, green):
            return Rag.GREEN
        if self.amber_threshold is not None and self.is_better_or_equal(value, self.amber_threshold):
            return Rag.AMBER
        return Rag.RED

    def format_value(self, value) -> str:
        """A value in the measure's unit: 97.0%, 26,427, £1,250, 18.5 weeks."""
        if value is None:
            return ""
        number = f"{Decimal(value):,.{self.decimals}f}"
        match self.unit:
            case self.Unit.PERCENT:
                return f"{number}%"
            case self.Unit.POUNDS:
                return f"£{number}"
            case self.Unit.DAYS:
                return f"{number} days"
            case self.Unit.WEEKS:
                return f"{number} weeks"
            case self.Unit.RATE_10K:
                return f"{number} per 10,000"
        return number

    @property
    def rag_key(self) -> list[tuple[str, str]]:
        """The measure's RAG key as words, e.g. [("green", "74.0% or higher"), …], for the legend beside its chart."""
        green = self.effective_green
        if green is None:
            return []
        better = "or higher" if self.polarity == self.Polarity.HIGHER else "or lower"
        worse = "below" if self.polarity == self.Polarity.HIGHER else "above"
        rows = [(Rag.GREEN, f"{self.format_value(green)} {better}")]
        if self.amber_threshold is not None:
            rows.append((Rag.AMBER, f"{self.format_value(self.amber_threshold)} {better}, but {worse} {self.format_value(green)}"))
            rows.append((Rag.RED, f"{worse.capitalize()} {self.format_value(self.amber_threshold)}"))
        else:
            rows.append((Rag.RED, f"{worse.capitalize()} {self.format_value(green)}"))
        return rows


class MeasurementQuerySet(models.QuerySet):
    def latest_first(self):
        """Newest period first."""
        return self.order_by("-period_end", "-pk")


class Measurement(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="measurements")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(help_text="Last day of the period; a point-in-time figure uses its date.")
    period_label = models.CharField(max_length=100, blank=True, help_text='As reported, e.g. "Q1: April- June 2025", "October 2025".')
    value = models.DecimalField(max_digits=14, decimal_places=4)
    national = models.DecimalField("England", max_digits=14, decimal_places=4, null=True, blank=True)
    regional = models.DecimalField("North West", max_digits=14, decimal_places=4, null=True, blank=True)
    statistical_neighbours = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    illustrative = models.BooleanField(
        default=False,
        help_text="Tick for made-up demonstration values (not reported by the council); pages label them so nobody quotes them.",
    )
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where this figure was reported.")

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["measure_id", "period_end"]
        constraints = [models.UniqueConstraint(fields=["measure", "period_end"], name="one_value_per_measure_period")]
        indexes = [models.Index(fields=["measure", "-period_end", "-id"], name="measurement_latest_idx")]

    def __str__(self):
        return f"{self.measure}: {self.label} = {self.value}"

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The period cannot end before it starts."})

    @property
    def label(self):
        return self.period_label or f"{self.period_end:%B %Y}"


class LatestFigures(models.Func):
    """(PostgreSQL.) A measure's latest period's value (as text), label and illustrative flag, as one JSON object (None without
    a value): the scalar subquery `Measurement.objects.filter(measure=OuterRef("pk")).order_by("-period_end", "-pk")
    .values(figures=JSONObject(…))[:1]` wrote, on the (measure, -period_end, -id) index. Its one source expression is
    the measure's id, which the ORM qualifies and relabels as the query needs; the inner alias is the function's own."""

    output_field = models.JSONField()

    def __init__(self):
        super().__init__(models.F("pk"))

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template=latest_figures_sql(connection.ops.quote_name), **extra_context)


@functools.cache
def latest_figures_sql(quote) -> str:
    """LatestFigures' SQL, written once a process from Measurement's table and columns."""
    table, column = quote(Measurement._meta.db_table), {f.name: f"latest_figure.{quote(f.column)}" for f in Measurement._meta.fields}
    return (
        f"(SELECT JSONB_BUILD_OBJECT('value', {column['value']}::text, 'label', {column['period_label']}, "
        f"'illustrative', {column['illustrative']}) FROM {table} latest_figure WHERE {column['measure']} = %(expressions)s "
        f"ORDER BY {column['period_end']} DESC, {column['id']} DESC LIMIT 1)"
    )
