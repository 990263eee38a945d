"""The ROC national ID (身分證字號): checksum and masking.

The representative's national ID is personal data: it is kept only on the
business (to match citizen certificates and the phone check, RULES M5), shown
masked everywhere except staff views, only ever POSTed (never in a URL) and
never logged.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

_FORMAT = re.compile(r"^[A-Z][12][0-9]{8}$")
# Letter -> two-digit code of the official checksum.
_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"


def national_id_problem(value: str) -> str | None:
    """None when `value` is a well-formed ROC national ID, else what is wrong."""
    value = (value or "").strip().upper()
    if not _FORMAT.match(value):
        return _(
            "A national ID is one capital letter, then 1 or 2, then 8 digits (e.g. A123456789)."
        )
    code = _LETTERS.index(value[0]) + 10
    digits = [code // 10, code % 10] + [int(c) for c in value[1:]]
    weights = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1]
    if sum(d * w for d, w in zip(digits, weights, strict=True)) % 10:
        return _("This national ID does not pass its check digit. Check for a typo.")
    return None


def mask_national_id(value: str) -> str:
    """A123456789 -> A1******89: enough to recognise, not enough to misuse."""
    if not value:
        return ""
    return value[:2] + "*" * (len(value) - 4) + value[-2:]
