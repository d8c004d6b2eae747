"""The complaint (anonymous), its personal data (restricted) and its stages."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from committee.dates import add_working_days
from complaints.models.common import STAGE_EXTENDED_LIMITS, sensible_date
from complaints.models.reference import Team, Theme
from complaints.years import FinancialYear


# ---------------------------------------------------------------------------
# Complaint (anonymous) and its personal data (restricted)
# ---------------------------------------------------------------------------
class ComplaintQuerySet(models.QuerySet):
    def received_in(self, year: FinancialYear):
        """Complaints received in a financial year."""
        return self.filter(received_date__range=year.bounds)

    def closed_before(self, day: datetime.date):
        """Complaints whose handling ended before `day` and that still hold personal data (retention)."""
        return self.filter(closed_date__lt=day, anonymised_at__isnull=True)

    def awaiting_informal_contact(self):
        """Complaints logged but not yet contacted, resolved informally or moved to Stage 1."""
        return self.filter(
            informal_contact_date__isnull=True, resolved_informally=False, informal_contact_due__isnull=False, current_stage=0
        )


class Complaint(models.Model):
    class Procedure(models.TextChoices):
        STATUTORY = "statutory", "Statutory (Children Act 1989)"
        CORPORATE = "corporate", "Corporate complaints procedure"

    class ReceivedHow(models.TextChoices):
        EMAIL = "email", "Email"
        ONLINE_FORM = "online_form", "Online form"
        TELEPHONE = "telephone", "Telephone"
        LETTER = "letter", "Letter"
        IN_PERSON = "in_person", "In person"

    class ComplainantType(models.TextChoices):
        PARENT = "parent", "Parent"
        OTHER_FAMILY = "other_family_friend", "Other family/friend"
        CARER = "foster_carer_carer", "Foster carer/carer"
        CHILD = "child_young_person", "Child/young person"
        CARE_LEAVER = "care_leaver", "Care leaver"
        ADVOCATE = "advocate", "Advocate"
        OTHER = "other", "Other"

    # Equality monitoring: every question offers "Prefer not to say" (mandatory on the form since 2025).
    class AgeBand(models.TextChoices):
        UNDER_18 = "under_18", "Under 18"
        AGE_18_24 = "18_24", "18 to 24"
        AGE_25_34 = "25_34", "25 to 34"
        AGE_35_44 = "35_44", "35 to 44"
        AGE_45_54 = "45_54", "45 to 54"
        AGE_55_64 = "55_64", "55 to 64"
        AGE_65_PLUS = "65_plus", "65 or over"
        PREFER_NOT = "prefer_not_to_say", "Prefer not to say"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        ANOTHER_WAY = "another_way", "In another way"
        PREFER_NOT = "prefer_not_to_say", "Prefer not to say"

    class Ethnicity(models.TextChoices):
        ASIAN = "asian", "Asian or Asian British"
        BLACK = "black", "Black, Black British, Caribbean or African"
        MIXED = "mixed", "Mixed or multiple ethnic groups"
        WHITE = "white", "White"
        OTHER = "other", "Other ethnic group"
        PREFER_NOT = "prefer_not_to_say", "Prefer not to say"

    class Disability(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        PREFER_NOT = "prefer_not_to_say", "Prefer not to say"

    reference = models.CharField(
        max_length=30, unique=True, blank=True, help_text="Leave blank for the next reference of the year, e.g. CSC-2425-0001."
    )
    received_date = models.DateField(validators=[sensible_date], db_index=True)
    received_how = models.CharField("how received", max_length=20, choices=ReceivedHow.choices, blank=True)
    complainant_type = models.CharField(max_length=30, choices=ComplainantType.choices, blank=True)
    procedure = models.CharField(
        max_length=20,
        choices=Procedure.choices,
        default=Procedure.STATUTORY,
        help_text="Complaints by or for children, parents, carers and other qualifying people follow the statutory "
        "procedure; anyone else's follow the corporate procedure.",
    )
    child_in_care_or_care_leaver = models.BooleanField(
        "by or for a child in care or care leaver", default=False, help_text="Counted in the report's child-in-care table."
    )
    advocacy_used = models.BooleanField(default=False, help_text="Supported by an advocate (e.g. Bury Children's Rights Service).")
    via_mp_or_councillor = models.BooleanField(
        "received via an MP or councillor", null=True, blank=True, help_text="Leave unknown for older records that did not say."
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="complaints")
    themes = models.ManyToManyField(Theme, blank=True, related_name="complaints", help_text="Every area the complaint raises.")
    primary_theme = models.ForeignKey(
        Theme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="primary_for",
        help_text="The one theme the annual report counts it under. Since 2024/25 a complaint raising several "
        'themes is counted under "Quality of service provided".',
    )
    informal_contact_due = models.DateField(
        validators=[sensible_date],
        null=True,
        blank=True,
        editable=False,
        help_text="Two working days after receipt (the 48-hour contact); set by the service.",
    )
    informal_contact_date = models.DateField(
        validators=[sensible_date], null=True, blank=True, help_text="When the team manager contacted the complainant."
    )
    resolved_informally = models.BooleanField(default=False, help_text="Resolved by that contact, without a formal Stage 1.")
    lessons_learnt_returned = models.BooleanField(
        "Lessons Learnt form returned", null=True, blank=True, help_text="Leave unknown where it was not recorded."
    )
    equality_age = models.CharField("age", max_length=20, choices=AgeBand.choices, blank=True, help_text="Blank: not answered.")
    equality_sex = models.CharField("sex", max_length=20, choices=Sex.choices, blank=True, help_text="Blank: not answered.")
    equality_ethnicity = models.CharField(
        "ethnic group", max_length=20, choices=Ethnicity.choices, blank=True, help_text="Blank: not answered."
    )
    equality_disability = models.CharField(
        "disability", max_length=20, choices=Disability.choices, blank=True, help_text="Blank: not answered."
    )
    current_stage = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="The latest formal stage reached (0 while informal); set by the services."
    )
    closed_date = models.DateField(
        validators=[sensible_date],
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="When the last open stage closed; set by the services.",
    )
    anonymised_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the retention rule removed its personal data."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_date", "-reference"]
        permissions = [("view_personal_data", "Can see complainants' and children's personal data")]
        indexes = [
            # The work list's "informal contact due": a handful of rows among every complaint ever received.
            models.Index(
                fields=["informal_contact_due"],
                condition=Q(informal_contact_date__isnull=True, resolved_informally=False, current_stage=0),
                name="complaint_awaiting_contact",
            )
        ]

    def __str__(self):
        return self.reference or "New complaint"

    def clean(self):
        if self.informal_contact_date and self.received_date and self.informal_contact_date < self.received_date:
            raise ValidationError({"informal_contact_date": "The complainant cannot be contacted before the complaint is received."})
        if self.resolved_informally and not self.informal_contact_date:
            raise ValidationError({"informal_contact_date": "Give the date of the contact that resolved it."})

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear.of(self.received_date)


class ComplaintPersonalData(models.Model):
    """Who complained, about which child, how to reach them and what they said. Only the Complaints officer role sees it."""

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="personal_data")
    complainant_name = models.CharField(max_length=200, blank=True)
    complainant_address = models.TextField(blank=True)
    complainant_email = models.EmailField(blank=True)
    complainant_phone = models.CharField(max_length=40, blank=True)
    child_name = models.CharField("child's name", max_length=200, blank=True)
    child_date_of_birth = models.DateField("child's date of birth", validators=[sensible_date], null=True, blank=True)
    narrative = models.TextField(blank=True, help_text="The complaint in the complainant's words, and case notes.")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "personal data"
        verbose_name_plural = "personal data"

    def __str__(self):
        # Never the name: this string appears in admin messages and delete confirmations.
        return "Personal data"


# ---------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------
class StageQuerySet(models.QuerySet):
    def opened_in(self, year: FinancialYear):
        """Stages opened (received) in a financial year: the report's "received at Stage N"."""
        return self.filter(opened_date__range=year.bounds)

    def open(self):
        """Stages not yet closed."""
        return self.filter(closed_date__isnull=True)

    def overdue(self, today: datetime.date | None = None):
        """Open stages past their (possibly extended) due date."""
        return self.open().filter(due_date__lt=today or datetime.date.today())

    def due_within(self, working_days: int, today: datetime.date | None = None):
        """Open stages due within `working_days` working days, overdue ones included (the officer's work list)."""
        return self.open().filter(due_date__lte=add_working_days(today or datetime.date.today(), working_days))


