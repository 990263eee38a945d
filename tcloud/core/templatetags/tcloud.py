"""Template helpers for money, ROC dates and deadlines; loaded as a builtin."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from tcloud.core.calendar import TAIPEI
from tcloud.core.statemachine import machine_for

register = template.Library()


@register.filter
def ntd(amount) -> str:
    """Money as NT$30,000 (whole dollars; RULES: integers, never floats)."""
    if amount is None or amount == "":
        return ""
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}NT${abs(amount):,}"


@register.filter
def points(amount) -> str:
    if amount is None or amount == "":
        return ""
    return f"{int(amount):,}"


def _as_local_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(TAIPEI).date()
    return value


@register.filter
def roc_date(value) -> str:
    """A date with the ROC year: 民國111年2月8日 (zh-Hant) or 2022-02-08 (ROC 111)."""
    if not value:
        return ""
    day = _as_local_date(value)
    roc = day.year - 1911
    if (get_language() or "").startswith("en"):
        return f"{day:%Y-%m-%d} (ROC {roc})"
    return f"民國{roc}年{day.month}月{day.day}日"


@register.filter
def roc_month(value) -> str:
    """A month with the ROC year: 民國115年11月 (zh-Hant) or 2026-11 (ROC 115)."""
    if not value:
        return ""
    day = _as_local_date(value)
    roc = day.year - 1911
    if (get_language() or "").startswith("en"):
        return f"{day:%Y-%m} (ROC {roc})"
    return f"民國{roc}年{day.month}月"


def countdown_text(deadline: dt.datetime, now: dt.datetime) -> str:
    remaining = deadline - now
    if remaining.total_seconds() <= 0:
        return _("deadline passed")
    days, rest = divmod(int(remaining.total_seconds()), 86400)
    hours = rest // 3600
    if days:
        return ngettext("%(d)s day %(h)s h left", "%(d)s days %(h)s h left", days) % {
            "d": days,
            "h": hours,
        }
    minutes = (rest % 3600) // 60
    return _("%(h)s h %(m)s min left") % {"h": hours, "m": minutes}


@register.simple_tag
def deadline(value, now=None):
    """A deadline as its date and a countdown; the <time> carries the instant so
    the page's script can keep the countdown current."""
    if not value:
        return ""
    now = now or timezone.now()
    passed = value <= now
    return format_html(
        '<time class="deadline{}" datetime="{}" data-deadline>'
        '<span class="deadline-date">{}</span> '
        '<span class="deadline-countdown badge {}">{}</span></time>',
        " deadline-passed" if passed else "",
        value.isoformat(),
        roc_date(value),
        "text-bg-danger" if passed else "text-bg-warning",
        countdown_text(value, now),
    )


@register.simple_tag
def allowed_actions(obj, user) -> list[str]:
    """`{% allowed_actions order request.user as actions %}`: what this user may
    do to `obj` now, from its state machine. Pages draw their buttons from it and
    never test a status."""
    if obj is None:
        return []
    actor = user if getattr(user, "is_authenticated", False) else None
    if actor is None:
        return []
    return machine_for(obj).allowed_actions(obj, actor)


@register.filter
def tone(obj) -> str:
    """The colour of an object's status (`badge text-bg-{{ order|tone }}`), from
    its state machine."""
    return machine_for(obj).tone_of(obj) if obj is not None else "secondary"
