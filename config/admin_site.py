"""The admin site: staff in sensitive roles must have passed TOTP two-factor (django-otp) to use it."""

from django.conf import settings
from django.contrib import admin
from django_otp.forms import OTPAuthenticationForm


def two_factor_required(user) -> bool:
    """Whether `user` must verify a TOTP token before using the admin."""
    if not settings.REQUIRE_TWO_FACTOR or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=settings.TWO_FACTOR_ROLES).exists()


class AdminLoginForm(OTPAuthenticationForm):
    """Username and password; the six-digit code is required only where the role needs it (or one is given)."""

    def clean_otp(self, user):
        if user is not None and not self.cleaned_data.get("otp_token") and not two_factor_required(user):
            return
        super().clean_otp(user)


class ScrutinyAdminSite(admin.AdminSite):
    site_header = "Scrutiny – committee records"
    site_title = "Scrutiny admin"
    index_title = "Committee records"
    # Username, password and (for users with a TOTP device) the six-digit code.
    login_form = AdminLoginForm
    login_template = "admin/otp_login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not two_factor_required(request.user) or request.user.is_verified()
