from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = "Committees and people"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles_after_last_app, dispatch_uid="committee.sync_roles")
        post_migrate.connect(_create_cache_tables, dispatch_uid="committee.create_cache_tables")

        from committee import jobs, keep, printing

        jobs.register("committee.BuiltPdf", "committee.tasks.pdf_build_task")
        printing.track_changes("committee")  # names and seats print in minutes, papers and plans
        keep.track_changes("committee")  # and on the kept pages (committee/keep.py)


def _sync_roles_after_last_app(sender, **kwargs):
    """After every migrate, once all apps' permissions exist, give each role group exactly its declared permissions.

    Data migrations sync too, but run before later apps' permissions exist; this makes the end state certain.
    """
    from django.apps import apps

    if sender is list(apps.get_app_configs())[-1]:
        from committee.roles import sync_roles

        sync_roles()


def _create_cache_tables(sender, using="default", **kwargs):
    """Every `migrate` makes the table of a database cache (CACHE_URL=dbcache://…) if it is missing, so switching to one
    is never a separate step to forget (createcachetable leaves existing tables alone; other caches need none)."""
    from django.apps import apps

    if sender is list(apps.get_app_configs())[-1]:
        from django.core.management import call_command

        call_command("createcachetable", database=using, verbosity=0)
