"""Moving an order along its happy path through the services."""

from orders import services
from points.models import LedgerEntry, Wallet

SIM = {"code": "000000"}


def submitted(member, plan):
    order = services.order_create(user=member, plan=plan)
    return services.order_submit(order=order, actor=member, agree_contract=True, verification=SIM)


def accepted(member, plan, vendor):
    order = submitted(member, plan)
    return services.order_accept(order=order, actor=vendor, payment_link="https://pay.example/1")


def confirmed(member, plan, vendor):
    order = accepted(member, plan, vendor)
    return services.order_confirm_payment(order=order, actor=vendor)


def in_service(member, plan, vendor, start):
    order = confirmed(member, plan, vendor)
    return services.order_start_service(order=order, actor=vendor, service_start=start)


def figures(wallet):
    wallet = Wallet.objects.get(pk=wallet.pk)
    return (wallet.available, wallet.held, wallet.spent, wallet.returned_to_program)


def ledger(wallet):
    return list(
        LedgerEntry.objects.filter(wallet=wallet).order_by("pk").values_list("kind", "points")
    )
