"""Faults the site must survive (issue: reliability): the broker away when a
change commits, the cache away, a worker killed in the middle of a delivery,
the database connection dropped in the middle of a request.

Real PostgreSQL and Redis throughout; "away" is a port nothing listens on.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core import mail
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from orders.models import Order
from tcloud.celery import app as celery_app
from tcloud.core.models import OutboxMessage
from tcloud.core.outbox import outbox_sweep
from tests.orders.helpers import SIM, accepted, submitted

DEAD = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def broker_down():
    """Tasks really go to the broker (not eagerly), and the broker does not answer."""
    saved = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url")}
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = DEAD
    celery_app._pool = None  # the pool was made for the old address
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        celery_app._pool = None


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_broker_down_an_accept_and_a_payment_commit_answer_2xx_and_email_later(
    member_a, plan, vendor_a, broker_down, django_capture_on_commit_callbacks
):
    order = submitted(member_a, plan)
    mail.outbox.clear()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        accept = _api(vendor_a).post(
            f"/api/v1/vendor/orders/{order.pk}/accept/",
            {"payment_link": "https://pay.example/1"},
            format="json",
        )
    assert accept.status_code == 200, accept.content
    with django_capture_on_commit_callbacks(execute=True):
        paid = _api(vendor_a).post(f"/api/v1/vendor/orders/{order.pk}/confirm-payment/")
    assert paid.status_code == 200, paid.content
    assert time.monotonic() - started < 15  # the broker's absence does not hold the requests
    assert Order.objects.get(pk=order.pk).status == Order.Status.CONFIRMED
    # Committed with the change, not sent: the broker was away.
    keys = set(OutboxMessage.objects.filter(status="pending").values_list("key", flat=True))
    assert {f"order:{order.pk}:accepted", f"order:{order.pk}:confirmed"} <= keys
    assert mail.outbox == []
    # The broker is back: the sweep delivers each message once, and only once.
    assert outbox_sweep(now=timezone.now()) == len(keys)
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == len(keys) and len(set(subjects)) == len(subjects)
    assert outbox_sweep(now=timezone.now()) == 0
    assert len(mail.outbox) == len(keys)


def test_broker_down_a_grant_commits_answers_2xx_and_emails_later(
    member, program, broker_down, django_capture_on_commit_callbacks, time_machine
):
    from tests.orders.conftest import at
    from tests.points.test_assessment import first_answers

    time_machine.move_to(at(2022, 6, 1), tick=False)
    from points.services import assessment_questions_ensure

    assessment_questions_ensure()
    with django_capture_on_commit_callbacks(execute=True):
        response = _api(member).post(
            "/api/v1/assessment/", {"answers": first_answers()}, format="json"
        )
    assert response.status_code == 200, response.content
    assert response.json()["outcome"]["granted"] is True
    message = OutboxMessage.objects.get(key__startswith="grant:")
    assert message.status == "pending" and mail.outbox == []
    assert outbox_sweep(now=timezone.now()) == 1
    assert len(mail.outbox) == 1 and member.email in mail.outbox[0].to


def test_a_failed_delivery_is_retried_later_and_given_up_after_max_attempts(
    member_a, plan, vendor_a, monkeypatch
):
    from tcloud.core import outbox

    accepted(member_a, plan, vendor_a)
    message = OutboxMessage.objects.filter(status="pending").first()
    calls = []

    def smtp_down(msg):
        calls.append(msg.pk)
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr(outbox, "_send", smtp_down)
    now = timezone.now()
    assert outbox.outbox_deliver(message_id=message.pk, now=now) is False
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "SMTP server unreachable" in message.last_error
    # Not due again before its backoff.
    assert outbox.outbox_deliver(message_id=message.pk, now=now) is False and len(calls) == 1
    later = now
    for _ in range(outbox.MAX_ATTEMPTS):
        later += outbox.backoff(99)  # past each backoff
        outbox.outbox_deliver(message_id=message.pk, now=later)
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == outbox.MAX_ATTEMPTS


@override_settings(
    CACHES={
        **settings.CACHES,
        "redis": {**settings.CACHES["redis"], "LOCATION": DEAD},
    }
)
def test_cache_down_pages_and_sign_in_still_work_from_the_database(
    member_a, plan, caplog, settings
):
    from django.core.cache import cache

    settings.CATALOG_PAGE_CACHE_SECONDS = 60
    cache.set("probe", 1)  # goes to the database's cache table
    assert cache.get("probe") == 1
    client = Client()
    assert client.get("/plans/").status_code == 200
    assert client.get(f"/plans/{plan.pk}/").status_code == 200
    from tests.factories import PASSWORD

    login = client.post(
        "/accounts/login/", {"login": member_a.email, "password": PASSWORD}, follow=True
    )
    assert login.status_code == 200 and login.context["user"].is_authenticated
    order = submitted(member_a, plan)
    assert client.get(f"/orders/{order.pk}/").status_code == 200
    assert "Redis unavailable" in caplog.text or "database cache" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_delivering_leaves_the_message_for_one_later_delivery(
    program, categories, broker_down
):
    from tests.catalog.factories import PlanFactory
    from tests.factories import MemberFactory, VendorUserFactory

    plan = PlanFactory(price=60_000, term_months=6)
    vendor = VendorUserFactory(vendor=plan.vendor)
    member = MemberFactory()
    order = submitted(member, plan)
    from orders import services

    services.order_accept(order=order, actor=vendor, payment_link="https://pay.example/1")
    # The broker was away at commit time: the message waits, pending.
    message = OutboxMessage.objects.get(key=f"order:{order.pk}:accepted", status="pending")
    OutboxMessage.objects.exclude(pk=message.pk).update(status="sent", sent_at=timezone.now())
    mail.outbox.clear()

    # A worker process takes the message (its row lock) and hangs in the send.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tcloud.test_settings",
        "TEST_DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
            **{k: connection.settings_dict[k] or "" for k in ("USER", "HOST", "PORT", "NAME")}
        ),
    }
    code = (
        "import django, time; django.setup();"
        "from tcloud.core import outbox;"
        "outbox._send = lambda message: time.sleep(120);"
        f"outbox.outbox_deliver(message_id={message.pk})"
    )
    worker = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR)
    try:
        for _ in range(100):  # until the worker holds the row
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname = 'tcloud_outboxmessage' AND l.mode = 'RowShareLock' "
                    "AND l.pid <> pg_backend_pid()"
                )
                if cursor.fetchone()[0]:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("the worker never took the message")
        # Another sweep meanwhile leaves it alone: never two deliveries at once.
        assert outbox_sweep(now=timezone.now()) == 0 and mail.outbox == []
    finally:
        worker.kill()  # killed between taking and finishing the delivery
        worker.wait()
    message.refresh_from_db()
    assert message.status == "pending"  # its transaction died with it
    assert outbox_sweep(now=timezone.now()) == 1
    assert outbox_sweep(now=timezone.now()) == 0
    assert [m.subject for m in mail.outbox].count(mail.outbox[0].subject) == 1
    assert len(mail.outbox) == 1


def _drop_connection_after_write(monkeypatch):
    """The database goes away after the service has written part of its change."""
    from orders.machines import ORDER

    real_apply = ORDER.apply

    def apply_then_drop(obj, action, **kwargs):
        real_apply(obj, action, **kwargs)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ORDER, "apply", apply_then_drop)


def test_database_dropped_mid_request_api_answers_503_json_and_writes_nothing(
    member_a, plan, vendor_a, monkeypatch
):
    order = submitted(member_a, plan)
    events = order.events.count()
    _drop_connection_after_write(monkeypatch)
    response = _api(vendor_a).post(
        f"/api/v1/vendor/orders/{order.pk}/accept/",
        {"payment_link": "https://pay.example/1"},
        format="json",
    )
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert response["Retry-After"]
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED and order.events.count() == events
    assert not OutboxMessage.objects.filter(key=f"order:{order.pk}:accepted").exists()


def test_database_dropped_mid_request_the_web_shows_a_friendly_page(
    member_a, plan, vendor_a, monkeypatch
):
    order = submitted(member_a, plan)
    _drop_connection_after_write(monkeypatch)
    client = Client(raise_request_exception=False)
    client.force_login(vendor_a)
    response = client.post(
        f"/vendor/orders/{order.pk}/accept/", {"payment_link": "https://pay.example/1"}
    )
    assert response.status_code == 503
    assert "Nothing was changed" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == Order.Status.SUBMITTED


def test_submit_with_the_simulator_code_still_works(member_a, plan):
    # A guard for the fixtures above: the plain path is untouched.
    order = submitted(member_a, plan)
    assert order.status == Order.Status.SUBMITTED and SIM == {"code": "000000"}
