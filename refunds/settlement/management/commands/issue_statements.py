import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from refunds.settlement.selectors import previous_month
from refunds.settlement.services import statements_issue
from tcloud.core.errors import RuleError


class Command(BaseCommand):
    help = (
        "Issue the vendors' settlement statements for a month (RULES S3); the previous "
        "month by default. Running it twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM (default: the previous month)")

    def handle(self, *args, period=None, **options):
        if period:
            try:
                month = dt.datetime.strptime(period, "%Y-%m").date()
            except ValueError:
                raise CommandError("--period must look like 2022-06") from None
        else:
            month = previous_month(timezone.localdate())
        try:
            result = statements_issue(period=month)
        except RuleError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"{result.period:%Y-%m}: {result.created} statements issued, {result.updated} "
            f"updated, {result.lines} lines added"
            + (f", {result.held_back} lines wait for next month" if result.held_back else "")
        )
