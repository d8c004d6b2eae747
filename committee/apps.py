from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = "Committees and people"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles_after_last_app, dispatch_uid="committee.sync_roles")


def _sync_roles_after_last_app(sender, **kwargs):
    """After every migrate, once all apps' permissions exist, give each role group exactly its declared permissions.

    Data migrations sync too, but run before later apps' permissions exist; this makes the end state certain.
    """
    from django.apps import apps

    if sender is list(apps.get_app_configs())[-1]:
        from committee.roles import sync_roles

        sync_roles()
