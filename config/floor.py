"""The benchmark floor: the least a Django view on this stack can do (one query, a tiny template)."""

from django.contrib.auth.models import Group
from django.http import HttpResponse


def floor_view(request):
    """One indexed query and a few bytes of HTML: what every page costs at minimum."""
    exists = Group.objects.filter(pk=1).exists()
    return HttpResponse(f"<!DOCTYPE html><title>floor</title><p>{exists}</p>")
