from celery import shared_task


@shared_task(name="points.tasks.send_grant_email", ignore_result=True)
def send_grant_email(wallet_id: int) -> bool:
    """The "you can start buying" email (T1); idempotent per grant."""
    from points.services import wallet_notify_granted

    return wallet_notify_granted(wallet_id=wallet_id)
