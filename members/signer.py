"""What a page needs to use the national signing component (RULES M5, O3).

Pages that ask for a business or citizen certificate include
`members/_signer.html` with `signer=signer_page_data()`; static/js/signer.js
reads everything from its data- attributes: the component's address, the
challenge, and the messages in the page's language (the JavaScript holds no text
of its own, so zh-Hant and English come from the catalogs like any other string).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _


def messages() -> dict[str, str]:
    """Keyed as the JavaScript reads them (`data-msg-<key>`); `{n}` and `{code}`
    are filled in by the script."""
    return {
        "reading": _("Asking the signing component for the card…"),
        "blocked": _(
            "The browser blocked the signing component's window. Allow pop-ups for this "
            "site, then try again."
        ),
        "timeout": _("The signing component did not answer. Check the card reader and try again."),
        "no-reader": _(
            "No card reader was found. Connect the reader, then press “Read the card” again."
        ),
        "no-card": _(
            "There is no card in the reader. Insert the card, then press “Read the card” again."
        ),
        "card-found": _("Card found. Type its PIN and press “Sign and verify”."),
        "enter-pin": _("Type the card's PIN first."),
        "signing": _("The card is signing the challenge…"),
        "pin-wrong": _(
            "The PIN is not right. Nothing was sent to tcloud, so this is not counted as a "
            "failed verification. Check the PIN and try again."
        ),
        "pin-wrong-left": _(
            "The PIN is not right; {n} more wrong PIN(s) will lock the card. Nothing was sent "
            "to tcloud, so this is not counted as a failed verification."
        ),
        "locked": _(
            "The card is locked after too many wrong PINs. Have it unlocked by its "
            "certification authority (MOICA or MOEACA), then try again."
        ),
        "cancelled": _("Signing was cancelled."),
        "site-refused": _(
            "The signing component does not accept requests from this site. Allow this site "
            "in the component's settings, then try again."
        ),
        "cert-expired": _("The certificate on this card has expired."),
        "cert-not-yet": _("The certificate on this card is not valid yet."),
        "signed": _("Signed by the card. Checking the signature…"),
        "signed-complete-form": _("Signed by the card. Complete the form above, then submit it."),
        "failed": _("The signing component reported an error (code {code})."),
    }


def page_data() -> dict:
    url = settings.MEMBERS_SIGNER_URL.rstrip("/")
    return {
        "url": url,
        "self_test_url": f"{url}/selfTest.htm",
        "install_url": settings.MEMBERS_SIGNER_INSTALL_URL,
        "messages": messages(),
    }
