"""A real Celery worker against Redis runs the beat task end to end."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from tcloud.celery import app
from tcloud.core.models import CalendarDay
from tcloud.site import sweeps as site_sweeps
from tcloud.site import tasks
from tests.sweeps import MARK, mark_sweep


def _forget_backend():
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def real_worker(settings, monkeypatch, transactional_db):
    monkeypatch.setattr(site_sweeps, "SWEEPS", [mark_sweep])
    saved = {k: app.conf[k] for k in ("task_always_eager", "result_backend")}
    app.conf.task_always_eager = False
    app.conf.result_backend = settings.REDIS_URL
    # An eager .delay() in an earlier test caches the app's (disabled) backend.
    _forget_backend()
    app.control.purge()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.update(saved)
        _forget_backend()


@pytest.mark.worker
def test_worker_runs_a_task_over_the_redis_broker(real_worker):
    assert app.conf.broker_url.startswith("redis://")
    assert tasks.ping.delay(41).get(timeout=20) == 42


@pytest.mark.worker
def test_worker_runs_the_beat_deadline_sweep_task(real_worker):
    tasks.run_deadlines.delay()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not CalendarDay.objects.filter(date=MARK).exists():
        time.sleep(0.2)
    assert CalendarDay.objects.filter(date=MARK).exists()


def test_beat_schedule_runs_the_deadline_sweep_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["run-deadlines"]
    assert entry["task"] == tasks.run_deadlines.name
    assert entry["schedule"].run_every.total_seconds() == 60


def test_celery_is_configured_for_json_late_acks_and_time_limits():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
