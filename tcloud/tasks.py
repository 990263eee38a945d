from celery import shared_task

from tcloud import deadlines


@shared_task(name="tcloud.tasks.run_deadlines", ignore_result=True)
def run_deadlines() -> dict[str, int]:
    """Beat's every-minute task: the sweeps of `manage.py run_deadlines`."""
    return {r.name: r.changed for r in deadlines.run_all()}


@shared_task(name="tcloud.tasks.ping")
def ping(value: int) -> int:
    """A task with no side effect, for checking that a worker answers."""
    return value + 1