class Stage(models.Model):
    """One stage of the statutory procedure for one complaint, with its timescale and outcome."""

    class Number(models.IntegerChoices):
        ONE = 1, "Stage 1 – local resolution"
        TWO = 2, "Stage 2 – independent investigation"
        THREE = 3, "Stage 3 – review panel"

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld"
        PARTIALLY_UPHELD = "partially_upheld", "Partially upheld"
        NOT_UPHELD = "not_upheld", "Not upheld"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REFUSED = "refused", "Refused"
        ESCALATED = "escalated", "Escalated without a finding"
        RESOLVED = "resolved", "Resolved without a formal investigation"
        NOT_RECORDED = "not_recorded", "Not recorded (older records)"

    class WithdrawalReason(models.TextChoices):
        DUPLICATE = "duplicate", "Duplicate complaint"
        NO_CONTACT = "no_contact", "No contact from the complainant"
        CONSENT_NOT_GIVEN = "consent_not_given", "Consent to share not given"
        OTHER = "other", "Other reason"

    FINDINGS = (Outcome.UPHELD, Outcome.PARTIALLY_UPHELD, Outcome.NOT_UPHELD)

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField("stage", choices=Number.choices)
    opened_date = models.DateField(
        validators=[sensible_date], help_text="Stage 1: when the complaint became formal. Stage 2 and 3: when the complainant asked for it."
    )
    due_date = models.DateField(
        validators=[sensible_date],
        null=True,
        editable=False,
        help_text="Worked out in working days (bank holidays excluded) by the service; follows any extension.",
    )
    extended_to = models.DateField(
        "extension agreed to",
        validators=[sensible_date],
        null=True,
        blank=True,
        help_text="Stage 1 up to 20 working days, Stage 2 up to 65. The complainant must be told in writing.",
    )
    extension_reason = models.CharField(max_length=300, blank=True, help_text="Why more time is needed. Do not name anyone.")
    extension_letter_sent = models.DateField("extension letter sent", validators=[sensible_date], null=True, blank=True)
    response_date = models.DateField(
        validators=[sensible_date], null=True, blank=True, help_text="When the stage's response letter (or panel response) was sent."
    )
    closed_date = models.DateField(
        validators=[sensible_date],
        null=True,
        blank=True,
        help_text="When the stage ended: usually the response date; the withdrawal or escalation date otherwise.",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    withdrawal_reason = models.CharField(max_length=20, choices=WithdrawalReason.choices, blank=True)
    working_days_taken = models.PositiveIntegerField(
        null=True,
        editable=False,
        help_text="Working days from opening to response; stored because the database cannot count bank holidays.",
    )
    financial_remedy_offered = models.BooleanField(default=False)
    financial_remedy_amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    investigating_officer = models.CharField(max_length=200, blank=True, help_text="Stage 2: the external Investigating Officer.")
    independent_person = models.CharField(
        max_length=200, blank=True, help_text="Stage 2: the Independent Person overseeing the investigation."
    )
    panel_date = models.DateField(validators=[sensible_date], null=True, blank=True, help_text="Stage 3: when the review panel met.")
    panel_report_date = models.DateField(
        validators=[sensible_date], null=True, blank=True, help_text="Stage 3: when the panel's report was sent."
    )
    panel_recommendations_count = models.PositiveSmallIntegerField(
        "panel recommendations",
        default=0,
        validators=[MaxValueValidator(200)],
        help_text="Stage 3: how many recommendations the panel made.",
    )
    panel_recommendations = models.TextField(blank=True, help_text="Stage 3: the recommendations, without names.")

    history = HistoricalRecords()
    objects = StageQuerySet.as_manager()

    class Meta:
        ordering = ["complaint", "number"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "number"], name="one_record_per_stage"),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=3), name="stage_is_1_2_or_3"),
            models.CheckConstraint(
                condition=Q(closed_date__isnull=True) | Q(closed_date__gte=models.F("opened_date")),
                name="stage_closes_after_it_opens",
                violation_error_message="A stage cannot close before it opens.",
            ),
        ]
        indexes = [
            models.Index(fields=["opened_date", "number"]),
            models.Index(fields=["closed_date", "due_date"]),
            # The work list: open stages (a few weeks' worth among every stage ever opened) in due-date order, so its
            # first page reads its 50 rows in order instead of fetching and sorting every open stage.
            models.Index(fields=["due_date", "complaint"], condition=Q(closed_date__isnull=True), name="stage_open_due_idx"),
        ]

    def __str__(self):
        return f"{self.complaint} – Stage {self.number}" if self.complaint_id else f"Stage {self.number}"

    def clean(self):
        errors = {}
        if self.outcome and not self.closed_date and self.response_date:
            self.closed_date = self.response_date  # a stage with a response closes on the day it is sent
        if self.number == 3 and self.extended_to:
            errors["extended_to"] = "The regulations allow no extension at Stage 3."
        if self.extended_to and self.opened_date and self.number in STAGE_EXTENDED_LIMITS:
            limit = add_working_days(self.opened_date, STAGE_EXTENDED_LIMITS[self.number])
            if self.extended_to > limit:
                errors["extended_to"] = (
                    f"Stage {self.number} can be extended to {STAGE_EXTENDED_LIMITS[self.number]} working days at most "
                    f"({limit.day} {limit:%B %Y})."
                )
            elif self.extended_to <= self.opened_date:
                errors["extended_to"] = "An extension must end after the stage opens."
        if self.extended_to and not self.extension_reason:
            errors["extension_reason"] = "Say why the extension is needed."
        for name in ("response_date", "closed_date", "extension_letter_sent", "panel_date"):
            value = getattr(self, name)
            if value and self.opened_date and value < self.opened_date:
                errors[name] = "This cannot be before the stage opened."
        today = datetime.date.today()
        for name in ("opened_date", "response_date", "closed_date", "extension_letter_sent"):
            # What has happened is recorded once it has: a response dated ahead would count as on time by mistake.
            value = getattr(self, name)
            if value and value > today and name not in errors:
                errors[name] = "This cannot be in the future."
        if self.panel_report_date and self.panel_date and self.panel_report_date < self.panel_date:
            errors["panel_report_date"] = "The panel's report cannot come before the panel meets."
        if self.outcome and not self.closed_date:
            errors["closed_date"] = "Give the date the stage closed."
        if self.closed_date and not self.outcome:
            errors["outcome"] = "Give the outcome of the stage."
        if self.outcome in self.FINDINGS and not self.response_date:
            errors["response_date"] = "A finding needs the date of the response letter."
        if self.outcome == self.Outcome.WITHDRAWN and not self.withdrawal_reason:
            errors["withdrawal_reason"] = "Say why the complaint was withdrawn."
        if self.withdrawal_reason and self.outcome != self.Outcome.WITHDRAWN:
            errors["withdrawal_reason"] = "Only a withdrawn stage has a withdrawal reason."
        if self.number != 2 and (self.investigating_officer or self.independent_person):
            errors["investigating_officer"] = "Only Stage 2 has an Investigating Officer and Independent Person."
        if self.number != 3 and (
            self.panel_date or self.panel_report_date or self.panel_recommendations_count or self.panel_recommendations
        ):
            errors["panel_date"] = "Only Stage 3 has a review panel."
        if self.financial_remedy_amount and not self.financial_remedy_offered:
            errors["financial_remedy_offered"] = "Tick this if a financial remedy was offered."
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self):
        return self.closed_date is None

    @property
    def is_extended(self):
        return self.extended_to is not None

    @property
    def due_label(self):
        """What is due next on this stage (Stage 3 has three deadlines)."""
        return self.due_label_for(self.number, self.panel_date, self.panel_report_date)

    @staticmethod
    def due_label_for(number, panel_date, panel_report_date) -> str:
        """`due_label` from the three columns it reads (the work list's rows are plain values, not stages)."""
        if number != 3:
            return "Response"
        if not panel_date:
            return "Panel to meet"
        if not panel_report_date:
            return "Panel's report"
        return "Council's response"
