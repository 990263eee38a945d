"""Taiwan's business tax ID (統一編號) checksum (RULES M4)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)
_EIGHT_DIGITS = re.compile(r"^[0-9]{8}$")


def _checksum(digits: str) -> int:
    # Add the digits of each product (e.g. 7 x 4 = 28 counts 2 + 8 = 10).
    return sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, WEIGHTS, strict=True))


def tax_id_problem(value: str) -> str | None:
    """None when `value` is a valid tax ID; otherwise a message saying what is wrong."""
    if not isinstance(value, str) or not value:
        return str(_("Enter the 8-digit tax ID (統一編號)."))
    if not value.isdigit() or not value.isascii():
        return str(
            _("A tax ID has digits only; %(value)s has other characters.") % {"value": value}
        )
    if len(value) != 8:
        return str(
            _("A tax ID has exactly 8 digits; %(value)s has %(n)s.")
            % {"value": value, "n": len(value)}
        )
    total = _checksum(value)
    # Divisible by 5 is the rule since 2023; the old rule (by 10) is a subset.
    if total % 5 == 0 or (value[6] == "7" and (total + 1) % 5 == 0):
        return None
    return str(
        _("%(value)s is not a valid tax ID: its check digits do not add up. Check for a typo.")
        % {"value": value}
    )


def is_valid_tax_id(value: str) -> bool:
    return bool(_EIGHT_DIGITS.match(value or "")) and tax_id_problem(value) is None


def make_tax_id(n: int) -> str:
    """The n-th valid tax ID in a deterministic series (demo and test data)."""
    prefix = f"{(n * 7919 + 10_000) % 10_000_000:07d}"
    for last in range(10):
        candidate = prefix + str(last)
        if is_valid_tax_id(candidate):
            return candidate
    # Every 7-digit prefix has a valid last digit: the sum moves by 1 per step.
    raise AssertionError(f"no valid tax ID with prefix {prefix}")
