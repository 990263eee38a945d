"""The database's cache table: where the cache carries on when Redis does not
answer (tcloud.core.cache.FallbackCache)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Creates the table of every database cache in settings.CACHES (idempotent).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("tcloud", "0003_outbox")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
