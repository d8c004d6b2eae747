"""Meetings pages at a decade of data: 12 committees × 10 meetings a year × 10 years.

Each page is timed as served (kept: committee/keep.py) and as first viewed after a change (every kept page's version
bumped before each timed request, so each is rendered afresh).
"""

from bench.harness import time_page

SIZE = {"committees": 12, "years": 10, "meetings_per_year": 10, "minutes_per_meeting": 10}
N = 60
GOAL = "≤3× / ≤8×"


def prepare():
    from django.core.management import call_command

    call_command("generate_bench_data", **SIZE)


def run():
    from meetings.models import Action, Meeting, MinuteItem

    minutes = MinuteItem.objects.count()
    actions = Action.objects.count()
    meetings = Meeting.objects.count()
    busiest = Meeting.objects.order_by("-date").first()
    size = f"{meetings:,} meetings, {minutes:,} minutes, {actions:,} actions"
    pages = [
        ("Home", "/"),
        ("Meetings list", "/meetings/"),
        ("Meeting page", busiest.get_absolute_url()),
        ("Decisions register", "/decisions/"),
        ("Decisions, filtered", "/decisions/?q=noted&year=2025-26"),
        ("Actions tracker", "/actions/"),
        ("Actions, overdue", "/actions/?state=overdue"),
        ("Questions", "/questions/"),
    ]
    return [time_page(name, size, path, N, target=GOAL) for name, path in pages]
