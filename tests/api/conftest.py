# The API's hardening is tested on real orders: share the orders tests' fixtures.
from tests.orders.conftest import (  # noqa: F401
    clock,
    member_a,
    member_b,
    plan,
    vendor_a,
    vendor_b,
    wallet_a,
)
