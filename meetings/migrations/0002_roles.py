"""Create the role groups (Councillor, Officer, Clerk, Complaints officer, Administrator) with their permissions."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make them now so the groups can hold them.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0)
    from committee.roles import sync_roles

    sync_roles()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("committee", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
