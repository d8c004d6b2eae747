from django.contrib.admin import widgets
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ValidationError


def _valid_ids_only(optgroups):
    """Autocomplete widgets re-rendering a bound form crash (500) on a submitted id that is not a valid key.

    Django looks the submitted values up without validating them; we drop invalid ones first, so the form
    comes back with its normal "Select a valid choice" message next to the field instead.
    """

    def safe_optgroups(self, name, value, attr=None):
        remote_pk = self.field.remote_field.model._meta.pk
        valid = []
        for v in value:
            try:
                remote_pk.to_python(v)
            except (ValidationError, TypeError, ValueError):
                continue
            valid.append(v)
        return optgroups(self, name, valid, attr)

    return safe_optgroups


class ScrutinyAdminConfig(AdminConfig):
    """django.contrib.admin, with the site that enforces two-factor for sensitive roles."""

    default_site = "config.admin_site.ScrutinyAdminSite"

    def ready(self):
        super().ready()
        if not getattr(widgets.AutocompleteMixin.optgroups, "_scrutiny_safe", False):
            widgets.AutocompleteMixin.optgroups = _valid_ids_only(widgets.AutocompleteMixin.optgroups)
            widgets.AutocompleteMixin.optgroups._scrutiny_safe = True
