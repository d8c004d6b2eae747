"""Improvement pages at scale: one plan of 20,000 actions (60,000 updates) and 500,000 KPI measurements."""

from bench.harness import FLOOR_PATH, Result, time_requests

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
        ("Plan dashboard", f"/improvement/plans/{plan_slug}/", plan_size),
        ("Plan actions, overdue", f"/improvement/plans/{plan_slug}/actions/?state=overdue", plan_size),
        ("KPI page", measure.get_absolute_url(), kpi_size),
        ("KPI list", "/improvement/measures/", kpi_size),
    ]
    results = []
    for name, path, size in pages:
        floor = time_requests(FLOOR_PATH, N)
        samples = time_requests(path, N)
        results.append(Result(name, size, samples, floor))
    return results
