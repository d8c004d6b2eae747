"""Improvement pages at scale: one plan of 20,000 actions (60,000 updates) and 500,000 KPI measurements.

Each page is timed as served (kept: committee/keep.py) and as first viewed after a change (every kept page's version
bumped before each timed request).
"""

from bench.harness import time_page

SIZE = {"actions": 20_000, "measurements": 500_000}
N = 40


def prepare():
    from django.core.management import call_command

    call_command("generate_improvement_bench", **SIZE)


def run():
    from improvement.models import ImprovementAction, Measure, Measurement, ProgressUpdate

    plan_slug = "bench-improvement-plan"
    actions = ImprovementAction.objects.filter(plan__slug=plan_slug).count()
    updates = ProgressUpdate.objects.filter(action__plan__slug=plan_slug).count()
    measurements = Measurement.objects.filter(measure__slug__startswith="bench-kpi-").count()
    measure = Measure.objects.get(slug="bench-kpi-0")
    plan_size = f"{actions:,} actions, {updates:,} updates"
    kpi_size = f"{measurements:,} measurements ({measure.measurements.count():,} on this KPI)"
    pages = [
        ("Plan dashboard", f"/improvement/plans/{plan_slug}/", plan_size, "≤3× / ≤8×"),
        ("Plan actions, overdue", f"/improvement/plans/{plan_slug}/actions/?state=overdue", plan_size, "≤3× / ≤8×"),
        ("KPI page", measure.get_absolute_url(), kpi_size, "≤3× / ≤5×"),
        ("KPI list", "/improvement/measures/", kpi_size, "≤3× / ≤5×"),
    ]
    return [time_page(name, size, path, N, target=goal) for name, path, size, goal in pages]
