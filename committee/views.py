import base64
import textwrap

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.generic import ListView
from django_otp import user_has_device

from committee import services
from committee.forms import TokenForm
from committee.models import Committee


class CommitteeListView(ListView):
    template_name = "committee/committee_list.html"
    context_object_name = "committees"

    def get_queryset(self):
        return Committee.objects.order_by("-is_active", "name")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("meetings:home")


@never_cache  # the page can hold a secret key
@login_required
def two_factor(request):
    """Set up an authenticator app (QR code and key) and enter its code; or, with one set up, enter its code."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return render(request, "committee/two_factor.html", {"verified": True, "next": next_url})
    if not settings.TWO_FACTOR_SELF_ENROLMENT and not user_has_device(request.user, confirmed=True):
        return render(request, "committee/two_factor.html", {"ask_administrator": True, "next": next_url})
    device = services.two_factor_device_for(request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        problem = services.two_factor_verify(request, device=device, token=form.cleaned_data["otp_token"])
        if problem is None:
            messages.success(request, "Two-factor authentication is on for this sign-in.")
            return redirect(next_url)
        form.add_error("otp_token", problem)
    context = {"form": form, "next": next_url, "enrolling": not device.confirmed}
    if not device.confirmed:
        # The secret is shown only while it is being set up, never once confirmed.
        context["qr_svg"] = mark_safe(
            segno.make(device.config_url, error="m").svg_inline(scale=5, title="QR code for your authenticator app")
        )  # noqa: S308 - segno's own SVG
        context["secret"] = " ".join(textwrap.wrap(base64.b32encode(device.bin_key).decode(), 4))
    return render(request, "committee/two_factor.html", context)
