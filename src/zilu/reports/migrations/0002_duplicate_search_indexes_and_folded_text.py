"""The duplicate search at scale: one index per way a report's target is named, each ending in created_at; the folded
description; pg_trgm on PostgreSQL.

On PostgreSQL the indexes are built with CREATE INDEX CONCURRENTLY, so that reports keep arriving while a large table
is indexed during an upgrade (hence ``atomic = False``), and the pg_trgm extension is enabled (its ``similarity()``
ranks the candidates of the search; no trigram index is built). On SQLite the indexes are plain and nothing else
happens: the search compares in Python there. ``description_folded`` is nullable, so adding it rewrites no table.
"""

import django.db.models.functions.text
from django.db import migrations, models


class AddIndexOnline(migrations.AddIndex):
    """AddIndex that does not block writes on PostgreSQL (CONCURRENTLY); a plain AddIndex on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)


def enable_pg_trgm(apps, schema_editor):
    """pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0001_reports_responses_events"),
    ]

    operations = [
        # Not dropped on the way back: another schema object may use it.
        migrations.RunPython(enable_pg_trgm, migrations.RunPython.noop, elidable=False),
        migrations.AddField(
            model_name="report",
            name="description_folded",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        AddIndexOnline(
            model_name="report",
            index=models.Index(fields=["member", "created_at"], name="reports_member_created_idx"),
        ),
        AddIndexOnline(
            model_name="report",
            index=models.Index(fields=["target_domain", "created_at"], name="reports_domain_created_idx"),
        ),
        AddIndexOnline(
            model_name="report",
            index=models.Index(
                django.db.models.functions.text.Upper("target"),
                models.F("created_at"),
                condition=models.Q(("duplicate_of", None)),
                name="reports_target_created_idx",
            ),
        ),
        AddIndexOnline(
            model_name="report",
            index=models.Index(
                condition=models.Q(("duplicate_of", None), ("member", None), ("target", "")),
                fields=["created_at"],
                name="reports_untargeted_created_idx",
            ),
        ),
    ]
