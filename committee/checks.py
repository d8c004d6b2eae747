"""Record checks: rules that notice when the council's record does not add up, for the clerk to look into.

Each app registers its rules here (from its AppConfig.ready, so `committee` never imports the apps): a rule is a
function of a meeting or of a committee that yields `Finding`s, each naming the rule that found it and linking to
the record. The clerks' "Checks" views and the warnings on save run the same rules, so a check is written once.
A finding is never an error the system fixes: the record stays as the council printed it, and the check says why it
looks wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

MEETING = "meeting"
COMMITTEE = "committee"


@dataclass(frozen=True)
class Finding:
    rule: str  # the id of the Rule that found it
    message: str  # what does not add up, in the council's words ("CYP.81 is missing between CYP.80 and CYP.82")
    url: str = ""  # where to look: the record's admin change page (or its public page)
    record: str = ""  # the record's label, for the link's text
    meeting_id: int | None = None


@dataclass(frozen=True)
class Rule:
    id: str  # stable, dotted: "minutes.number-skipped"
    title: str  # the rule in a few words ("Minute numbers run on without a gap")
    explanation: str  # why it matters, for the list of checks
    scope: str  # MEETING or COMMITTEE: what the function takes
    function: Callable[..., Iterable[Finding]] = field(compare=False, repr=False)


REGISTRY: dict[str, Rule] = {}


def rule(id: str, title: str, explanation: str, scope: str = MEETING):
    """Register a check: `@rule("minutes.number-skipped", "…", "…")` over a function of a meeting (or committee)."""
    if scope not in (MEETING, COMMITTEE):
        raise ValueError(f"unknown scope {scope!r}")

    def register(function):
        REGISTRY[id] = Rule(id=id, title=title, explanation=explanation, scope=scope, function=function)
        return function

    return register


def rules(scope: str | None = None) -> list[Rule]:
    return sorted((r for r in REGISTRY.values() if scope is None or r.scope == scope), key=lambda r: r.id)


def run(target, scope: str) -> list[Finding]:
    """Every finding of every rule of `scope` for `target` (a Meeting or a Committee), in rule order."""
    found: list[Finding] = []
    for r in rules(scope):
        found.extend(r.function(target))
    return found


# What the committee-wide run checks with the meeting rules: each app that has meeting-scope rules registers a loader,
# a function of a committee returning its meetings with everything its rules read already fetched, so a committee's
# checks cost a fixed number of queries however many meetings it has (committee never imports the apps).
MEETING_LOADERS: list[Callable] = []


def meetings_loader(function):
    """Register `function(committee) -> meetings` for `run_committee` (from the app's AppConfig.ready)."""
    if function not in MEETING_LOADERS:
        MEETING_LOADERS.append(function)
    return function


def run_committee(committee) -> list[Finding]:
    """Every finding for `committee`: its committee rules, then every meeting rule for each of its meetings."""
    found = run(committee, COMMITTEE)
    for load in MEETING_LOADERS:
        for meeting in load(committee):
            found.extend(run(meeting, MEETING))
    return found


def grouped(findings: Iterable[Finding]) -> list[tuple[Rule, list[Finding]]]:
    """Findings grouped by the rule that found them, in rule order (for the Checks pages)."""
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    return [(REGISTRY[rule_id], by_rule[rule_id]) for rule_id in sorted(by_rule) if rule_id in REGISTRY]
