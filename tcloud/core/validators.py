"""What no input may contain, whichever door it comes through (API, pages, admin).

- NUL characters: PostgreSQL cannot store them in text, and no field of the
  program needs one. `refuse_nul` is the one check; Django's and DRF's
  `CharField`s already run the same validator, and
  `tcloud.core.middleware.InputGuardMiddleware` and
  `tcloud.core.api.parsers.JSONObjectParser` apply it to everything that does
  not pass through a field (query parameters, headers, raw form values, JSON).
- Dates: the program's calendar starts with the Republic (ROC year 1 = 1911),
  and nothing it schedules lies past 2200. A year such as 9999 would overflow
  when months are added to it, so every date taken from outside is bounded.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = dt.date(1911, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)

# The limits an API body or a JSON value may reach (README, "Reliability").
MAX_JSON_DEPTH = 32

refuse_nul = ProhibitNullCharactersValidator()


def has_nul(value: str) -> bool:
    return "\x00" in value


def encodable(value: str) -> bool:
    """False for text with lone surrogates ("\\ud800"), which JSON can carry but
    UTF-8 (and so the database) cannot."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def date_in_range(value: dt.date) -> None:
    """Refuse a date outside 1911-01-01 .. 2200-12-31."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


def parse_date(raw: str | None) -> dt.date | None:
    """A `YYYY-MM-DD` date within the bounds, or None for anything else (for
    pages that read a date from a query string and fall back to a default)."""
    try:
        value = dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    try:
        date_in_range(value)
    except ValidationError:
        return None
    return value


# What a person may type where the column is unbounded text (a reason, a note,
# payment options, a plan's description): enough for any honest use.
REASON_MAX_LENGTH = 1_000
NOTE_MAX_LENGTH = 2_000
LONG_TEXT_MAX_LENGTH = 10_000


def check_lengths(**fields: tuple[str, int]) -> None:
    """`check_lengths(reason=(reason, 1000))`: one ValidationError naming every
    field longer than its limit (services call it, so pages and the API share it)."""
    errors = {
        name: [_("Enter at most %(limit)d characters.") % {"limit": limit}]
        for name, (value, limit) in fields.items()
        if value is not None and len(value) > limit
    }
    if errors:
        raise ValidationError(errors)


def check_dates(**fields: dt.date | None) -> None:
    """`check_dates(service_start=value)`: a field error for a date outside the bounds."""
    errors = {}
    for name, value in fields.items():
        if value is None:
            continue
        try:
            date_in_range(value)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
