"""Writes for improvement plans and KPIs: the admin, the demo loader and commands all go through these."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from committee.access import require
from improvement.models import (
    COUNCIL_RAG_KEY,
    ImpactMeasure,
    ImprovementAction,
    ImprovementPlan,
    Measure,
    Measurement,
    Outcome,
    PlanPresentation,
    ProgressUpdate,
    RagRating,
    Recommendation,
)
from improvement.timescales import parse_timescale
from meetings.models import AgendaItem


# ---------------------------------------------------------------------------
# Plans and their RAG key
# ---------------------------------------------------------------------------
@transaction.atomic
def rag_scale_ensure(*, plan: ImprovementPlan, key: list[dict] | None = None) -> list[RagRating]:
    """Give `plan` a RAG key (the council's five-colour key unless another is given), keeping any rows it already has."""
    existing = {row.code: row for row in plan.rag_scale.all()}
    rows = []
    for order, spec in enumerate(key or COUNCIL_RAG_KEY):
        row = existing.get(spec["code"]) or RagRating(plan=plan, code=spec["code"])
        if row.pk is None or key is not None:
            row.order = order
            row.action_meaning = spec["action_meaning"]
            row.impact_meaning = spec["impact_meaning"]
            row.rank = spec.get("rank")
            row.means_complete = spec.get("means_complete", False)
            row.full_clean()
            row.save()
        rows.append(row)
    return rows


@transaction.atomic
def plan_create(*, name: str, slug: str, rag_key: list[dict] | None = None, **fields) -> ImprovementPlan:
    """Create a plan with its RAG key."""
    inspections = fields.pop("inspections", [])
    plan = ImprovementPlan(name=name, slug=slug, **fields)
    plan.full_clean()
    plan.save()
    plan.inspections.set(inspections)
    rag_scale_ensure(plan=plan, key=rag_key)
    return plan


def complete_codes(*, plan: ImprovementPlan) -> set[str]:
    """The RAG codes that mean "completed" on `plan`'s key."""
    return {row.code for row in plan.rag_scale.all() if row.means_complete}


# ---------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------
def _letter_order(letter: str) -> int:
    letter = letter.strip().lower()
    return ord(letter[0]) - ord("a") + 1 if len(letter) == 1 and letter.isalpha() else 0


@transaction.atomic
def action_save(*, action: ImprovementAction, reparse_timescale: bool = True) -> ImprovementAction:
    """Save an action, deriving plan, priority, reference and order from its outcome and its dates from its timescale.

    The timescale is re-read when it changed or no due date is set; pass reparse_timescale=False to keep dates
    given by hand (e.g. a garbled source cell whose year should not be guessed).
    """
    outcome = Outcome.objects.select_related("priority").get(pk=action.outcome_id)
    action.priority = outcome.priority
    action.plan_id = outcome.priority.plan_id
    action.letter = action.letter.strip().lower().rstrip(")")
    action.reference = f"{outcome.number}{action.letter}"
    action.order = _letter_order(action.letter)
    if reparse_timescale:
        previous = ImprovementAction.objects.filter(pk=action.pk).values_list("timescale", flat=True).first() if action.pk else None
        if action.due_by is None or previous != action.timescale:
            action.starts_on, action.due_by = parse_timescale(action.timescale)
    action.full_clean()
    action.save()
    return action


def action_create(*, outcome: Outcome, letter: str, text: str, reparse_timescale: bool = True, **fields) -> ImprovementAction:
    """Create an action under a desired outcome."""
    return action_save(action=ImprovementAction(outcome=outcome, letter=letter, text=text, **fields), reparse_timescale=reparse_timescale)


@transaction.atomic
def action_refresh_current(*, action: ImprovementAction) -> ImprovementAction:
    """Recompute the action's current RAG from its latest update (latest date, then latest entered)."""
    latest = action.updates.order_by("-date", "-pk").first()
    action.latest_update = latest
    action.current_rag = latest.rag if latest else ""
    action.last_update_on = latest.date if latest else None
    action.is_complete = bool(latest and latest.rag and latest.rag in complete_codes(plan=action.plan))
    action.save(update_fields=["latest_update", "current_rag", "last_update_on", "is_complete"])
    return action


@transaction.atomic
def progress_update_create(
    *,
    action: ImprovementAction,
    date: datetime.date,
    rag: str = "",
    narrative: str = "",
    author=None,
    author_name: str = "",
    source: str = "",
) -> ProgressUpdate:
    """Record a dated progress report; it never replaces an earlier one, and the latest becomes the action's current RAG."""
    if rag and not action.plan.rag_scale.filter(code=rag).exists():
        raise ValidationError({"rag": f"{rag.title()} is not on this plan's RAG key."})
    if date > timezone.localdate():
        raise ValidationError({"date": "Progress cannot be reported for a future date."})
    update = ProgressUpdate(
        action=action, date=date, rag=rag, narrative=narrative.strip(), author=author, author_name=author_name, source=source
    )
    update.full_clean()
    update.save()
    action_refresh_current(action=action)
    return update


@transaction.atomic
def progress_update_delete(*, update: ProgressUpdate) -> None:
    """Remove an update entered in error (clerks only) and recompute the action's current RAG."""
    action = update.action
    update.delete()
    action_refresh_current(action=action)


@transaction.atomic
def recommendation_link_actions(
    *, recommendation: Recommendation, actions, provenance: str | None = None, basis: str | None = None
) -> Recommendation:
    """Record which plan actions answer a recommendation (added to any already linked), and where the links come from.

    `provenance` is "recorded" when the plan itself places the actions under the recommendation, "inferred" when they
    were matched by wording; inferred links are marked wherever they are shown.
    """
    recommendation.actions.add(*actions)
    fields = []
    if provenance is not None:
        recommendation.actions_provenance = provenance
        fields.append("actions_provenance")
    if basis is not None:
        recommendation.actions_basis = basis
        fields.append("actions_basis")
    if fields:
        recommendation.full_clean()
        recommendation.save(update_fields=fields)
    return recommendation


@transaction.atomic
def recommendation_set_actions(*, recommendation: Recommendation, actions, provenance: str, basis: str = "") -> Recommendation:
    """Replace the actions answering a recommendation (so a link dropped from the record does not linger)."""
    recommendation.actions.set(actions)
    return recommendation_link_actions(recommendation=recommendation, actions=[], provenance=provenance, basis=basis)


# ---------------------------------------------------------------------------
# The plan's impact register and the papers that print it
# ---------------------------------------------------------------------------
@transaction.atomic
def impact_register_replace(*, plan: ImprovementPlan, areas: list[dict]) -> list[ImpactMeasure]:
    """Replace `plan`'s "How will we measure impact?" register with `areas` ({label, name, priority, measures: [{text, also}]})."""
    plan.impact_measures.all().delete()
    priorities = {p.number: p for p in plan.priorities.all()}
    rows = []
    for area_order, area in enumerate(areas, start=1):
        for order, measure in enumerate(area.get("measures") or [], start=1):
            row = ImpactMeasure(
                plan=plan,
                priority=priorities.get(area.get("priority")),
                area_label=area["label"],
                area_name=area["name"],
                area_order=area_order,
                order=order,
                text=measure["text"].strip(),
                also_relevant_to=(measure.get("also") or "").strip(),
            )
            row.full_clean()
            rows.append(row)
    return ImpactMeasure.objects.bulk_create(rows)


@transaction.atomic
def plan_papers_set(*, plan: ImprovementPlan, documents) -> ImprovementPlan:
    """Link `plan` to the papers that print it or report on it (replacing earlier links)."""
    plan.papers.set(documents)
    return plan


# ---------------------------------------------------------------------------
# The plan as presented to a meeting
# ---------------------------------------------------------------------------
def plan_snapshot(*, plan: ImprovementPlan, as_at: datetime.date) -> dict:
    """The whole plan as it stood on `as_at`: every action with its latest RAG and progress on or before that date."""
    latest = {}
    for update in ProgressUpdate.objects.filter(action__plan=plan, date__lte=as_at).order_by("action_id", "date", "pk"):
        latest[update.action_id] = update
    totals: dict[str, int] = {}
    priorities = []
    for priority in plan.priorities.prefetch_related("outcomes__actions").order_by("number"):
        outcomes = []
        for outcome in priority.outcomes.all():
            actions = []
            for action in sorted(outcome.actions.all(), key=lambda a: (a.order, a.pk)):
                update = latest.get(action.pk)
                rag = update.rag if update else ""
                totals[rag] = totals.get(rag, 0) + 1
                actions.append(
                    {
                        "id": action.pk,
                        "reference": action.reference,
                        "letter": action.letter,
                        "text": action.text,
                        "accountable": action.accountable_list,
                        "timescale": action.timescale,
                        "due_by": action.due_by.isoformat() if action.due_by else None,
                        "rag": rag,
                        "progress": update.narrative if update else "",
                        "update_on": update.date.isoformat() if update else None,
                    }
                )
            outcomes.append({"number": outcome.number, "text": outcome.text, "note": outcome.note, "actions": actions})
        priorities.append(
            {
                "number": priority.number,
                "label": priority.label,
                "title": priority.title,
                "theme": priority.theme,
                "outcome_heading": priority.outcome_heading,
                "progress_heading": priority.progress_heading,
                "outcomes": outcomes,
            }
        )
    return {
        "plan": {"name": plan.name, "slug": plan.slug},
        "as_at": as_at.isoformat(),
        "rag_scale": [
            {"code": r.code, "label": r.label, "action_meaning": r.action_meaning, "impact_meaning": r.impact_meaning}
            for r in plan.rag_scale.all()
        ],
        "totals": totals,
        "priorities": priorities,
    }


@transaction.atomic
def plan_presentation_create(
    *, plan: ImprovementPlan, agenda_item: AgendaItem, by, as_at: datetime.date | None = None, note: str = ""
) -> PlanPresentation:
    """Put a plan on an agenda item and freeze it as at the meeting's date (or `as_at`); an existing link keeps its snapshot."""
    require(by, "improvement.add_planpresentation", agenda_item.meeting.committee_id, "put a plan on this committee's agenda")
    presentation, created = PlanPresentation.objects.get_or_create(
        plan=plan, agenda_item=agenda_item, defaults={"as_at": as_at or agenda_item.meeting.date, "note": note}
    )
    if created or not presentation.snapshot:
        plan_presentation_retake(presentation=presentation, by=by)
    return presentation


@transaction.atomic
def plan_presentation_delete(*, presentation: PlanPresentation, by) -> None:
    """Take a plan off an agenda item (e.g. a snapshot made at a meeting where the plan was not in fact presented)."""
    committee_id = presentation.agenda_item.meeting.committee_id
    require(by, "improvement.delete_planpresentation", committee_id, "take a plan off this committee's agenda")
    presentation.delete()


@transaction.atomic
def plan_presentation_retake(*, presentation: PlanPresentation, by) -> PlanPresentation:
    """Freeze (again) the plan as at the presentation's date, e.g. after late updates were entered for that date."""
    committee_id = presentation.agenda_item.meeting.committee_id
    require(by, "improvement.change_planpresentation", committee_id, "change what this committee's agenda shows of a plan")
    presentation.full_clean()
    presentation.snapshot = plan_snapshot(plan=presentation.plan, as_at=presentation.as_at)
    presentation.taken_at = timezone.now()
    presentation.taken_by = by if getattr(by, "is_authenticated", False) else None
    presentation.save()
    return presentation


# ---------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------
@transaction.atomic
def measurement_record(*, measure: Measure, period_end: datetime.date, value, **fields) -> Measurement:
    """Record (or correct) a measure's value for a period."""
    measurement = Measurement.objects.filter(measure=measure, period_end=period_end).first() or Measurement(
        measure=measure, period_end=period_end
    )
    measurement.value = value
    for name, field_value in fields.items():
        setattr(measurement, name, field_value)
    measurement.full_clean()
    measurement.save()
    return measurement
