"""Give the role groups their complaints permissions (complaints/roles.py), including complaints.view_personal_data."""

from django.db import migrations

from committee.roles import migration_sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("meetings", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(migration_sync_roles, migrations.RunPython.noop)]
