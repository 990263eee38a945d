import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from catalog.models import Vendor
from members.models import Business, User
from points.models import Category, Program
from tcloud.core.models import CalendarDay
from tcloud.site import sweeps as site_sweeps
from tcloud.site.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.sweeps import MARK, broken_sweep, mark_sweep


def counts():
    return (
        Program.objects.count(),
        Category.objects.count(),
        Vendor.objects.count(),
        Business.objects.count(),
        User.objects.count(),
        EmailAddress.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_creates_each_role(client):
    call_command("seed_demo", "--members", "3")
    first = counts()
    call_command("seed_demo", "--members", "3")
    assert counts() == first
    assert first[:2] == (1, 15)
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {"member", "vendor", "staff"}
    for email, *_ in DEMO_ACCOUNTS:
        assert client.login(username=email, password=DEMO_PASSWORD), email
        client.logout()
    assert User.objects.filter(email="member0003@demo.test", business__isnull=False).exists()


@pytest.mark.django_db
def test_seed_demo_opens_a_program_for_the_current_roc_year():
    call_command("seed_demo")
    from django.utils import timezone

    program = Program.objects.get()
    today = timezone.localdate()
    assert program.year == today.year - 1911
    assert program.is_open_on(today)
    assert (program.points_per_member, program.activation_months, program.validity_months) == (
        30_000,
        1,
        3,
    )
    assert (program.copay_self_pay_parts, program.copay_points_parts) == (1, 1)
    assert program.categories.count() == 15


@pytest.mark.django_db
def test_run_deadlines_runs_each_configured_sweep_and_prints_what_changed(monkeypatch, capsys):
    monkeypatch.setattr(site_sweeps, "SWEEPS", [mark_sweep])
    call_command("run_deadlines")
    assert "tests.sweeps.mark_sweep: 1 changed" in capsys.readouterr().out
    # Safe to run twice: the second run changes nothing.
    call_command("run_deadlines")
    assert "tests.sweeps.mark_sweep: 0 changed" in capsys.readouterr().out
    assert CalendarDay.objects.filter(date=MARK).count() == 1


@pytest.mark.django_db
def test_run_deadlines_reports_a_failing_sweep_and_still_runs_the_others(monkeypatch, capsys):
    monkeypatch.setattr(
        site_sweeps,
        "SWEEPS",
        [broken_sweep, mark_sweep],
    )
    with pytest.raises(CommandError):
        call_command("run_deadlines")
    assert CalendarDay.objects.filter(date=MARK).exists()


@pytest.mark.django_db
def test_run_deadlines_with_no_sweeps_says_so(capsys, monkeypatch):
    monkeypatch.setattr(site_sweeps, "SWEEPS", [])  # the empty case
    call_command("run_deadlines")
    assert "No deadline sweeps are configured." in capsys.readouterr().out
