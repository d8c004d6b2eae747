"""What changed in a plan between two dates ("since the last meeting"), read from the progress history."""

import datetime
from dataclasses import dataclass, field

from improvement.models import ImprovementAction, ImprovementPlan, ProgressUpdate


@dataclass
class ActionChange:
    action: ImprovementAction
    rag_then: str
    rag_now: str

    @property
    def moved(self) -> bool:
        return self.rag_then != self.rag_now


@dataclass
class PlanChanges:
    since: datetime.date | None
    until: datetime.date
    moved_up: list[ActionChange] = field(default_factory=list)
    moved_down: list[ActionChange] = field(default_factory=list)
    other_moves: list[ActionChange] = field(default_factory=list)
    completed: list[ActionChange] = field(default_factory=list)
    slipped: list[ImprovementAction] = field(default_factory=list)
    new_evidence: list[ProgressUpdate] = field(default_factory=list)
    still_overdue: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.moved_up or self.moved_down or self.other_moves or self.completed or self.slipped or self.new_evidence)


def plan_changes(*, plan: ImprovementPlan, since: datetime.date | None, until: datetime.date) -> PlanChanges:
    """RAG moves, completions, slipped timescales and new evidence in (since, until]; since=None means "from the start".

    Reads the dated updates rather than the current state, so the answer for a past meeting does not change when
    later progress is entered. A completion is reported once, under "completed", not also as a move up.
    """
    scale = list(plan.rag_scale.all())
    ranks = {row.code: row.rank for row in scale}
    complete = {row.code for row in scale if row.means_complete}
    actions = ImprovementAction.objects.for_plan(plan).with_state_as_at(until, "now")
    if since:
        actions = actions.with_state_as_at(since, "then")
    actions = actions.select_related("priority", "outcome").in_plan_order()

    changes = PlanChanges(since=since, until=until)
    for action in actions:
        rag_now = action.now_rag or ""
        rag_then = (action.then_rag or "") if since else ""
        done_now = rag_now in complete
        if rag_now != rag_then:
            change = ActionChange(action=action, rag_then=rag_then, rag_now=rag_now)
            if done_now and rag_then not in complete:
                changes.completed.append(change)
            elif ranks.get(rag_then) is not None and ranks.get(rag_now) is not None:
                (changes.moved_up if ranks[rag_now] > ranks[rag_then] else changes.moved_down).append(change)
            else:
                changes.other_moves.append(change)
        if action.due_by and action.due_by < until and not done_now:
            if since is None or action.due_by >= since:
                changes.slipped.append(action)
            else:
                changes.still_overdue += 1
    changes.new_evidence = list(
        ProgressUpdate.objects.filter(action__plan=plan)
        .between(since, until)
        .exclude(narrative="")
        .select_related("action", "author")
        .order_by("action__priority__number", "action__outcome__order", "action__order", "date", "pk")
    )
    return changes
