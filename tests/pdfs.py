"""Fetching PDFs the worker builds (committee.printing), as a reader would: ask, wait for the build, ask again."""

from django.test import TestCase


def get_pdf(client, url, **kwargs):
    """GET `url`; if the PDF was only queued (202, "being prepared"), run the queued jobs and GET it again.

    In tests the job queue runs a job in the caller once the transaction commits (Celery's eager mode), and a test's
    transaction never commits, so the request's on-commit callbacks are captured and run here.
    """
    from committee import jobs

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.get(url, **kwargs)
    if response.status_code == 202:
        # Queued by an earlier request whose callbacks nobody ran: the reconciler sends it, as in production.
        jobs.reconcile(queued_grace=0)
        response = client.get(url, **kwargs)
    return response


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
