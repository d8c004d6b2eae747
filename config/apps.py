from django.contrib.admin.apps import AdminConfig


class ScrutinyAdminConfig(AdminConfig):
    """django.contrib.admin, with the site that enforces two-factor for sensitive roles."""

    default_site = "config.admin_site.ScrutinyAdminSite"
