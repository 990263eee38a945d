"""The checks every transition table shares (orders, refunds): role, party, status."""

from types import SimpleNamespace

import pytest

from tcloud.core.errors import InvalidState
from tcloud.core.statemachine import actor_role, check_move, transition

RULE = transition({"owed"}, "settled", "vendor", "member", "system")


def _check(actor, status="owed"):
    return check_move(
        RULE, actor=actor, status=status, status_label=status, business_id=1, vendor_id=7
    )


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
