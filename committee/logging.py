"""One log line per request: method, path, status, time taken, size and the request id (django-guid adds the id)."""

import logging
import time

from django_guid import get_guid

logger = logging.getLogger("scrutiny.requests")


class RequestLogMiddleware:
    """Write the access line once the response is ready (errors are also logged, with traceback, by django.request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        took = (time.monotonic() - started) * 1000
        size = "-" if response.streaming else len(response.content)
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        # %r keeps control characters in a hostile path from forging log lines.
        logger.log(level, "%s %r %s %.0fms %s", request.method, request.get_full_path(), response.status_code, took, size)
        return response


class RequestIdFilter(logging.Filter):
    """Put the request's id (django-guid) on every log record; "-" outside a request (the worker, commands)."""

    def filter(self, record):
        record.request_id = get_guid() or "-"
        return True
