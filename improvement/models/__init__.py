"""Improvement plans, inspections and KPIs. Split by topic; import everything from `improvement.models`."""

from improvement.models.inspections import Inspection, Judgement, Recommendation
from improvement.models.measures import Measure, Measurement
from improvement.models.plans import (
    Board,
    ImpactMeasure,
    ImprovementAction,
    ImprovementPlan,
    Outcome,
    PlanPresentation,
    Priority,
    ProgressUpdate,
    RagRating,
)
from improvement.models.rag import COUNCIL_RAG_KEY, NOT_RATED, RAG_STYLE, Rag

__all__ = [
    "COUNCIL_RAG_KEY",
    "NOT_RATED",
    "RAG_STYLE",
    "Board",
    "ImpactMeasure",
    "ImprovementAction",
    "ImprovementPlan",
    "Inspection",
    "Judgement",
    "Measure",
    "Measurement",
    "Outcome",
    "PlanPresentation",
    "Priority",
    "ProgressUpdate",
    "Rag",
    "RagRating",
    "Recommendation",
]
