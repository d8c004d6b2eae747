"""What every action of the council's process shares: refusals, allowed transitions declared as data, the audit
entry and side effects that wait for the commit.

An action (`meetings.services`, `complaints.services`, ...) is one keyword-only function per step of the process. It
checks the actor's permission for that committee (`committee.access.require`), validates (`full_clean`), refuses a
move the process does not allow (`Transitions.check`), records who and why (`audit`), and queues e-mail, indexing and
jobs with `after_commit`. The admin, public views, the demo loader and management commands all call actions; nothing
else writes workflow state.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from committee.access import SYSTEM


class Refused(ValidationError):
    """The process does not allow this step now; the message says why and what to do instead."""


@dataclass(frozen=True)
class Move:
    """One allowed move of a status: the statuses it may start from, the one it ends in, and what it is called."""

    sources: frozenset
    target: str
    done: str  # "published", "withdrawn": said in refusals and audit entries


@dataclass(frozen=True)
class Transitions:
    """The moves a status field may make, declared as data: {name: Move}."""

    field: str
    label: str  # "agenda", "minutes": what the status is of, in refusals
    moves: dict

    def allowed(self, instance, move: str) -> bool:
        """Whether `move` may be made from the instance's current status."""
        return getattr(instance, self.field) in self.moves[move].sources

    def names_allowed(self, instance) -> list[str]:
        """The moves open to the instance now (the buttons to show)."""
        return [name for name in self.moves if self.allowed(instance, name)]

    def check(self, instance, move: str) -> str:
        """The status `move` ends in, or Refused saying what the status is now."""
        step = self.moves[move]
        if getattr(instance, self.field) not in step.sources:
            now = getattr(instance, f"get_{self.field}_display")().lower()
            raise Refused(f"The {self.label} cannot be {step.done} now: it is {now}.")
        return step.target


def audit(instance, *, by, reason: str) -> None:
    """Have the next save of `instance` record who made it and why (django-simple-history)."""
    instance._change_reason = reason[:100]
    if by is not None and by is not SYSTEM and getattr(by, "is_authenticated", False):
        instance._history_user = by


def after_commit(callback) -> None:
    """Run `callback` once the current transaction commits (never if it rolls back); at once outside a transaction."""
    transaction.on_commit(callback, robust=True)
