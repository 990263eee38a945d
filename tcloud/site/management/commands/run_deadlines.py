from django.core.management.base import BaseCommand, CommandError

from tcloud.site import sweeps


class Command(BaseCommand):
    help = "Run every deadline sweep once (the sweeps Celery beat runs every minute)."

    def handle(self, *args, **options) -> None:
        results = sweeps.run_all()
        if not results:
            self.stdout.write("No deadline sweeps are configured.")
        for result in results:
            if result.error:
                self.stderr.write(f"{result.name}: FAILED {result.error}")
            else:
                self.stdout.write(f"{result.name}: {result.changed} changed")
        total = sum(r.changed for r in results)
        self.stdout.write(f"Done: {total} changed.")
        if any(r.error for r in results):
            raise CommandError("some deadline sweeps failed; see above")
