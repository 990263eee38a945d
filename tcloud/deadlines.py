"""Running the deadline sweeps: the one code path behind beat and run_deadlines.

Every deadline of the program (an order's respond/pay/invoice/deliver dates, a
wallet's activation and expiry) is a database column. A sweep is a callable
`sweep(*, now) -> int` that finds the rows whose deadline has passed, applies the
rule through a service, and returns how many it changed. Sweeps must be safe to
run twice and in two processes at once. `settings.TCLOUD_SWEEPS` lists them.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    name: str
    changed: int
    error: str | None = None


def run_all(*, now: dt.datetime | None = None) -> list[SweepResult]:
    """Run every configured sweep once, in order; a failing sweep is logged and
    does not stop the others (the next run retries it)."""
    now = now or timezone.now()
    results = []
    for path in settings.TCLOUD_SWEEPS:
        sweep = import_string(path)
        try:
            changed = int(sweep(now=now))
        except Exception as exc:  # noqa: BLE001 - reported, retried next run
            log.exception("deadline sweep %s failed", path)
            results.append(SweepResult(name=path, changed=0, error=repr(exc)))
            continue
        results.append(SweepResult(name=path, changed=changed))
        if changed:
            log.info("deadline sweep %s changed %d", path, changed)
    return results


class InProcessSweeper(threading.Thread):
    """The demo's stand-in for Celery beat: the same sweeps on a timer."""

    def __init__(self, interval: float) -> None:
        super().__init__(name="tcloud-sweeper", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        from django.db import close_old_connections

        while not self.stopped.wait(self.interval):
            close_old_connections()
            try:
                run_all()
            except Exception:  # noqa: BLE001 - keep the demo's timer alive
                log.exception("in-process deadline sweep failed")
            finally:
                close_old_connections()
