"""This app's pages for the project-wide browser gates (tests/browser/pages.py adds them with one line).

The gates' `demo` fixture loads the committee only, so each path first loads the improvement demo if it is not
there yet (idempotent, and done once per database).
"""

import datetime
from collections.abc import Callable

from django.core.management import call_command
from django.urls import reverse

ILACS = "childrens-services-improvement-plan"
COMMITTEE_SLUG = "children-and-young-people-scrutiny-committee"


def with_improvement_demo(path: Callable[[], str]) -> Callable[[], str]:
    """Wrap a path callable so the improvement demo is loaded before it is resolved."""

    def resolve() -> str:
        from improvement.models import ImprovementPlan

        if not ImprovementPlan.objects.filter(slug=ILACS).exists():
            call_command("load_improvement_demo", verbosity=0)
        return path()

    return resolve


def _action_url() -> str:
    from improvement.models import ImprovementAction

    return ImprovementAction.objects.get(plan__slug=ILACS, reference="1.2c").get_absolute_url()


def _since_url() -> str:
    from meetings.models import Meeting

    meeting = Meeting.objects.get(committee__slug=COMMITTEE_SLUG, date=datetime.date(2026, 1, 7))
    return reverse("improvement:since", args=[ILACS, meeting.pk])


def _presentation_url() -> str:
    from improvement.models import PlanPresentation

    return PlanPresentation.objects.get(plan__slug=ILACS).get_absolute_url()


def improvement_pages(page_class) -> list:
    """The improvement pages as `page_class(name, path)` rows, all public (plans are published in agenda packs)."""
    paths = [
        ("improvement-home", lambda: reverse("improvement:home")),
        ("plan-dashboard", lambda: reverse("improvement:plan", args=[ILACS])),
        ("plan-dashboard-send", lambda: reverse("improvement:plan", args=["send-priority-impact-plan"])),
        ("plan-actions-overdue", lambda: reverse("improvement:plan_actions", args=[ILACS]) + "?state=overdue&rag=none"),
        ("plan-priority", lambda: reverse("improvement:priority", args=[ILACS, 1])),
        ("plan-action", _action_url),
        ("plan-since", _since_url),
        ("plan-as-presented", _presentation_url),
        ("inspections", lambda: reverse("improvement:inspections")),
        ("inspection-ilacs", lambda: reverse("improvement:inspection", args=["ilacs-2025"])),
        ("inspection-send", lambda: reverse("improvement:inspection", args=["area-send-2024"])),
        ("measures", lambda: reverse("improvement:measures") + "?q=&plan="),
        ("measure-gld", lambda: reverse("improvement:measure", args=["good-level-of-development"])),
        ("measure-ehcp", lambda: reverse("improvement:measure", args=["ehcps-issued-within-20-weeks"])),
    ]
    return [page_class(name, with_improvement_demo(path)) for name, path in paths]
