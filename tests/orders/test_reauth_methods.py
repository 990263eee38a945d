"""O3 with real verification methods (simulator off): a business that registered
with a certificate signs a fresh challenge to order; one with the mobile app
approves there. The simulator path is covered by the other order tests."""

import pytest
from rest_framework.test import APIClient

from members import verification as vf
from orders import services
from orders.models import Order
from orders.reauth import MAX_FAILURES, ReauthFailed
from points.models import LedgerEntry
from tests.members.conftest import FakeCA
from tests.orders.helpers import figures, ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert_member(member_a, settings, tmp_path):
    """member_a's business registered with its business certificate; a CA made
    under the test clock (2022) so its certificates are valid then."""
    ca = FakeCA("Test MOEACA (orders)")
    root = tmp_path / "moeaca.pem"
    root.write_bytes(ca.pem())
    settings.MEMBERS_CA_FILES = {"business_cert": [str(root)], "citizen_cert": []}
    settings.VERIFICATION_SIMULATOR = False
    business = member_a.business
    business.verification_method = vf.BUSINESS_CERT
    business.save(update_fields=["verification_method"])
    member_a.ca = ca
    return member_a


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_O3_a_certificate_business_signs_a_fresh_challenge_to_order_through_the_api(
    cert_member, wallet_a, plan
):
    api = _api(cert_member)
    order_id = api.post("/api/v1/orders/", {"plan": plan.pk}, format="json").json()["id"]
    started = api.post(f"/api/v1/orders/{order_id}/verification/").json()
    assert started["method"] == "business_cert" and started["challenge"]
    holder = cert_member.ca.issue(cn="demo", serial=cert_member.business.tax_id)
    stranger = cert_member.ca.issue(cn="other", serial="04702088")
    before = (figures(wallet_a), ledger(wallet_a))

    refused = api.post(
        f"/api/v1/orders/{order_id}/submit/",
        {"agree_contract": True, "verification": stranger.proof(started["challenge"])},
        format="json",
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "certificate_of_another_party"
    assert Order.objects.get(pk=order_id).status == Order.Status.DRAFT
    assert (figures(wallet_a), ledger(wallet_a)) == before

    submitted = api.post(
        f"/api/v1/orders/{order_id}/submit/",
        {"agree_contract": True, "verification": holder.proof(started["challenge"])},
        format="json",
    )
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    assert figures(wallet_a)[:2] == (0, 30_000)


def test_O3_the_order_page_shows_the_challenge_and_takes_the_signature(
    cert_member, wallet_a, plan, client
):
    order = services.order_create(user=cert_member, plan=plan)
    client.force_login(cert_member)
    page = client.post(f"/orders/{order.pk}/verification/").content.decode()
    challenge = cert_member.business.challenges.latest("created_at").nonce
    assert challenge in page
    assert 'name="certificate"' in page and 'name="signature"' in page
    assert 'name="code"' not in page  # no code to type with a certificate (simulator off)

    proof = cert_member.ca.issue(cn="demo", serial=cert_member.business.tax_id).proof(challenge)
    client.post(f"/orders/{order.pk}/submit/", {"agree_contract": "on", **proof})
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    assert LedgerEntry.objects.filter(order_id=order.pk, kind="hold").count() == 1


class FakeFido:
    """The national FIDO service as the orders see it: the member has not
    approved yet until `approve()`."""

    def __init__(self, national_id):
        self.national_id, self.status, self.sign_data = national_id, "pending", ""

    def request(self, *, national_id, sign_data, hint):
        self.sign_data = sign_data
        return "ref-1"

    def poll(self, ref):
        return {"status": self.status, "sign_data": self.sign_data, "id_num": self.national_id}


def test_O3_waiting_for_the_mobile_app_is_not_a_failed_try(
    member_a, wallet_a, plan, settings, monkeypatch
):
    settings.VERIFICATION_SIMULATOR = False
    business = member_a.business
    business.verification_method = vf.MOBILE_CERT
    business.representative_national_id = "A123456789"
    business.save(update_fields=["verification_method", "representative_national_id"])
    fido = FakeFido("A123456789")
    monkeypatch.setattr(vf, "fido_client", lambda: fido)
    api = _api(member_a)
    order_id = api.post("/api/v1/orders/", {"plan": plan.pk}, format="json").json()["id"]
    assert api.post(f"/api/v1/orders/{order_id}/verification/").json()["pending"] is True

    order = Order.objects.get(pk=order_id)
    for _ in range(MAX_FAILURES + 2):
        with pytest.raises(ReauthFailed) as waiting:
            services.order_submit(order=order, actor=member_a, agree_contract=True, verification={})
        assert waiting.value.code == "verification_pending"
    fido.status = "approved"
    order = services.order_submit(order=order, actor=member_a, agree_contract=True, verification={})
    assert order.status == Order.Status.SUBMITTED
