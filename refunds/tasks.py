from celery import shared_task

from refunds import notifications


@shared_task(name="refunds.send_refund_email", ignore_result=True)
def send_refund_email(refund_id: int, kind: str) -> None:
    """Send the `kind` email of a refund once; a rerun sends nothing."""
    notifications.refund_email_send(refund_id=refund_id, kind=kind)
