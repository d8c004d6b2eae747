"""Two-factor sign-in (TOTP, django-otp): who needs it, the sign-in form, and holding unverified sessions at the door.

Roles that can see exempt papers or complainants' personal data (settings.TWO_FACTOR_ROLES) need a six-digit code from
an authenticator app as well as their password, on the public sign-in page and the admin's alike. Someone in such a
role with no authenticator yet may sign in with their password once, and is then held at the two-factor page (set
up an app, enter its code) until the session is verified: nothing else answers them in the meantime.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Value
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice


def two_factor_required(user) -> bool:
    """Whether `user`'s role needs a verified second factor (kept on the user for the request)."""
    if not settings.REQUIRE_TWO_FACTOR or not user.is_authenticated:
        return False
    required = getattr(user, "_two_factor_required", None)
    if required is None:
        if user.is_superuser:
            required = True
        elif user.is_active and not hasattr(user, "_group_perm_cache") and not hasattr(user, "_user_perm_cache"):
            required = not _roles_loading_permissions(user).isdisjoint(settings.TWO_FACTOR_ROLES)
        else:
            required = user.groups.filter(name__in=settings.TWO_FACTOR_ROLES).exists()
        user._two_factor_required = required
    return required


def _roles_loading_permissions(user) -> set[str]:
    """The names of an active user's roles (groups), read together with the permissions Django's ModelBackend loads.

    Nearly every page a signed-in person opens then asks has_perm, which costs two more queries (their own and their
    roles' permissions): here one query reads the roles and both sets of permissions, kept on the user exactly as
    ModelBackend keeps them (`_user_perm_cache`, `_group_perm_cache`: "app_label.codename" strings), so has_perm
    asks nothing more. Not for a superuser: theirs are every permission there is, which ModelBackend looks up itself.
    """
    by_role = (
        Group.objects.filter(user=user).order_by().values_list("name", "permissions__content_type__app_label", "permissions__codename")
    )
    own = (
        Permission.objects.filter(user=user)
        .order_by()
        .values_list(Value(None, output_field=CharField()), "content_type__app_label", "codename")
    )
    roles, from_roles, from_user = set(), set(), set()
    for name, app_label, codename in by_role.union(own, all=True):
        if name is None:  # one of the user's own permissions (every role has a name)
            from_user.add(f"{app_label}.{codename}")
            continue
        roles.add(name)
        if codename is not None:  # None: a role with no permissions at all
            from_roles.add(f"{app_label}.{codename}")
    user._user_perm_cache = from_user
    user._group_perm_cache = from_roles
    return roles


class SignInForm(OTPAuthenticationForm):
    """Username, password and, for anyone with an authenticator set up, its six-digit code."""

    def clean_otp(self, user):
        # No authenticator set up (a code typed anyway, from one half set up, is checked on the two-factor page): a
        # password sign-in. Roles that need two-factor are then held there by TwoFactorMiddleware until they confirm one.
        if user is not None and not user_has_device(user, confirmed=True):
            return
        super().clean_otp(user)

    def _chosen_device(self, user):
        # No device chooser on the page: each person has one authenticator app (committee.services.two_factor_device_for).
        return super()._chosen_device(user) or TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


class TwoFactorMiddleware:
    """A session whose role needs two-factor and has not passed it reaches only the two-factor page and sign out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and two_factor_required(user) and not user.is_verified():
            here = reverse("two_factor")
            if request.path not in (here, reverse("logout")) and not request.path.startswith(settings.STATIC_URL):
                return redirect(f"{here}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
