"""The ledger is append-only (RULES T5): PostgreSQL refuses UPDATE and DELETE of
its rows. (SQLite, the demo's database, relies on the services alone.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION points_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'points_ledgerentry is append-only (RULES T5)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER points_ledger_append_only
    BEFORE UPDATE OR DELETE ON points_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION points_ledger_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS points_ledger_append_only ON points_ledgerentry;
DROP FUNCTION IF EXISTS points_ledger_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("points", "0002_wallet_ledger_assessment")]
    operations = [migrations.RunPython(forwards, backwards)]
