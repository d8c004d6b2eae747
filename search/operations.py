"""Migration operations that only touch PostgreSQL.

`make run` without DATABASE_URL uses SQLite, which has no GIN indexes; the search falls back to icontains there
(search.query), so the index is simply not created. The migration state still records it, so `makemigrations --check`
sees no difference on either database.
"""

from django.db import migrations


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """AddIndex that creates (and drops) the index on PostgreSQL only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return super().describe() + " (PostgreSQL only)"
