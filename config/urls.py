from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from committee.health import healthz, readyz
from committee.two_factor import SignInForm
from committee.views import two_factor

admin.site.site_header = f"Scrutiny – {settings.COUNCIL_NAME}"

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("readyz/", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/two-factor/", two_factor, name="two_factor"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("committees/", include("committee.urls")),
    path("complaints/", include("complaints.urls")),
    path("improvement/", include("improvement.urls")),
    path("search/", include("search.urls")),
    path("api/", include("api.urls")),
    path("", include("meetings.urls")),
]

if getattr(settings, "BENCHMARK_FLOOR_VIEW", False):
    from config.floor import floor_view

    urlpatterns.append(path("bench/floor/", floor_view))
