"""Jobs shared by every app, run by the worker (config/celery.py): built PDFs, the reconciler, tidying stored files."""

from celery import shared_task

from committee import jobs, printing


@shared_task(bind=True, name="committee.pdf_build")
def pdf_build_task(self, pdf_id: int) -> None:
    """Lay out one PDF (complaints report, plan, minutes, paper) and store it."""
    printing.pdf_build(pdf_id=pdf_id, redelivered=jobs.redelivered(self))


@shared_task(name="committee.jobs_reconcile")
def jobs_reconcile_task() -> dict:
    """Send again jobs queued but not picked up, or building past their lease (the scheduler runs it every minute)."""
    return jobs.reconcile()


@shared_task(name="committee.remove_orphaned_media")
def remove_orphaned_media_task() -> dict:
    """Delete superseded built PDFs and stored files no record points to (as `manage.py remove_orphaned_media`)."""
    from committee.media import remove_orphaned_media

    pruned = printing.built_pdfs_prune()
    return {"built_pdfs": pruned, **remove_orphaned_media(dry_run=False)}
