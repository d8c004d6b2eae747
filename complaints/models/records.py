"""The LGSCO, compliments, learning actions, each year's published figures, and the data version reports are cached on."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from complaints.models.common import sensible_date
from complaints.models.complaint import Complaint, Stage
from complaints.models.reference import Team
from complaints.years import FinancialYear


class OmbudsmanCaseQuerySet(models.QuerySet):
    def received_in(self, year: FinancialYear):
        """Cases the LGSCO raised with the council in a financial year."""
        return self.filter(received_date__range=year.bounds)


class OmbudsmanCase(models.Model):
    """A Local Government and Social Care Ombudsman enquiry or investigation."""

    class ServiceArea(models.TextChoices):
        CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
        EDUCATION_CHILDRENS = "education_childrens", "Education & Children's Services (other or not split)"
        OTHER = "other", "Other council services"

    class Decision(models.TextChoices):
        UPHELD = "upheld_fault_injustice", "Upheld: fault and injustice"
        NOT_UPHELD = "not_upheld", "Not upheld"
        CLOSED_AFTER_INITIAL_ENQUIRIES = "closed_initial_enquiries", "Closed after initial enquiries"
        PREMATURE = "premature", "Premature (sent back to the council)"

    complaint = models.ForeignKey(
        Complaint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ombudsman_cases",
        help_text="The council's own complaint, if any.",
    )
    lgsco_reference = models.CharField("LGSCO reference", max_length=40, blank=True)
    received_date = models.DateField(
        validators=[sensible_date], help_text="When the LGSCO first contacted the council; sets the reporting year."
    )
    service_area = models.CharField(
        max_length=30,
        choices=ServiceArea.choices,
        default=ServiceArea.CHILDRENS_SOCIAL_CARE,
        help_text='As the LGSCO classifies it. Its "Education & Children\'s Services" category includes SEND.',
    )
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True, help_text="Blank while awaiting a decision.")
    decision_date = models.DateField(validators=[sensible_date], null=True, blank=True)
    remedy = models.TextField(blank=True, help_text="What the LGSCO asked the council to do, without names.")
    remedy_due_date = models.DateField(validators=[sensible_date], null=True, blank=True)
    remedy_completed_date = models.DateField(validators=[sensible_date], null=True, blank=True)
    closed_date = models.DateField(
        validators=[sensible_date], null=True, blank=True, help_text="When the LGSCO confirmed it was satisfied and closed the case."
    )

    history = HistoricalRecords()
    objects = OmbudsmanCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_date"]
        verbose_name = "Ombudsman case"
        # The annual report reads a year, or a week of one after a change (complaints.kept), by this date.
        indexes = [models.Index(fields=["received_date"], name="ombudsman_received_idx")]

    def __str__(self):
        return (
            f"LGSCO {self.lgsco_reference or 'case'} ({self.received_date.day} {self.received_date:%B %Y})"
            if self.received_date
            else "LGSCO case"
        )

    def clean(self):
        errors = {}
        if self.decision and not self.decision_date:
            errors["decision_date"] = "Give the date of the decision."
        if self.decision_date and self.received_date and self.decision_date < self.received_date:
            errors["decision_date"] = "The decision cannot come before the case was received."
        if self.remedy_completed_date and not self.remedy:
            errors["remedy"] = "Say what the remedy was."
        if errors:
            raise ValidationError(errors)


class ComplimentQuerySet(models.QuerySet):
    def received_in(self, year: FinancialYear):
        """Compliments logged in a financial year."""
        return self.filter(received_date__range=year.bounds)


class Compliment(models.Model):
    """Praise for a team, logged centrally (some managers do not forward theirs, so counts are a floor)."""

    class Source(models.TextChoices):
        PARENT = "parent", "Parent or family"
        CHILD = "child_young_person", "Child or young person"
        CARER = "carer", "Foster carer or carer"
        PROFESSIONAL = "professional", "Professional or partner agency"
        OTHER = "other", "Other"

    received_date = models.DateField(validators=[sensible_date], db_index=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="compliments")
    source = models.CharField(max_length=30, choices=Source.choices, blank=True)
    quote = models.TextField(blank=True, help_text='Replace names with roles, e.g. "(Social worker)", before saving.')
    publish_quote = models.BooleanField(default=False, help_text="May be quoted in the published annual report.")

    history = HistoricalRecords()
    objects = ComplimentQuerySet.as_manager()

    class Meta:
        ordering = ["-received_date"]

    def __str__(self):
        return f"Compliment of {self.received_date.day} {self.received_date:%B %Y}" if self.received_date else "Compliment"

    def clean(self):
        if self.publish_quote and not self.quote.strip():
            raise ValidationError({"publish_quote": "There is no quote to publish."})


class LearningAction(models.Model):
    """An improvement arising from a complaint, a panel recommendation or an LGSCO decision."""

    class Category(models.TextChoices):
        REMEDIAL = "remedial", "Remedial action for an individual complaint"
        PRACTICE = "practice", "Improving practice and delivering training"
        PROCESS = "process", "Establishing or changing processes, policies or procedures"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        NOT_IMPLEMENTED = "not_implemented", "Not implemented"
        NOT_RECORDED = "not_recorded", "Not recorded"

    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.SET_NULL, related_name="learning_actions")
    stage = models.ForeignKey(
        Stage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learning_actions",
        help_text="e.g. the Stage 3 panel that recommended it.",
    )
    raised_date = models.DateField(validators=[sensible_date], help_text="Sets the reporting year.")
    category = models.CharField(max_length=20, choices=Category.choices, blank=True, help_text="Blank: not recorded.")
    description = models.TextField(help_text="What will change, without names.")
    owner = models.CharField(max_length=200, blank=True, help_text='A role, not a name, e.g. "Head of Service, Family Safeguarding".')
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="learning_actions")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    due_date = models.DateField(validators=[sensible_date], null=True, blank=True)
    completed_date = models.DateField(validators=[sensible_date], null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_date", "pk"]
        # The annual report reads a year, or a week of one after a change (complaints.kept), by this date.
        indexes = [models.Index(fields=["raised_date"], name="learning_raised_idx")]

    def __str__(self):
        return self.description[:80]

    def clean(self):
        errors = {}
        if self.status == self.Status.DONE and not self.completed_date:
            errors["completed_date"] = "Give the date it was done."
        if self.completed_date and self.status != self.Status.DONE:
            errors["status"] = "An action with a completion date is done."
        if self.stage_id and self.complaint_id and self.stage.complaint_id != self.complaint_id:
            errors["stage"] = "This stage belongs to another complaint."
        if errors:
            raise ValidationError(errors)


class AnnualReport(models.Model):
    """What the annual report for one financial year needs beyond the records: figures others publish, and its snapshot date."""

    year = models.CharField(max_length=7, unique=True, help_text='The financial year, e.g. "2024-25" (1 April 2024 to 31 March 2025).')
    figures_as_at = models.DateField(
        validators=[sensible_date],
        null=True,
        blank=True,
        help_text='The report\'s "at the time of reporting" date: stages still open then are shown as ongoing.',
    )
    lgsco_council_total = models.PositiveIntegerField(
        "LGSCO complaints about the whole council",
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="From the LGSCO's annual review letter; it covers every council service, not only children's social care.",
    )
    lgsco_note = models.CharField("LGSCO note", max_length=200, blank=True, help_text='e.g. "Subject to confirmation from the LGSCO".')
    title = models.CharField(max_length=200, blank=True, help_text="The published report's title, as printed.")
    author = models.CharField(max_length=200, blank=True, help_text='As printed, e.g. "Julie Gallagher, Head of Governance".')
    source = models.CharField(
        max_length=300, blank=True, help_text='Where the published report is, e.g. "Agenda pack, 16 September 2025, item 6".'
    )
    presented_to = models.CharField(
        max_length=200,
        blank=True,
        help_text="The committee the report goes to, as printed; its record checks are listed with that committee's.",
    )
    marks = models.JSONField(
        default=dict,
        blank=True,
        help_text='Register figures that are not the council\'s record, as {"table key:row label[:column]": provenance}; '
        '"*" for every row. Provenance is "illustrative", "inferred" or "not_recorded" (shown as "Not recorded").',
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return f"Annual report {self.financial_year.label}"

    def clean(self):
        try:
            FinancialYear.parse(self.year)
        except ValueError:
            raise ValidationError({"year": 'Write the year as "2024-25".'}) from None

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear.parse(self.year)


# The name of the complaints data's version (committee.models.DataVersion): the annual reports are cached against it.
COMPLAINTS_DATA = "complaints"


class PublishedFigure(models.Model):
    """One figure as the council printed it in an annual complaints report: kept as printed, never recomputed.

    The register's own figures are computed from the records (complaints.report); these sit beside them so a reader
    sees both, and any difference, rather than one silently replacing the other.
    """

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="figures")
    year = models.CharField(
        max_length=7,
        db_index=True,
        help_text='The financial year the figure is about, e.g. "2021-22" for last year\'s figure quoted in the 2022/23 report.',
    )
    table = models.CharField(max_length=120, help_text='The printed table or paragraph heading, e.g. "Customer Types".')
    row = models.CharField(max_length=200, help_text='As printed, e.g. "Foster Carer/ Carer".')
    column = models.CharField(max_length=120, blank=True, help_text='As printed, e.g. "Stage 1"; blank for a single figure.')
    printed = models.CharField(max_length=40, help_text='Exactly as printed, e.g. "47%" or "111".')
    value = models.DecimalField(max_digits=9, decimal_places=1, null=True, blank=True, help_text="The printed figure as a number.")
    is_total = models.BooleanField(default=False, help_text="The table's printed total: the record checks add the other rows up to it.")
    reference = models.CharField(max_length=120, blank=True, help_text='Where it is printed, e.g. "§7.2" or "Timescales and Performance".')
    measure = models.CharField(
        max_length=200,
        blank=True,
        help_text='The register figure it is compared with: "table key/row label[/column]" of the computed report, e.g. '
        '"summary/Received at Stage 1". Blank: no register figure to compare.',
    )
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "order", "pk"]
        indexes = [models.Index(fields=["report", "order"])]

    def __str__(self):
        return f"{self.table}: {self.row} {self.column} {self.printed}".replace("  ", " ")

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear.parse(self.year)


class ReportSection(models.Model):
    """A section of an annual complaints report's own text (introduction, legislation, LGSCO, key learning), verbatim."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=200, help_text="As printed.")
    text = models.TextField(help_text='Verbatim; paragraphs separated by a blank line, list items starting with "- ".')
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "order", "pk"]

    def __str__(self):
        return self.heading

    @property
    def blocks(self) -> list[dict]:
        """Paragraphs and lists, for the page and the PDF."""
        blocks: list[dict] = []
        for chunk in self.text.split("\n\n"):
            lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
            if lines and all(line.startswith("- ") for line in lines):
                blocks.append({"list": [line[2:] for line in lines]})
            elif lines:
                blocks.append({"paragraph": " ".join(lines)})
        return blocks
