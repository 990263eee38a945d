"""Benchmark: order submissions per second for 1,000 members (issue 6).

Each member holds a 30,000-point wallet and orders a NT$60,000 plan: one
`order_create` plus one `order_submit` (re-authentication through the
simulator, 30,000 points held, an event and a notification queued). Runs once
in one thread and once in four, on a fresh PostgreSQL database, then
reconciles the ledger: every wallet balances, the holds equal the orders'
points, and the program's budget equals what was granted.

    .venv/bin/python bench/orders_submit.py [--members 1000] [--threads 4]

PostgreSQL on 127.0.0.1 (user postgres); the database `tcloud_bench` is
dropped and created; Redis db 9 takes the queued emails (purged after).
Results: bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "tcloud_bench"
os.environ.update(
    DJANGO_SETTINGS_MODULE="tcloud.settings",
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
    EMAIL_URL="memorymail://",
    VERIFICATION_SIMULATOR="true",
    LOG_LEVEL="WARNING",
    # As in production: the emails are queued to Redis for a worker, not sent inline.
    REDIS_URL="redis://127.0.0.1:6379/9",
)


def fresh_database() -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {DB}")
    conn.close()


def setup(members: int):
    import datetime as dt

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from catalog.models import Plan
    from catalog.services import vendor_create
    from members.models import Business, User
    from members.taxid import make_tax_id
    from points.services import category_ensure_all, program_create, wallet_grant

    today = timezone.localdate()
    categories = category_ensure_all()
    program = program_create(
        year=today.year - 1911,
        name="bench",
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=300),
        budget_total=members * 30_000 * 2,
        categories=categories,
    )
    vendor = vendor_create(tax_id=make_tax_id(9_999_001), name="Bench vendor", approved=True)
    plan = Plan.objects.create(
        vendor=vendor,
        category=categories[6],
        name="Bench POS",
        summary="bench",
        price=60_000,
        term_months=6,
        status=Plan.Status.LISTED,
        listed_at=timezone.now(),
        search_text="bench pos",
    )
    password = make_password("bench")
    businesses = Business.objects.bulk_create(
        Business(tax_id=make_tax_id(n), name=f"Bench {n}", kind="company") for n in range(members)
    )
    users = User.objects.bulk_create(
        User(email=f"b{n}@bench.test", password=password, role="member", business=b)
        for n, b in enumerate(businesses)
    )
    for business in businesses:
        wallet_grant(business=business, program=program)
    return program, plan, users


def submit_all(users, plan, threads: int) -> float:
    from django.db import close_old_connections

    from orders.services import order_create, order_submit

    chunks = [users[i::threads] for i in range(threads)]
    errors: list[BaseException] = []

    def work(chunk):
        try:
            for user in chunk:
                order = order_create(user=user, plan=plan)
                order_submit(
                    order=order, actor=user, agree_contract=True, verification={"code": "000000"}
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    start = time.perf_counter()
    workers = [threading.Thread(target=work, args=(c,)) for c in chunks]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return elapsed


def reconcile(program, expected_orders: int) -> str:
    from django.db.models import F, Sum

    from orders.models import Order
    from points.models import LedgerEntry, Program, Wallet

    unbalanced = Wallet.objects.exclude(
        granted=F("available") + F("held") + F("spent") + F("returned_to_program")
    ).count()
    holds = LedgerEntry.objects.filter(kind="hold").aggregate(s=Sum("points"))["s"] or 0
    held = Wallet.objects.aggregate(s=Sum("held"))["s"] or 0
    ordered = Order.objects.filter(status="submitted").aggregate(s=Sum("points_used"))["s"] or 0
    granted = Wallet.objects.aggregate(s=Sum("granted"))["s"] or 0
    program = Program.objects.get(pk=program.pk)
    count = Order.objects.filter(status="submitted").count()
    assert unbalanced == 0, f"{unbalanced} wallets do not balance"
    assert holds == held == ordered, (holds, held, ordered)
    assert count == expected_orders, (count, expected_orders)
    assert program.budget_total - program.budget_available == granted
    return (
        f"{count} orders submitted; holds {holds:,} = wallets held {held:,} = orders' "
        f"points {ordered:,}; all wallets balance; budget used {granted:,} = granted"
    )


def run(members: int, threads: int) -> list[str]:
    import django
    from django.core.management import call_command
    from django.db import connection

    lines = []
    for n_threads in (1, threads):
        fresh_database()
        if not django.apps.apps.ready:
            django.setup()
        connection.close()
        call_command("migrate", verbosity=0)
        program, plan, users = setup(members)
        elapsed = submit_all(users, plan, n_threads)
        check = reconcile(program, members)
        lines.append(
            f"| {members:,} | {n_threads} | {elapsed:.2f} s | {members / elapsed:.0f} | {check} |"
        )
        print(lines[-1], flush=True)
        connection.close()
    from tcloud.celery import app

    app.control.purge()  # the queued emails: no worker runs here
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    run(args.members, args.threads)
