"""Staff change programs and expert requests in the admin: a change the rules
refuse is shown as an error only (never an HTTP 500, never "changed
successfully"), and nothing changes (RULES P1, P2, T1)."""

import pytest
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from points.models import ExpertRequest, ExpertRequestEvent, Program
from points.services import expert_request_cancel, expert_request_create
from tcloud.core.errors import RuleError

pytestmark = pytest.mark.django_db


def _levels(response) -> list[int]:
    return [m.level for m in get_messages(response.wsgi_request)]


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


# --- Programs: the budget cannot drop below what was granted (P2) ------------


def _program_form(program, **overrides) -> dict:
    data = {
        "name": program.name,
        "opens_on": "2022-01-03",
        "closes_on": "2022-12-31",
        "points_per_member": 30000,
        "activation_months": 1,
        "validity_months": 3,
        "copay_self_pay_parts": 1,
        "copay_points_parts": 1,
        "prior_grant_cutoff": "2022-01-03",
        "budget_total": program.budget_total,
        "categories": [],
    }
    data.update(overrides)
    return data


def _program_state(program):
    program.refresh_from_db()
    return (
        program.name,
        program.budget_total,
        program.budget_available,
        program.points_per_member,
        program.categories.count(),
    )


def test_P2_admin_budget_below_granted_is_a_form_error_and_changes_nothing(staff_client, program):
    Program.objects.filter(pk=program.pk).update(budget_available=1_000_000)  # 2,000,000 granted
    before = _program_state(program)
    url = f"/admin/points/program/{program.pk}/change/"
    response = staff_client.post(
        url,
        _program_form(program, name="改名的計畫", points_per_member=25000, budget_total=1_999_999),
    )
    assert response.status_code == 200  # the form again, not a 500 nor a redirect
    errors = response.context["adminform"].form.errors
    assert "budget_total" in errors and "2,000,000" in errors["budget_total"][0]
    assert messages.SUCCESS not in _levels(response)
    assert _program_state(program) == before
    assert not LogEntry.objects.exists()


def test_P2_admin_budget_down_to_exactly_what_was_granted_is_saved(staff_client, program):
    Program.objects.filter(pk=program.pk).update(budget_available=1_000_000)  # 2,000,000 granted
    url = f"/admin/points/program/{program.pk}/change/"
    response = staff_client.post(url, _program_form(program, budget_total=2_000_000))
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.budget_total, program.budget_available) == (2_000_000, 0)


def test_P2_admin_refusal_while_saving_shows_only_the_error_and_changes_nothing(
    staff_client, program, monkeypatch
):
    # A grant between the form's check and the save: the service refuses then.
    def refused(**kwargs):
        raise ValidationError({"budget_total": "The budget cannot be less than ..."})

    monkeypatch.setattr("points.admin.program_update", refused)
    before = _program_state(program)
    url = f"/admin/points/program/{program.pk}/change/"
    response = staff_client.post(url, _program_form(program, name="改名的計畫"))
    assert response.status_code == 302 and response["Location"] == url
    assert _levels(response) == [messages.ERROR]
    assert _program_state(program) == before
    assert not LogEntry.objects.exists()


# --- Expert requests: a refused step is only an error (T1) ---------------------


def _step(**overrides) -> dict:
    data = {
        "step": "",
        "new_expert": "",
        "when": "",
        "step_note": "",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def _request_state(request):
    request.refresh_from_db()
    return (request.status, request.expert, request.assigned_to_id, request.events.count())


def test_T1_admin_refused_expert_step_shows_only_the_error_and_changes_nothing(
    staff_client, member, staff_user
):
    request = expert_request_create(user=member, kind="call")
    expert_request_cancel(request=request, actor=staff_user)
    before = _request_state(request)
    url = f"/admin/points/expertrequest/{request.pk}/change/"
    response = staff_client.post(url, _step(step="assign", new_expert="陳專家"))
    assert response.status_code == 200
    assert "step" in response.context["adminform"].form.errors
    assert messages.SUCCESS not in _levels(response)
    assert _request_state(request) == before
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize(
    ("step", "field"),
    [("assign", "new_expert"), ("schedule", "when")],
    ids=["no-expert", "no-when"],
)
def test_T1_admin_expert_step_missing_its_detail_is_a_form_error(
    staff_client, member, staff_user, step, field
):
    request = expert_request_create(user=member, kind="call")
    if step == "schedule":
        from points.services import expert_request_assign

        expert_request_assign(request=request, actor=staff_user, expert="陳專家")
    before = _request_state(request)
    url = f"/admin/points/expertrequest/{request.pk}/change/"
    response = staff_client.post(url, _step(step=step))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert messages.SUCCESS not in _levels(response)
    assert _request_state(request) == before


def test_T1_admin_expert_step_refused_while_saving_shows_only_the_error(
    staff_client, member, monkeypatch
):
    # Someone else moved the request between the form's check and the save.
    def refused(**kwargs):
        raise RuleError("A request that is Cancelled cannot become Expert assigned.")

    monkeypatch.setattr("points.services.expert_request_assign", refused)
    request = expert_request_create(user=member, kind="call")
    before = _request_state(request)
    url = f"/admin/points/expertrequest/{request.pk}/change/"
    response = staff_client.post(url, _step(step="assign", new_expert="陳專家"))
    assert response.status_code == 302 and response["Location"] == url
    stored = list(get_messages(response.wsgi_request))
    assert [m.level for m in stored] == [messages.ERROR]
    assert "cannot become" in stored[0].message
    assert _request_state(request) == before
    assert ExpertRequestEvent.objects.filter(request=request).count() == 1
    assert ExpertRequest.objects.get(pk=request.pk).status == "requested"
    assert not LogEntry.objects.exists()
