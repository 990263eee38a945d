"""Response headers a page needs beyond the site's defaults."""

from __future__ import annotations

from functools import wraps

# Django's SecurityMiddleware sends `Cross-Origin-Opener-Policy: same-origin`,
# which cuts a cross-origin popup off from its opener: the national signing
# component's popup (http://localhost:61161/popupForm) could then not postMessage
# back. `same-origin-allow-popups` keeps our window isolated from pages that open
# it, while popups it opens itself may still answer.
POPUP_OPENER_POLICY = "same-origin-allow-popups"


def popups_may_answer(view):
    """For pages that talk to a popup of another origin (static/js/signer.js)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        # The middleware only fills the header in when the view left it unset.
        response.headers["Cross-Origin-Opener-Policy"] = POPUP_OPENER_POLICY
        return response

    return wrapper
