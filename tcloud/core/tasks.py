from celery import shared_task

from tcloud.core.outbox import outbox_deliver


@shared_task(name="tcloud.core.tasks.deliver_outbox_message", ignore_result=True, acks_late=True)
def deliver_outbox_message(message_id: int) -> bool:
    """Send one outbox message; safe to run twice (the row says whether it went)."""
    return outbox_deliver(message_id=message_id)
