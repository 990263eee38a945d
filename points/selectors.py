import datetime as dt

from django.utils import timezone

from points.models import Program


def program_current(*, on: dt.date | None = None) -> Program | None:
    """The program open on `on` (today in Taipei by default), if any."""
    on = on or timezone.localdate()
    return Program.objects.filter(opens_on__lte=on, closes_on__gte=on).order_by("-year").first()
