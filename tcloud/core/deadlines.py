"""Running deadline sweeps: the one runner behind beat and `run_deadlines`.

Every deadline of the program (an order's respond/pay/invoice/deliver dates, a
wallet's activation and expiry, a statement's issue day) is a database column.
A sweep is a callable `sweep(*, now) -> int` that finds the rows whose deadline
has passed, applies the rule through a service, and returns how many it changed.
Sweeps must be safe to run twice and in two processes at once. The site layer
lists them (`tcloud.site.sweeps`): the kernel knows no app.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

log = logging.getLogger(__name__)

Sweep = Callable[..., int]


@dataclass(frozen=True)
class SweepResult:
    name: str
    changed: int
    error: str | None = None


def run_sweeps(sweeps: Iterable[Sweep], *, now: dt.datetime | None = None) -> list[SweepResult]:
    """Run each sweep once, in order; a failing sweep is logged and does not stop
    the others (the next run retries it). Results are named by the sweep's
    dotted path."""
    now = now or timezone.now()
    results = []
    for sweep in sweeps:
        name = f"{sweep.__module__}.{sweep.__qualname__}"
        try:
            changed = int(sweep(now=now))
        except Exception as exc:  # noqa: BLE001 - reported, retried next run
            log.exception("deadline sweep %s failed", name)
            results.append(SweepResult(name=name, changed=0, error=repr(exc)))
            continue
        results.append(SweepResult(name=name, changed=changed))
        if changed:
            log.info("deadline sweep %s changed %d", name, changed)
    return results


class InProcessSweeper(threading.Thread):
    """The demo's stand-in for Celery beat: `run` on a timer."""

    def __init__(self, interval: float, run: Callable[[], object]) -> None:
        super().__init__(name="tcloud-sweeper", daemon=True)
        self.interval = interval
        self.run_once = run
        self.stopped = threading.Event()

    def run(self) -> None:
        from django.db import close_old_connections

        while not self.stopped.wait(self.interval):
            close_old_connections()
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - keep the demo's timer alive
                log.exception("in-process deadline sweep failed")
            finally:
                close_old_connections()
