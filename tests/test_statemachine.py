"""The state-machine kernel: role, then party, then status; facts; events."""

from types import SimpleNamespace

import pytest

from refunds.models import Refund, RefundEvent
from tcloud.core.errors import InvalidState
from tcloud.core.statemachine import Machine, actor_role, transition

MACHINE = Machine(
    model=Refund,
    event_model=RefundEvent,
    event=lambda obj: {},
    parties=lambda obj: {"business_id": 1, "vendor_id": 7},
    transitions=[
        transition("settle", {"owed"}, "settled", "vendor", "member", "system"),
        transition("note", {"owed", "settled"}, None, "staff"),
    ],
    register=False,
)


def _obj(status="owed"):
    return SimpleNamespace(status=status, get_status_display=lambda: status)


def _check(actor, status="owed", action="settle"):
    return MACHINE.check(_obj(status), action, actor)


def test_a_permitted_move_returns_the_actors_role():
    assert _check(SimpleNamespace(role="vendor", vendor_id=7)) == "vendor"
    assert _check(SimpleNamespace(role="member", business_id=1)) == "member"
    assert _check(None) == "system"
    assert actor_role(None) == "system"


def test_a_role_outside_the_rule_is_refused():
    with pytest.raises(InvalidState) as caught:
        _check(SimpleNamespace(role="staff"))
    assert caught.value.code == "invalid_state"


@pytest.mark.parametrize(
    "actor",
    [SimpleNamespace(role="vendor", vendor_id=8), SimpleNamespace(role="member", business_id=2)],
)
def test_another_partys_object_is_refused_before_its_status_is_told(actor):
    # Even from a wrong status the answer is "not yours", so a stranger learns nothing.
    with pytest.raises(InvalidState) as caught:
        _check(actor, status="settled")
    assert caught.value.code == "not_yours"


def test_a_move_from_a_status_the_rule_does_not_start_from_is_refused():
    with pytest.raises(InvalidState) as caught:
        _check(SimpleNamespace(role="vendor", vendor_id=7), status="settled")
    assert caught.value.code == "invalid_state"
    assert "settled" in caught.value.message


def test_allowed_actions_are_what_check_lets_through():
    vendor = SimpleNamespace(role="vendor", vendor_id=7)
    staff = SimpleNamespace(role="staff")
    assert MACHINE.allowed_actions(_obj("owed"), vendor) == ["settle"]
    assert MACHINE.allowed_actions(_obj("settled"), vendor) == []
    assert MACHINE.allowed_actions(_obj("settled"), staff) == ["note"]
    stranger = SimpleNamespace(role="vendor", vendor_id=8)
    assert MACHINE.allowed_actions(_obj("owed"), stranger) == []


def test_an_action_named_twice_is_a_programming_error():
    with pytest.raises(ValueError):
        Machine(
            model=Refund,
            event_model=RefundEvent,
            event=lambda obj: {},
            transitions=[
                transition("a", {"x"}, "y", "staff"),
                transition("a", {"y"}, "x", "staff"),
            ],
            register=False,
        )
