"""Order emails: to the party who must act next, with its deadline."""

from celery import shared_task

from orders import notifications


@shared_task(name="orders.send_order_email", ignore_result=True)
def send_order_email(order_id: int, kind: str) -> None:
    """Send the `kind` email of an order once; a rerun sends nothing."""
    notifications.order_email_send(order_id=order_id, kind=kind)
