from celery import shared_task

from tcloud.site import sweeps


@shared_task(name="tcloud.site.tasks.run_deadlines", ignore_result=True)
def run_deadlines() -> dict[str, int]:
    """Beat's every-minute task: the sweeps of `manage.py run_deadlines`."""
    return {r.name: r.changed for r in sweeps.run_all()}


@shared_task(name="tcloud.site.tasks.ping")
def ping(value: int) -> int:
    """A task with no side effect, for checking that a worker answers."""
    return value + 1
