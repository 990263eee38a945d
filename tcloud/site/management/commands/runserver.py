from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import (
    Command as StaticRunserver,
)

from tcloud.core.deadlines import InProcessSweeper
from tcloud.site.sweeps import run_all


class Command(StaticRunserver):
    """runserver that, in the demo (no Redis), also runs the deadline sweeps."""

    def inner_run(self, *args, **options):
        # inner_run runs in the serving process (the autoreloader's child), so
        # exactly one sweeper runs per served site.
        if settings.TCLOUD_INPROCESS_SWEEPS:
            InProcessSweeper(settings.SWEEP_INTERVAL_SECONDS, run_all).start()
            self.stdout.write(
                f"Deadline sweeps run in-process every {settings.SWEEP_INTERVAL_SECONDS}s."
            )
        return super().inner_run(*args, **options)
