import pytest
from django.core.management import call_command

from points.models import LedgerEntry, Submission, Wallet

pytestmark = pytest.mark.django_db


def test_T1_demo_member_holds_points_eligible_member_has_none_and_seed_is_idempotent():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    wallet = Wallet.objects.get(business__users__email="member@demo.test")
    assert wallet.status == "active" and wallet.available == wallet.program.points_per_member
    # Seeding twice grants each demo wallet once (buyer@demo.test holds one too).
    assert LedgerEntry.objects.filter(kind="grant", wallet=wallet).count() == 1
    assert LedgerEntry.objects.filter(kind="grant").count() == Wallet.objects.count()
    assert Submission.objects.filter(business=wallet.business).count() == 1
    assert not Wallet.objects.filter(business__users__email="eligible@demo.test").exists()
