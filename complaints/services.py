"""Writes for complaints: the admin, the demo loader and the management commands all go through these."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from committee.dates import add_working_days, working_days_between
from committee.locks import hold
from committee.services import data_changed
from complaints import kept
from complaints.models import (
    COMPLAINTS_DATA,
    INFORMAL_CONTACT_WORKING_DAYS,
    PANEL_REPORT_WORKING_DAYS,
    PANEL_RESPONSE_WORKING_DAYS,
    STAGE_LIMITS,
    AnnualReport,
    Complaint,
    ComplaintPersonalData,
    Compliment,
    LearningAction,
    OmbudsmanCase,
    PublishedFigure,
    ReportSection,
    Stage,
    Team,
    Theme,
)
from complaints.years import FinancialYear

# Six years after closure, counting two leap days, unless settings.COMPLAINTS_RETENTION_DAYS says otherwise.
DEFAULT_RETENTION_DAYS = 6 * 365 + 2
REFERENCE_PREFIX = "CSC"


def retention_days() -> int:
    """How long a closed complaint keeps its personal data."""
    return getattr(settings, "COMPLAINTS_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def report_data_changed(*days: datetime.date | None, everything: bool = False) -> None:
    """Note that the figures of the parts of the year `days` fall in (about a week each) may have changed, so those
    parts (and only those) are recomputed on the report's next view (complaints.kept). With no days, or
    `everything`, every part is."""
    data_changed(COMPLAINTS_DATA)  # the index of years and the PDF follow every change
    names = kept.parts_touched(*days)
    if everything or not names:
        names.add(kept.REFERENCE_VERSION)
    for name in sorted(names):  # one order, so two writers never wait on each other's versions crosswise
        data_changed(name)


def _stored(model, pk, *fields) -> tuple:
    """The values `fields` had when last saved (a change of date moves a record out of a month as well as into one)."""
    return (model.objects.filter(pk=pk).values_list(*fields).first() or (None,) * len(fields)) if pk else (None,) * len(fields)


def complaint_days(complaint: Complaint) -> list[datetime.date]:
    """The days that place a complaint in the report: received, and each of its stages opened (stage tables show the
    complaint's fields, and a Stage 2 changes how Stage 1 of a child in care is counted)."""
    days = [complaint.received_date]
    if complaint.pk:
        days += list(Stage.objects.filter(complaint_id=complaint.pk).values_list("opened_date", flat=True))
    return days


# ---------------------------------------------------------------------------
# Complaints
# ---------------------------------------------------------------------------
def complaint_next_reference(*, received_date: datetime.date, prefix: str = REFERENCE_PREFIX) -> str:
    """The next free reference in the complaint's financial year, e.g. CSC-2425-0012."""
    start = f"{prefix}-{FinancialYear.of(received_date).code}-"
    hold(f"complaint-reference:{start}")  # two officers logging at once take numbers in turn (the column is unique too)
    used = Complaint.objects.filter(reference__startswith=start).values_list("reference", flat=True)
    numbers = [int(ref[len(start) :]) for ref in used if ref[len(start) :].isdigit()]
    return f"{start}{max(numbers, default=0) + 1:04d}"


@transaction.atomic
def complaint_save(*, complaint: Complaint) -> Complaint:
    """Fill in the reference and the 48-hour contact date, validate and save (the admin's save path)."""
    if not complaint.reference and complaint.received_date:
        complaint.reference = complaint_next_reference(received_date=complaint.received_date)
    complaint.full_clean()  # first, so no working-day arithmetic runs on an out-of-range date
    complaint.informal_contact_due = add_working_days(complaint.received_date, INFORMAL_CONTACT_WORKING_DAYS)
    (was_received,) = _stored(Complaint, complaint.pk, "received_date")
    complaint.save()
    report_data_changed(was_received, *complaint_days(complaint))
    return complaint


@transaction.atomic
def complaint_create(
    *,
    received_date: datetime.date,
    teams: list[Team] | tuple = (),
    themes: list[Theme] | tuple = (),
    personal_data: dict | None = None,
    **fields,
) -> Complaint:
    """Log a complaint, with its teams, themes and (for the Complaints officer) personal data."""
    complaint = complaint_save(complaint=Complaint(received_date=received_date, **fields))
    if teams:
        complaint.teams.set(teams)
    if themes or complaint.primary_theme_id:
        complaint.themes.set({*themes, *([complaint.primary_theme] if complaint.primary_theme_id else [])})
    if personal_data:
        personal_data_save(complaint=complaint, **personal_data)
    complaint_refresh(complaint=complaint)
    return complaint


@transaction.atomic
def complaint_resolve_informally(*, complaint: Complaint, contact_date: datetime.date) -> Complaint:
    """Record that the team manager's contact resolved the complaint without a formal Stage 1."""
    if complaint.stages.exists():
        raise ValidationError("This complaint is already at a formal stage.")
    complaint.informal_contact_date = contact_date
    complaint.resolved_informally = True
    complaint_save(complaint=complaint)
    return complaint_refresh(complaint=complaint)


def _handling(complaint: Complaint, stages: list[Stage], cases: list[OmbudsmanCase]) -> tuple[datetime.date | None, int]:
    """(closed date, latest stage): closed only when every stage and LGSCO case is."""
    current = max((s.number for s in stages), default=0)
    if any(s.closed_date is None for s in stages) or any(c.closed_date is None for c in cases):
        return None, current
    if stages or cases:
        return max([s.closed_date for s in stages] + [c.closed_date for c in cases]), current
    return (complaint.informal_contact_date if complaint.resolved_informally else None), current


@transaction.atomic
def complaint_refresh(*, complaint: Complaint) -> Complaint:
    """Recompute the latest stage and when the complaint's handling ended (None while any stage or LGSCO case is open)."""
    closed, current = _handling(complaint, list(complaint.stages.all()), list(complaint.ombudsman_cases.all()))
    if closed != complaint.closed_date or current != complaint.current_stage:
        complaint.closed_date, complaint.current_stage = closed, current
        complaint.save(update_fields=["closed_date", "current_stage", "updated_at"])
    report_data_changed(*complaint_days(complaint))
    return complaint


@dataclass
class ImportedComplaint:
    """One complaint to load in bulk: unsaved records, stages in order (each with whatever outcome it reached)."""

    complaint: Complaint
    stages: list[Stage] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    personal_data: dict | None = None


@transaction.atomic
def complaints_import(*, records: list[ImportedComplaint]) -> list[Complaint]:
    """Load many complaints at once (an earlier system's records, the demo) with the same checks and derived dates as
    one-at-a-time entry, and history rows for the audit trail, in a few queries. References must be given."""
    for record in records:
        complaint = record.complaint
        complaint.full_clean(validate_unique=False, validate_constraints=False)  # the database enforces uniqueness
        complaint.informal_contact_due = add_working_days(complaint.received_date, INFORMAL_CONTACT_WORKING_DAYS)
        previous = None
        for stage in record.stages:
            if stage.number != (previous.number + 1 if previous else 1) or (previous and stage.opened_date < previous.opened_date):
                raise ValidationError(f"{complaint.reference}: Stage {stage.number} does not follow the stage before it.")
            if previous is not None and previous.closed_date is None:
                previous.outcome, previous.closed_date = Stage.Outcome.ESCALATED, stage.opened_date
            if stage.outcome and not stage.closed_date:
                stage.closed_date = stage.response_date
            stage.full_clean(exclude=["complaint", "due_date", "working_days_taken"], validate_unique=False, validate_constraints=False)
            stage.due_date = stage_due_date(stage=stage)
            stage.working_days_taken = working_days_between(stage.opened_date, stage.response_date) if stage.response_date else None
            previous = stage
        if complaint.resolved_informally and record.stages:
            raise ValidationError(f"{complaint.reference}: a complaint resolved informally has no formal stages.")
        complaint.closed_date, complaint.current_stage = _handling(complaint, record.stages, [])
    complaints = bulk_create_with_history([r.complaint for r in records], Complaint)
    for record, complaint in zip(records, complaints, strict=True):
        for stage in record.stages:
            stage.complaint = complaint
    bulk_create_with_history([s for r in records for s in r.stages], Stage)
    Complaint.teams.through.objects.bulk_create(
        [Complaint.teams.through(complaint_id=c.pk, team_id=t.pk) for r, c in zip(records, complaints, strict=True) for t in r.teams]
    )
    Complaint.themes.through.objects.bulk_create(
        [
            Complaint.themes.through(complaint_id=c.pk, theme_id=t.pk)
            for r, c in zip(records, complaints, strict=True)
            for t in {*r.themes, *([c.primary_theme] if c.primary_theme_id else [])}
        ]
    )
    personal = [ComplaintPersonalData(complaint=c, **r.personal_data) for r, c in zip(records, complaints, strict=True) if r.personal_data]
    for data in personal:
        data.full_clean(exclude=["complaint"], validate_unique=False, validate_constraints=False)
    bulk_create_with_history(personal, ComplaintPersonalData)
    report_data_changed(*[r.complaint.received_date for r in records], *[s.opened_date for r in records for s in r.stages])
    return complaints


@transaction.atomic
def personal_data_save(*, complaint: Complaint, **fields) -> ComplaintPersonalData:
    """Create or update the complaint's personal data (Complaints officer only: callers check the permission)."""
    if complaint.anonymised_at:
        raise ValidationError("This complaint has been anonymised under the retention rule; its personal data cannot be restored.")
    data, _ = ComplaintPersonalData.objects.get_or_create(complaint=complaint)
    for name, value in fields.items():
        setattr(data, name, value)
    data.full_clean()
    data.save()
    return data


@transaction.atomic
def complaint_anonymise(*, complaint: Complaint, when: datetime.datetime | None = None) -> bool:
    """Remove the complaint's personal data and its change history; keep the anonymous record for the statistics."""
    removed = False
    data = ComplaintPersonalData.objects.filter(complaint=complaint)
    if data.exists():
        data.delete()
        removed = True
    # The audit trail holds copies of every earlier value, so it goes too.
    history = ComplaintPersonalData.history.filter(complaint_id=complaint.pk)
    if history.exists():
        history.delete()
        removed = True
    if complaint.anonymised_at is None:
        complaint.anonymised_at = when or timezone.now()
        complaint.save(update_fields=["anonymised_at", "updated_at"])
        removed = True
    return removed


def complaints_anonymise_closed(*, older_than_days: int | None = None, today: datetime.date | None = None, dry_run: bool = False) -> int:
    """Anonymise every complaint closed more than `older_than_days` ago (the retention rule); safe to run again."""
    days = retention_days() if older_than_days is None else older_than_days
    cutoff = (today or datetime.date.today()) - datetime.timedelta(days=days)
    due = Complaint.objects.closed_before(cutoff).order_by("pk")
    if dry_run:
        return due.count()
    count = 0
    for complaint in due.iterator(chunk_size=500):
        with transaction.atomic():
            complaint_anonymise(complaint=complaint)
        count += 1
    return count


# ---------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------
def stage_due_date(*, stage: Stage) -> datetime.date | None:
    """The next deadline on the stage, in working days with bank holidays excluded."""
    if not stage.opened_date:
        return None
    if stage.number == 3:
        # Panel within 30 working days of the request; its report 5 days after it meets; the council's response 15 days later.
        if stage.panel_report_date:
            return add_working_days(stage.panel_report_date, PANEL_RESPONSE_WORKING_DAYS)
        if stage.panel_date:
            return add_working_days(stage.panel_date, PANEL_REPORT_WORKING_DAYS)
        return add_working_days(stage.opened_date, STAGE_LIMITS[3])
    if stage.extended_to:
        return stage.extended_to
    return add_working_days(stage.opened_date, STAGE_LIMITS[stage.number])


def stage_check_sequence(*, stage: Stage, earlier: dict[int, Stage] | None = None) -> Stage | None:
    """Refuse a stage that skips one, opens before the stage it follows, or belongs to an informally resolved complaint.

    `earlier` gives stages not yet saved (the admin saves Stage 1 and 2 of a new complaint together); returns the stage before.
    """
    try:
        complaint = stage.complaint  # may be unsaved: the admin checks a new complaint's stages before saving it
    except Complaint.DoesNotExist:
        complaint = None
    if complaint is not None and complaint.resolved_informally:
        raise ValidationError('This complaint was resolved informally, so it has no formal stages. Untick "resolved informally" first.')
    if complaint is not None and stage.opened_date and complaint.received_date and stage.opened_date < complaint.received_date:
        raise ValidationError({"opened_date": "A stage cannot open before the complaint is received."})
    if stage.number in (None, 1):
        return None
    previous = (earlier or {}).get(stage.number - 1)
    if previous is None and complaint is not None and complaint.pk:
        previous = Stage.objects.filter(complaint=complaint, number=stage.number - 1).first()
    if previous is None:
        raise ValidationError({"number": f"Stage {stage.number} needs a Stage {stage.number - 1} first."})
    if stage.opened_date and previous.opened_date and stage.opened_date < previous.opened_date:
        raise ValidationError(
            {"opened_date": f"Stage {stage.number} cannot open before Stage {previous.number} ({previous.opened_date:%-d %B %Y})."}
        )
    return previous


@transaction.atomic
def stage_save(*, stage: Stage) -> Stage:
    """Work out the due date and working days taken, check the stage follows the one before, and save."""
    previous = stage_check_sequence(stage=stage)
    if stage.outcome and not stage.closed_date:
        stage.closed_date = stage.response_date
    # Validate first, so no working-day arithmetic runs on an out-of-range date; the two derived fields come after.
    stage.full_clean(exclude=["due_date", "working_days_taken"])
    if previous is not None and stage._state.adding and previous.closed_date is None:
        # Asking for the next stage ends the current one, which then has no finding of its own.
        stage_close(stage=previous, outcome=Stage.Outcome.ESCALATED, closed_date=stage.opened_date)
    stage.due_date = stage_due_date(stage=stage)
    stage.working_days_taken = working_days_between(stage.opened_date, stage.response_date) if stage.response_date else None
    (was_opened,) = _stored(Stage, stage.pk, "opened_date")
    stage.save()
    if was_opened and was_opened != stage.opened_date:
        report_data_changed(was_opened)
    complaint_refresh(complaint=stage.complaint)  # the parts of the complaint and every stage it has
    return stage


@transaction.atomic
def stage_open(*, complaint: Complaint, number: int, opened_date: datetime.date, **fields) -> Stage:
    """Open Stage 1, or escalate to Stage 2 or 3 (closing the previous stage as escalated if it is still open)."""
    return stage_save(stage=Stage(complaint=complaint, number=number, opened_date=opened_date, **fields))


@transaction.atomic
def complaint_escalate(*, complaint: Complaint, opened_date: datetime.date) -> Stage:
    """Escalate to the next stage in one step: the current stage closes as escalated and the next opens, due in its
    statutory working days."""
    current = complaint.stages.order_by("-number").first()
    if current is None:
        raise ValidationError("Open Stage 1 first.")
    if current.number >= 3:
        raise ValidationError("Stage 3 is the last stage: the complainant may go to the Local Government and Social Care Ombudsman.")
    return stage_open(complaint=complaint, number=current.number + 1, opened_date=opened_date)


@transaction.atomic
def stage_extend(*, stage: Stage, extended_to: datetime.date, reason: str, letter_sent: datetime.date | None = None) -> Stage:
    """Agree an extension (Stage 1 to 20 working days, Stage 2 to 65) and record the letter telling the complainant."""
    if not stage.is_open:
        raise ValidationError("A closed stage cannot be extended.")
    stage.extended_to = extended_to
    stage.extension_reason = reason
    stage.extension_letter_sent = letter_sent
    return stage_save(stage=stage)


@transaction.atomic
def stage_close(
    *,
    stage: Stage,
    outcome: str,
    closed_date: datetime.date | None = None,
    response_date: datetime.date | None = None,
    withdrawal_reason: str = "",
    **fields,
) -> Stage:
    """Record the stage's outcome: a finding with its response date, or a withdrawal, refusal or escalation."""
    stage.outcome = outcome
    stage.response_date = response_date
    stage.closed_date = closed_date or response_date
    stage.withdrawal_reason = withdrawal_reason
    for name, value in fields.items():
        setattr(stage, name, value)
    return stage_save(stage=stage)


# ---------------------------------------------------------------------------
# LGSCO, compliments, learning, annual report figures
# ---------------------------------------------------------------------------
@transaction.atomic
def ombudsman_case_save(*, case: OmbudsmanCase) -> OmbudsmanCase:
    """Validate and save an LGSCO case; an open case keeps its complaint open (for retention)."""
    case.full_clean()
    (was_received,) = _stored(OmbudsmanCase, case.pk, "received_date")
    case.save()
    if case.complaint_id:
        complaint_refresh(complaint=case.complaint)
    report_data_changed(was_received, case.received_date)
    return case


@transaction.atomic
def compliment_record(*, received_date: datetime.date, **fields) -> Compliment:
    """Log a compliment."""
    return compliment_save(compliment=Compliment(received_date=received_date, **fields))


@transaction.atomic
def compliment_save(*, compliment: Compliment) -> Compliment:
    """Validate and save a compliment."""
    compliment.full_clean()
    (was_received,) = _stored(Compliment, compliment.pk, "received_date")
    compliment.save()
    report_data_changed(was_received, compliment.received_date)
    return compliment


@transaction.atomic
def learning_action_save(*, action: LearningAction) -> LearningAction:
    """Validate and save a learning action, taking its complaint from its stage when only the stage is given."""
    if action.stage_id and not action.complaint_id:
        action.complaint_id = action.stage.complaint_id
    action.full_clean()
    (was_raised,) = _stored(LearningAction, action.pk, "raised_date")
    action.save()
    report_data_changed(was_raised, action.raised_date)
    return action


@transaction.atomic
def annual_report_save(*, report: AnnualReport) -> AnnualReport:
    """Validate and save a year's published figures, normalising the year to "2024-25"."""
    report.full_clean()
    report.year = report.financial_year.slug
    report.save()
    # The year's reporting date and the LGSCO's figures: every kept part is keyed on the date, so only the
    # assembled report needs telling.
    data_changed(COMPLAINTS_DATA)
    data_changed(kept.PUBLISHED_VERSION)
    return report


NUMBER_WORDS = {"no": 0, "none": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}


def printed_number(printed: str) -> Decimal | None:
    """The number in a figure as printed ("47%" -> 47, "1,204" -> 1204, "Five" -> 5); None if it is not a number."""
    text = printed.strip().rstrip("%").replace(",", "").strip()
    if text.lower() in NUMBER_WORDS:
        return Decimal(NUMBER_WORDS[text.lower()])
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


@transaction.atomic
def published_report_record(
    *,
    year: str,
    figures: list[dict],
    sections: list[dict] = (),
    **fields,
) -> AnnualReport:
    """Keep a published annual report as the council printed it: its title, author, figures and text, replacing any
    earlier transcription of the same report (a corrected transcription supersedes the old one; history keeps both).

    `figures` are dicts of PublishedFigure fields (year defaults to the report's); `value` is read from `printed`.
    """
    slug = FinancialYear.parse(str(year)).slug
    report = AnnualReport.objects.filter(year=slug).first() or AnnualReport(year=slug)
    for name, value in fields.items():
        setattr(report, name, value)
    annual_report_save(report=report)
    rows = []
    for order, spec in enumerate(figures):
        figure = PublishedFigure(report=report, order=order, **{"year": slug, **spec})
        figure.year = FinancialYear.parse(str(figure.year)).slug
        figure.value = printed_number(figure.printed)
        figure.full_clean()
        rows.append(figure)
    sections_rows = []
    for order, spec in enumerate(sections):
        section = ReportSection(report=report, order=order, **spec)
        section.full_clean()
        sections_rows.append(section)
    if _transcription(rows, sections_rows) != _transcription(report.figures.all(), report.sections.all()):
        # Only a changed transcription replaces the old one, so loading the demo again writes no history.
        report.figures.all().delete()
        report.sections.all().delete()
        bulk_create_with_history(rows, PublishedFigure)
        bulk_create_with_history(sections_rows, ReportSection)
    report_data_changed()
    return report


def _transcription(figures, sections) -> tuple:
    fields = ("year", "table", "row", "column", "printed", "value", "is_total", "reference", "measure", "order")
    return (
        sorted(tuple(getattr(f, name) for name in fields) for f in figures),
        sorted((s.heading, s.text, s.order) for s in sections),
    )


@transaction.atomic
def reference_save(*, record: Team | Theme) -> Team | Theme:
    """Validate and save a team or theme (their names appear in the report tables)."""
    record.full_clean()
    record.save()
    report_data_changed(everything=True)  # a name labels rows in every year
    return record


@transaction.atomic
def record_delete(*, record) -> None:
    """Delete a complaints record (and, for a complaint, its stages and personal data); the figures change."""
    complaint = getattr(record, "complaint", None) if not isinstance(record, Complaint) else None
    days = record_days(record)
    record.delete()
    if isinstance(complaint, Complaint) and complaint.pk and Complaint.objects.filter(pk=complaint.pk).exists():
        complaint_refresh(complaint=complaint)
    if isinstance(record, AnnualReport):
        data_changed(COMPLAINTS_DATA)
        data_changed(kept.PUBLISHED_VERSION)
    else:
        report_data_changed(*days, everything=isinstance(record, Team | Theme))


def record_days(record) -> list[datetime.date | None]:
    """The days that place a record in the report's parts (a complaint's include its stages')."""
    if isinstance(record, Complaint):
        return complaint_days(record)
    for name in ("opened_date", "received_date", "raised_date"):
        if hasattr(record, name):
            return [getattr(record, name)]
    return []
