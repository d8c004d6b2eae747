"""Refuse request parameters no page can use, with a 400 that says why, before they reach a query and end in a 500."""

import json

from django.http import HttpResponse

NUL = "\x00"
MESSAGE = "The address contains a NUL character (%00), which cannot be searched for or used as a filter. Remove it and try again."


class RejectNulMiddleware:
    """A NUL byte in the path or a query parameter is a 400 (PostgreSQL cannot hold one in a text value).

    Form posts are left to the forms, whose fields refuse NUL next to the field ("Null characters are not allowed").
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or any(NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()):
            if request.path.startswith("/api/"):
                return HttpResponse(json.dumps({"detail": MESSAGE}), status=400, content_type="application/json")
            response = HttpResponse(
                f"<!DOCTYPE html><html lang='en'><title>Bad request</title><h1>Bad request</h1><p>{MESSAGE}</p></html>",
                status=400,
                content_type="text/html; charset=utf-8",
            )
            return response
        return self.get_response(request)
