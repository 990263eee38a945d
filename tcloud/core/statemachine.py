"""What every transition table of the project checks before a move.

Each state machine (orders, refunds) keeps its own table of `Transition`s and
its own service per transition; this module holds the checks they share: is
the actor's role allowed, does the actor belong to the object's parties, and
is the object in a status the move starts from. A refused move raises
`InvalidState` (API 409 `invalid_state`) before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from tcloud.core.errors import InvalidState


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    by: frozenset[str]  # roles: member, vendor, staff, system


def transition(sources, target: str, *by: str) -> Transition:
    return Transition(frozenset(sources), target, frozenset(by))


def actor_role(actor) -> str:
    """`system` for the deadline sweeps (no actor), else the user's role."""
    return "system" if actor is None else actor.role


def check_move(
    rule: Transition, *, actor, status: str, status_label: str, business_id: int, vendor_id: int
) -> str:
    """Refuse the move unless the actor may make it from `status`; returns the
    actor's role. Views already scope objects to their owner: the party check
    here is defence in depth."""
    role = actor_role(actor)
    if role not in rule.by:
        raise InvalidState(_("Your role cannot make this change."))
    if role == "member" and actor.business_id != business_id:
        raise InvalidState(_("This belongs to another business."), code="not_yours")
    if role == "vendor" and actor.vendor_id != vendor_id:
        raise InvalidState(_("This belongs to another vendor."), code="not_yours")
    if status not in rule.sources:
        raise InvalidState(
            _("It is “%(status)s” and cannot be changed this way.") % {"status": status_label}
        )
    return role
