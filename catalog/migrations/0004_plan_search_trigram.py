"""Trigram index for the catalog search (PostgreSQL only).

Search is a substring match on Plan.search_text (lower-cased), which works for
Chinese (no word boundaries) and English alike. On PostgreSQL a GIN trigram
index serves `LIKE '%...%'`; SQLite (the demo) scans, which is fine at its size.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS plan_search_trgm ON catalog_plan "
        "USING gin (search_text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS plan_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_vendor_portal_and_plans")]
    operations = [migrations.RunPython(forwards, backwards)]
