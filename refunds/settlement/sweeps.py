"""The month's statements, issued by beat on the first business day (S3)."""

from __future__ import annotations

import datetime as dt

from refunds.settlement.models import StatementRun
from refunds.settlement.selectors import previous_month
from refunds.settlement.services import statements_issue
from tcloud.core.calendar import TAIPEI, BusinessCalendar


def issue_due(*, now: dt.datetime) -> int:
    """On the first business day of a month (through the business calendar, so a
    holiday or a typhoon day moves it), or the first run after it, issue the
    previous month's statements once. Returns how many statements it touched."""
    today = now.astimezone(TAIPEI).date()
    first_day = today.replace(day=1)
    calendar = BusinessCalendar.load()
    first_business_day = (
        first_day
        if calendar.is_business_day(first_day)
        else calendar.nth_business_day_after(first_day, 1)
    )
    period = previous_month(today)
    if today < first_business_day or StatementRun.objects.filter(period=period).exists():
        return 0
    result = statements_issue(period=period, now=now)
    return result.created + result.updated
