"""Load the improvement demo (inspections, the two plans, KPIs) from the YAML transcriptions in improvement/demo/.

Idempotent: records are matched on natural keys (slugs, numbers, letters, dates) and updated, and progress updates
already loaded are not added twice. Links to meetings are made only when the committee's meetings are loaded
(`manage.py load_demo`); missing ones are reported and skipped.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction

from committee.access import SYSTEM
from committee.provenance import Provenance
from improvement import services
from improvement.models import (
    Board,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    Judgement,
    Measure,
    Measurement,
    Outcome,
    PlanPresentation,
    Priority,
    ProgressUpdate,
    Recommendation,
)
from meetings.models import AgendaItem, Document

DEMO_DIR = Path(__file__).resolve().parent / "demo"
COMMITTEE_SLUG = "children-and-young-people-scrutiny-committee"


def read_demo_files(folder: Path = DEMO_DIR) -> dict:
    """Merge every YAML file in `folder` (sorted by name) into one document, concatenating the lists."""
    merged: dict = {"boards": [], "inspections": [], "plans": [], "measures": []}
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in merged:
            merged[key].extend(data.get(key) or [])
    return merged


def _text(value) -> str:
    return (value or "").strip() if isinstance(value, str) or value is None else str(value)


def _lines(value) -> str:
    """A YAML list (or a string) as one item per line."""
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value if _text(v))
    return _text(value)


def _decimal(value):
    return None if value is None else Decimal(str(value))


@dataclass
class DemoLoader:
    data: dict
    skipped: list[str] = field(default_factory=list)

    @transaction.atomic
    def run(self) -> dict[str, int]:
        boards = {spec["slug"]: self.load_board(spec) for spec in self.data["boards"]}
        inspections = {spec["slug"]: self.load_inspection(spec) for spec in self.data["inspections"]}
        for spec in self.data["inspections"]:
            if spec.get("follows"):
                inspection = inspections[spec["slug"]]
                inspection.follows = inspections.get(spec["follows"])
                inspection.save(update_fields=["follows"])
        plans = {spec["slug"]: self.load_plan(spec, boards, inspections) for spec in self.data["plans"]}
        for spec in self.data["measures"]:
            self.load_measure(spec, plans)
        return {
            "inspections": Inspection.objects.count(),
            "recommendations": Recommendation.objects.count(),
            "plans": ImprovementPlan.objects.count(),
            "plan actions": ImprovementAction.objects.count(),
            "progress updates": ProgressUpdate.objects.count(),
            "plans on agendas": PlanPresentation.objects.count(),
            "measures": Measure.objects.count(),
            "measurements": Measurement.objects.count(),
        }

    # --- links to the committee's meetings ------------------------------------
    def agenda_item(self, ref: dict) -> AgendaItem | None:
        """The agenda item `ref` names ({meeting, number, title}), if the meetings demo is loaded and the title matches."""
        item = (
            AgendaItem.objects.select_related("meeting")
            .filter(meeting__committee__slug=COMMITTEE_SLUG, meeting__date=ref["meeting"], number=ref["number"])
            .first()
        )
        label = f"{ref['meeting']} item {ref['number']} ({ref.get('title', '')})"
        if item is None:
            self.skipped.append(f"no agenda item {label}: load the meetings demo first")
            return None
        if ref.get("title") and ref["title"].lower() not in item.title.lower():
            # A renumbered agenda must not link a plan to the wrong report.
            self.skipped.append(f"agenda item {label} is now titled {item.title!r}")
            return None
        return item

    # --- boards and inspections -------------------------------------------------
    def load_board(self, spec: dict) -> Board:
        fields = {k: spec.get(k) for k in ("name", "short_name", "chair", "frequency", "reports_to", "notes") if k in spec}
        fields = {k: _text(v) for k, v in fields.items()}
        board, _ = Board.objects.update_or_create(slug=spec["slug"], defaults={**fields, "established_on": spec.get("established_on")})
        return board

    def load_inspection(self, spec: dict) -> Inspection:
        text_fields = [
            "title",
            "inspectorate",
            "kind",
            "subject",
            "report_reference",
            "report_url",
            "outcome",
            "previous_outcome",
            "summary",
            "consequences",
            "next_inspection_note",
        ]
        date_fields = ["start_date", "end_date", "published_on", "action_plan_due", "next_inspection_from", "next_inspection_to"]
        defaults = {k: _text(spec.get(k)) for k in text_fields}
        defaults.update({k: spec.get(k) for k in date_fields})
        defaults["improvement_notice"] = bool(spec.get("improvement_notice"))
        inspection = Inspection.objects.filter(slug=spec["slug"]).first() or Inspection(slug=spec["slug"])
        for name, value in defaults.items():
            setattr(inspection, name, value)
        inspection.full_clean(exclude=["follows"])
        inspection.save()
        for order, row in enumerate(spec.get("judgements") or [], start=1):
            Judgement.objects.update_or_create(inspection=inspection, order=order, defaults={"area": row["area"], "grade": row["grade"]})
        inspection.judgements.filter(order__gt=len(spec.get("judgements") or [])).delete()
        for row in spec.get("recommendations") or []:
            Recommendation.objects.update_or_create(
                inspection=inspection,
                kind=row.get("kind", Recommendation.Kind.RECOMMENDATION),
                number=row["number"],
                defaults={"text": _text(row["text"]), "framework": _text(row.get("framework"))},
            )
        items = [self.agenda_item(ref) for ref in spec.get("agenda_items") or []]
        inspection.agenda_items.set([item for item in items if item])
        return inspection

    # --- plans ------------------------------------------------------------------
    def load_plan(self, spec: dict, boards: dict, inspections: dict) -> ImprovementPlan:
        fields = {
            "name": spec["name"],
            "short_name": _text(spec.get("short_name")),
            "board": boards.get(spec.get("board")),
            "status": spec.get("status", ImprovementPlan.Status.ACTIVE),
            "period_start": spec.get("period_start"),
            "period_end": spec.get("period_end"),
            "period_note": _text(spec.get("period_note")),
            "submitted_on": spec.get("submitted_on"),
            "response_received_on": spec.get("response_received_on"),
            "response_summary": _text(spec.get("response_summary")),
            "published_on": spec.get("published_on"),
            "introduction": _text(spec.get("introduction")),
        }
        if spec.get("rag_key_intro") is not None:
            fields["rag_key_intro"] = _text(spec["rag_key_intro"])
        plan = ImprovementPlan.objects.filter(slug=spec["slug"]).first()
        if plan is None:
            plan = services.plan_create(slug=spec["slug"], **fields)
        else:
            for name, value in fields.items():
                setattr(plan, name, value)
            plan.full_clean()
            plan.save()
            services.rag_scale_ensure(plan=plan)
        plan.inspections.set([inspections[slug] for slug in spec.get("inspections") or []])

        progress = spec.get("progress_defaults") or {}
        for p_spec in spec.get("priorities") or []:
            self.load_priority(plan, p_spec, progress, inspections)
        for link in spec.get("recommendation_links") or []:
            recommendation = Recommendation.objects.get(
                inspection=inspections[link["inspection"]], kind=link.get("kind", Recommendation.Kind.RECOMMENDATION), number=link["number"]
            )
            actions = list(ImprovementAction.objects.filter(plan=plan, reference__in=link["actions"]))
            missing = set(link["actions"]) - {a.reference for a in actions}
            if missing:
                raise ValueError(f"{plan.slug}: recommendation {link['number']} links unknown actions {sorted(missing)}")
            # A link the plan does not make must say so: the YAML names its provenance, and "recorded" is never assumed.
            services.recommendation_set_actions(
                recommendation=recommendation, actions=actions, provenance=link["provenance"], basis=_text(link.get("basis"))
            )
        if "impact_register" in spec:
            services.impact_register_replace(plan=plan, areas=spec["impact_register"] or [])
        self.load_presentations(plan, spec.get("presentations") or [])
        self.load_papers(plan, spec.get("papers") or [])
        return plan

    def load_presentations(self, plan, refs):
        """Snapshots only at the agenda items listed (where the pack shows the plan presented); any other is removed."""
        kept = set()
        for ref in refs:
            item = self.agenda_item(ref)
            if item is None:
                continue
            presentation = services.plan_presentation_create(plan=plan, agenda_item=item, note=_text(ref.get("note")), by=SYSTEM)
            # Re-freeze on every load so the snapshot follows corrections to the transcription.
            services.plan_presentation_retake(presentation=presentation, by=SYSTEM)
            kept.add(presentation.pk)
        stale = PlanPresentation.objects.with_meeting().filter(plan=plan, agenda_item__meeting__committee__slug=COMMITTEE_SLUG)
        for presentation in stale.exclude(pk__in=kept):
            services.plan_presentation_delete(presentation=presentation, by=SYSTEM)

    def load_papers(self, plan, refs):
        """Link the plan to the papers that print it or report on it ({meeting, number, title, document})."""
        documents = []
        for ref in refs:
            item = self.agenda_item(ref)
            if item is None:
                continue
            document = Document.objects.filter(agenda_item=item, title=ref["document"]).first()
            if document is None:
                self.skipped.append(f"no paper {ref['document']!r} at {ref['meeting']} item {ref['number']}")
                continue
            documents.append(document)
        services.plan_papers_set(plan=plan, documents=documents)

    def load_priority(self, plan, spec, progress, inspections):
        priority, _ = Priority.objects.update_or_create(
            plan=plan,
            number=spec["number"],
            defaults={
                "label": spec["label"],
                "short_label": spec["short_label"],
                "title": _text(spec["title"]),
                "theme": _text(spec.get("theme")),
                "lead": _text(spec.get("lead")),
                "outcome_heading": spec.get("outcome_heading", "Desired outcome"),
                "progress_heading": spec.get("progress_heading", "Progress"),
            },
        )
        for order, o_spec in enumerate(spec.get("outcomes") or [], start=1):
            outcome, _ = Outcome.objects.update_or_create(
                priority=priority,
                number=str(o_spec["number"]),
                defaults={"order": order, "text": _text(o_spec["text"]), "note": _text(o_spec.get("note"))},
            )
            for a_spec in o_spec.get("actions") or []:
                self.load_action(outcome, a_spec, progress)
        answers = spec.get("answers")
        if answers:
            # The plan itself places these actions under the inspection's words (the priority's title): a recorded link.
            recommendation = Recommendation.objects.get(
                inspection=inspections[answers["inspection"]], kind=answers["kind"], number=answers["number"]
            )
            services.recommendation_set_actions(
                recommendation=recommendation,
                actions=priority.actions.all(),
                provenance=Provenance.RECORDED,
                basis=f"The plan's actions under {priority.label}",
            )

    def load_action(self, outcome, spec, progress):
        action = ImprovementAction.objects.filter(outcome=outcome, letter=spec["letter"]).first() or ImprovementAction(
            outcome=outcome, letter=spec["letter"]
        )
        action.text = _text(spec["text"])
        action.accountable = _lines(spec.get("accountable"))
        action.timescale = _text(spec.get("timescale"))
        action.impact_measures = _lines(spec.get("impact_measures"))
        action.links = _text(spec.get("links"))
        action.note = _text(spec.get("note"))
        fixed_dates = "due_by" in spec
        if fixed_dates:
            action.due_by, action.starts_on = spec["due_by"], spec.get("starts_on")
        services.action_save(action=action, reparse_timescale=not fixed_dates)
        updates = spec.get("updates") or ([{"narrative": spec["progress"]}] if spec.get("progress") else [])
        for u_spec in updates:
            day = u_spec.get("date") or progress.get("date") or datetime.date.today()
            source = _text(u_spec.get("source") or progress.get("source"))
            if ProgressUpdate.objects.filter(action=action, date=day, source=source).exists():
                continue
            services.progress_update_create(
                action=action,
                date=day,
                rag=u_spec.get("rag", ""),
                narrative=_text(u_spec.get("narrative")),
                author_name=_text(u_spec.get("author_name") or progress.get("author_name")),
                source=source,
            )

    # --- measures -----------------------------------------------------------------
    def load_measure(self, spec: dict, plans: dict) -> Measure:
        text_fields = [
            "name",
            "definition",
            "unit",
            "polarity",
            "frequency",
            "source",
            "owner",
            "baseline_period",
            "baseline_note",
            "target_note",
            "note",
        ]
        defaults = {k: _text(spec.get(k)) for k in text_fields if k in spec}
        defaults.update(
            {
                "decimals": spec.get("decimals", 1),
                "baseline_value": _decimal(spec.get("baseline_value")),
                "target_value": _decimal(spec.get("target_value")),
                "target_date": spec.get("target_date"),
                "green_threshold": _decimal(spec.get("green_threshold")),
                "amber_threshold": _decimal(spec.get("amber_threshold")),
            }
        )
        measure = Measure.objects.filter(slug=spec["slug"]).first() or Measure(slug=spec["slug"])
        for name, value in defaults.items():
            setattr(measure, name, value)
        measure.full_clean()
        measure.save()
        measure.priorities.set(
            [Priority.objects.get(plan=plans[ref["plan"]], number=ref["priority"]) for ref in spec.get("priorities") or []]
        )
        for row in spec.get("measurements") or []:
            services.measurement_record(
                measure=measure,
                period_end=row["period_end"],
                value=_decimal(row["value"]),
                period_start=row.get("period_start"),
                period_label=_text(row.get("label")),
                national=_decimal(row.get("national")),
                regional=_decimal(row.get("regional")),
                statistical_neighbours=_decimal(row.get("statistical_neighbours")),
                illustrative=bool(row.get("illustrative", spec.get("illustrative_history", False))),
                note=_text(row.get("note")),
                source=_text(row.get("source")),
            )
        return measure


def load_improvement_demo() -> tuple[dict[str, int], list[str]]:
    """Load (or refresh) the improvement demo; returns record counts and the links it had to skip."""
    loader = DemoLoader(read_demo_files())
    return loader.run(), loader.skipped
