"""The one state-machine kernel every machine of the project uses.

A machine is a table of `Transition`s of one type: an action, the statuses it
starts from, the status it leads to (or None for a fact recorded without a
change of status) and the roles that may take it. `Machine` answers the three
questions everyone asks:

- `allowed_actions(obj, actor)`: which actions this actor may take now (the
  templates, the admin and the API draw their buttons and endpoints from it, so
  no page tests a status string);
- `check(obj, action, actor)`: refuse a move with `InvalidState` (API 409
  `invalid_state`, or `not_yours` for another party's object) before anything
  is written;
- `apply(obj, action, ...)`: check, move, save and write the event row (who,
  when, what) in the caller's transaction. The caller has locked `obj`
  (tcloud.core.locks) and passes the locked instance.

Roles are the users' roles (`member`, `vendor`, `staff`), `system` for the
deadline sweeps (no actor), and `applicant` for someone registering who has no
account yet. The kernel knows no app: each app builds its machines from its own
models and registers them, so `machine_for(obj)` finds the machine of any object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from tcloud.core.errors import InvalidState

SYSTEM = "system"
APPLICANT = "applicant"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: a fact recorded on the object; its status stays
    by: frozenset[str]


def transition(action: str, sources: Iterable[str], target: str | None, *by: str) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(by))


def actor_role(actor) -> str:
    """`system` for the deadline sweeps (no actor), else the user's role."""
    return SYSTEM if actor is None else actor.role


def _no_parties(obj) -> dict[str, int | None]:
    return {}


class Machine:
    """One state machine: its table, its status field and its event model.

    `parties(obj)` names the object's owners as `{"business_id": ..,
    "vendor_id": ..}`: a member may act only for its business, a vendor only for
    itself. `event(obj)` gives the event row's subject fields (e.g.
    `{"order": obj}`); the event model extends `tcloud.core.models.Event`.
    """

    def __init__(
        self,
        *,
        model: type[models.Model],
        transitions: Iterable[Transition],
        event_model: type[models.Model],
        event: Callable[[models.Model], dict],
        status_field: str = "status",
        parties: Callable[[models.Model], dict] = _no_parties,
        tones: dict[str, str] | None = None,
        register: bool = True,
    ) -> None:
        self.model = model
        self.table: dict[str, Transition] = {}
        for t in transitions:
            if t.action in self.table:
                raise ValueError(f"{model.__name__}: action {t.action!r} twice")
            self.table[t.action] = t
        self.event_model = event_model
        self.event = event
        self.status_field = status_field
        self.parties = parties
        # How each status looks (a Bootstrap colour: success, warning, ...), so
        # pages colour a status without naming it.
        self.tones = tones or {}
        if register:
            _REGISTRY[model] = self

    # --- reading -----------------------------------------------------------

    @property
    def statuses(self) -> list[str]:
        return [value for value, _label in self.model._meta.get_field(self.status_field).choices]

    def status_of(self, obj) -> str:
        return getattr(obj, self.status_field)

    def status_label(self, obj) -> str:
        return str(getattr(obj, f"get_{self.status_field}_display")())

    def tone_of(self, obj) -> str:
        return self.tones.get(self.status_of(obj), "secondary")

    def _party_ok(self, obj, actor, role: str) -> bool:
        owners = self.parties(obj)
        if role == "member" and "business_id" in owners:
            return actor.business_id == owners["business_id"]
        if role == "vendor" and "vendor_id" in owners:
            return actor.vendor_id == owners["vendor_id"]
        return True

    def allowed_actions(self, obj, actor, *, role: str | None = None) -> list[str]:
        """The actions `actor` may take on `obj` now (role, party and status)."""
        role = role or actor_role(actor)
        status = self.status_of(obj)
        return [
            t.action
            for t in self.table.values()
            if role in t.by and status in t.sources and self._party_ok(obj, actor, role)
        ]

    def check(self, obj, action: str, actor, *, role: str | None = None) -> str:
        """Refuse the move unless `actor` may take `action` on `obj` now; returns
        the actor's role. Party before status: a stranger learns nothing about
        another party's object."""
        rule = self.table[action]
        role = role or actor_role(actor)
        if role not in rule.by:
            raise InvalidState(_("Your role cannot make this change."))
        if not self._party_ok(obj, actor, role):
            if role == "member":
                raise InvalidState(_("This belongs to another business."), code="not_yours")
            raise InvalidState(_("This belongs to another vendor."), code="not_yours")
        if self.status_of(obj) not in rule.sources:
            raise InvalidState(
                _("It is “%(status)s” and cannot be changed this way.")
                % {"status": self.status_label(obj)}
            )
        return role

    # --- writing -----------------------------------------------------------

    def apply(
        self,
        obj,
        action: str,
        *,
        actor,
        now: dt.datetime | None = None,
        note: str = "",
        data: dict | None = None,
        role: str | None = None,
        **fields,
    ):
        """Check, move `obj` to the action's target (setting `fields` too), save
        the changed columns and write one event. `obj` is the caller's locked
        instance."""
        role = self.check(obj, action, actor, role=role)
        rule = self.table[action]
        source = self.status_of(obj)
        changed = list(fields)
        if rule.target is not None:
            setattr(obj, self.status_field, rule.target)
            changed.append(self.status_field)
        for name, value in fields.items():
            setattr(obj, name, value)
        if changed:
            if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
                changed.append("updated_at")
            obj.save(update_fields=changed)
        self.record(
            obj,
            action,
            actor=actor,
            role=role,
            now=now,
            note=note,
            data=data,
            from_status=source,
            to_status=self.status_of(obj),
        )
        return obj

    def record(
        self,
        obj,
        action: str,
        *,
        actor,
        now: dt.datetime | None = None,
        note: str = "",
        data: dict | None = None,
        role: str | None = None,
        from_status: str = "",
        to_status: str | None = None,
    ):
        """Write an event that is not a move of this table: the object's
        creation (from "" to its first status), or a fact another table owns."""
        return self.event_model.objects.create(
            **self.event(obj),
            action=action,
            from_status=from_status,
            to_status=self.status_of(obj) if to_status is None else to_status,
            actor=actor,
            actor_role=role or actor_role(actor),
            at=now or timezone.now(),
            note=note,
            data=data or {},
        )


_REGISTRY: dict[type[models.Model], Machine] = {}


def machine_for(obj_or_model) -> Machine:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for klass in model.__mro__:
        if klass in _REGISTRY:
            return _REGISTRY[klass]
    raise LookupError(f"no state machine for {model.__name__}")


def machines() -> list[Machine]:
    """Every registered machine (the tests walk them all)."""
    return list(_REGISTRY.values())
