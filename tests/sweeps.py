"""A sweep for tests: proves the beat/run_deadlines wiring writes through."""

import datetime as dt

from tcloud.core.models import CalendarDay

MARK = dt.date(2099, 1, 1)


def mark_sweep(*, now):
    _obj, created = CalendarDay.objects.get_or_create(
        date=MARK, defaults={"kind": CalendarDay.Kind.CLOSED, "reason": f"swept at {now:%H:%M}"}
    )
    return int(created)


def broken_sweep(*, now):
    raise RuntimeError("this sweep always fails")
