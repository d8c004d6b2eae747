"""Create the role groups (Councillor, Officer, Clerk, Complaints officer, Administrator) with their permissions."""

from django.db import migrations

from committee.roles import migration_sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        ("committee", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(migration_sync_roles, migrations.RunPython.noop)]
