"""Re-authentication before an order is submitted (RULES O3).

The member proves again who it is with the verification method its business
registered with (M5); the membership's verification backends do the work
(`members.services.business_reauth_start` / `business_reauth_check`).

Failed tries are also counted in the cache, outside any transaction: a failed
submission rolls its transaction back (and with it the challenge's own try
counter), so without this count a client could guess codes without limit.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils.translation import gettext as _

from members import verification as vf
from members.services import business_reauth_check, business_reauth_start
from members.verification import VerificationPending
from tcloud.core.errors import RuleError

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class ReauthFailed(RuleError):
    code = "verification_failed"


def _failures_key(business_id: int) -> str:
    return f"orders:reauth-failures:{business_id}"


def reauth_start(*, order, user, ip: str = "") -> dict:
    """Begin the check for this order: sends the code or issues the challenge.
    Returns what the page or API client shows next."""

    info = business_reauth_start(business=order.business, ip=ip)
    cache.delete(_failures_key(order.business_id))
    info.setdefault("message", _reauth_message(info))
    return info


def _reauth_message(info: dict) -> str:

    method = info.get("method")
    if method == vf.PHONE:
        return _("We sent a 6-digit code to %(to)s. Enter it below.") % {
            "to": info.get("sent_to", "")
        }
    if method in (vf.BUSINESS_CERT, vf.CITIZEN_CERT):
        return _(
            "Read your card and sign the challenge below with the signing component, "
            "then submit the order."
        )
    if method == vf.MOBILE_CERT:
        return _(
            "Approve the request from tcloud in the mobile citizen certificate app, then submit."
        )
    return _("Enter the code you received (demo mode: 000000).")


PROOF_FIELDS = ("code", "challenge", "certificate", "signature", "chain")


def reauth_check(*, order, user, proof: dict | None) -> None:
    """Raise ReauthFailed unless `proof` verifies the member's business now.
    `proof` holds the PROOF_FIELDS the method needs: `code` (phone, simulator),
    `challenge` + `certificate` + `signature` (+ `chain`) for certificates,
    nothing for the mobile app (the server polls it)."""

    key = _failures_key(order.business_id)
    if (cache.get(key) or 0) >= MAX_FAILURES:
        raise ReauthFailed(
            _("Too many failed tries. Start the verification again."), code="too_many_tries"
        )

    try:
        business_reauth_check(business=order.business, proof=proof or {})
    except VerificationPending as exc:
        # The member has not answered in the mobile app yet: not a wrong try.
        raise ReauthFailed(exc.message, code=exc.code) from None
    except RuleError as exc:
        if cache.add(key, 1, WINDOW_SECONDS) is False:
            cache.incr(key)
        raise ReauthFailed(exc.message, code=exc.code) from None
