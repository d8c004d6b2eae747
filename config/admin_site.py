"""The admin site: staff in sensitive roles must have passed TOTP two-factor (django-otp) to use it."""

from django.contrib import admin

from committee.two_factor import SignInForm, two_factor_required


class ScrutinyAdminSite(admin.AdminSite):
    site_header = "Scrutiny – committee records"
    site_title = "Scrutiny admin"
    index_title = "Committee records"
    # Username, password and (for users with a TOTP device) the six-digit code.
    login_form = SignInForm
    login_template = "admin/otp_login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not two_factor_required(request.user) or request.user.is_verified()
