"""Jobs of the meetings app, run by the worker (config/celery.py): agenda pack builds and the daily reminders."""

from celery import shared_task

from committee.jobs import redelivered
from meetings import packs


@shared_task(bind=True, name="meetings.pack_build")
def pack_build_task(self, pack_id: int) -> None:
    """Build one agenda pack (and publish its build when the clerk asked and it is complete)."""
    packs.pack_run(pack_id=pack_id, redelivered=redelivered(self))


@shared_task(name="meetings.send_reminders")
def send_reminders_task() -> dict:
    """E-mail owners about commitments due soon or overdue (as `manage.py send_reminders`; safe to run twice)."""
    from meetings.followthrough import send_commitment_reminders

    return send_commitment_reminders()
