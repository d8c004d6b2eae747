"""Jobs of the complaints app, run by the worker (config/celery.py)."""

from celery import shared_task


@shared_task(name="complaints.anonymise_closed")
def anonymise_closed_task() -> int:
    """Remove personal data from complaints closed longer than the retention period (as `manage.py anonymise_complaints`)."""
    from complaints.services import complaints_anonymise_closed

    return complaints_anonymise_closed()
