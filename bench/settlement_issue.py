"""Benchmark: issuing a month's statements (RULES S3) for many vendors and orders.

Run:  TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tcloud_bench_settle \\
      .venv/bin/python bench/settlement_issue.py [--vendors 1000] [--sizes 10000 100000]

It creates (or reuses) the test database `test_<name>` with the migrations,
makes `--vendors` approved vendors with one plan each and one buyer per vendor,
then for each size bulk-inserts that many payable orders (spread evenly over the
vendors, 1 in 20 with a part refund before stating) in SQL and times one
`refunds.settlement.services.statements_issue` for the month. Each run checks
that every order is stated once, the totals add up, and a second issue changes
nothing. The goal (issue 13): 10× the orders in at most 11× the time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tcloud.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

PERIOD = dt.date(2022, 5, 1)
PAYABLE_AT = dt.datetime(2022, 5, 20, 2, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2022, 6, 1, 2, 0, tzinfo=dt.UTC)
PRICE = 20_000  # points 10,000 and self-pay 10,000 (O9 1:1)


def prepare_db() -> None:
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)


def ensure_world(vendors: int):
    """`vendors` vendors with a plan each, one buyer (business, user, wallet) per vendor."""
    from catalog.models import Plan, Vendor
    from members.models import Business, User
    from points.models import Category, Program, Wallet

    program, _ = Program.objects.get_or_create(
        year=198,
        defaults=dict(
            name="settlement bench",
            opens_on=dt.date(2022, 1, 1),
            closes_on=dt.date(2022, 12, 31),
            budget_total=10**12,
            budget_available=10**12,
        ),
    )
    category = Category.objects.order_by("pk").first() or Category.objects.create(
        code="bench", name="bench", order=1
    )
    have = Vendor.objects.filter(name__startswith="bench vendor ").count()
    if have < vendors:
        Vendor.objects.bulk_create(
            [
                Vendor(
                    tax_id=f"{80_000_000 + i:08d}", name=f"bench vendor {i:05d}", status="approved"
                )
                for i in range(have, vendors)
            ]
        )
    vendor_ids = list(
        Vendor.objects.filter(name__startswith="bench vendor ")
        .order_by("pk")
        .values_list("pk", flat=True)[:vendors]
    )
    with_plan = set(
        Plan.objects.filter(vendor_id__in=vendor_ids).values_list("vendor_id", flat=True)
    )
    Plan.objects.bulk_create(
        [
            Plan(
                vendor_id=v,
                category=category,
                name=f"bench plan {v}",
                price=PRICE,
                term_months=12,
                status="listed",
                listed_at=PAYABLE_AT,
            )
            for v in vendor_ids
            if v not in with_plan
        ]
    )
    have = Business.objects.filter(name__startswith="bench buyer ").count()
    if have < vendors:
        Business.objects.bulk_create(
            [
                Business(
                    tax_id=f"{70_000_000 + i:08d}", name=f"bench buyer {i:05d}", kind="company"
                )
                for i in range(have, vendors)
            ]
        )
        User.objects.bulk_create(
            [User(email=f"bench-buyer-{i}@bench.test") for i in range(have, vendors)],
            ignore_conflicts=True,
        )
    business_ids = list(
        Business.objects.filter(name__startswith="bench buyer ")
        .order_by("pk")
        .values_list("pk", flat=True)[:vendors]
    )
    with_wallet = set(
        Wallet.objects.filter(program=program, business_id__in=business_ids).values_list(
            "business_id", flat=True
        )
    )
    Wallet.objects.bulk_create(
        [
            Wallet(
                business_id=b,
                program=program,
                status="active",
                granted=10**9,
                available=10**9,
                grants=1,
                granted_at=PAYABLE_AT,
                activation_deadline=NOW,
                expires_at=NOW,
            )
            for b in business_ids
            if b not in with_wallet
        ]
    )
    return program


def load(program, n: int, vendors: int) -> None:
    """n payable orders over the vendors (order i goes to vendor i mod vendors),
    every 20th refunded in part before stating; nothing stated yet."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE settlement_statementevent, settlement_statementline, settlement_statement,"
            " settlement_statementrun, refunds_refundevent, refunds_refund, orders_orderevent,"
            " orders_order, tcloud_outboxmessage RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            """
            WITH v AS (
                SELECT row_number() OVER (ORDER BY id) - 1 AS i, id FROM catalog_vendor
                WHERE name LIKE 'bench vendor %%' ORDER BY id LIMIT %(vendors)s),
            p AS (SELECT DISTINCT ON (vendor_id) vendor_id, id FROM catalog_plan
                  ORDER BY vendor_id, id),
            w AS (
                SELECT row_number() OVER (ORDER BY b.id) - 1 AS i, b.id AS business_id, w.id
                FROM members_business b JOIN points_wallet w ON w.business_id = b.id
                WHERE b.name LIKE 'bench buyer %%' AND w.program_id = %(program)s
                ORDER BY b.id LIMIT %(vendors)s),
            u AS (SELECT min(id) AS id FROM members_user WHERE email LIKE 'bench-buyer-%%')
            INSERT INTO orders_order (plan_name, term_months, price, points_used, self_pay,
                status, contract_version, payment_link, payment_options, invoice_number,
                invoice_late, delivery_late, problem_open, created_at, updated_at,
                business_id, placed_by_id, plan_id, vendor_id, wallet_id,
                submitted_at, paid_at, invoice_issued_on, service_start, service_end,
                service_confirmed_at, payable_at)
            SELECT 'bench plan', 12, %(price)s, %(price)s / 2, %(price)s / 2,
                'in_service', 'v1', '', '', 'AB' || lpad(g::text, 8, '0'),
                FALSE, FALSE, FALSE, %(at)s, %(at)s,
                w.business_id, u.id, p.id, v.id, w.id,
                %(at)s, %(at)s, %(day)s, %(day)s, %(day)s + 365,
                %(at)s, %(at)s
            FROM generate_series(0, %(n)s - 1) AS g
            JOIN v ON v.i = g %% %(vendors)s
            JOIN w ON w.i = g %% %(vendors)s
            JOIN p ON p.vendor_id = v.id
            CROSS JOIN u
            """,
            {
                "vendors": vendors,
                "program": program.pk,
                "price": PRICE,
                "n": n,
                "at": PAYABLE_AT,
                "day": PAYABLE_AT.date(),
            },
        )
        assert cursor.rowcount == n, cursor.rowcount
        cursor.execute(
            """
            INSERT INTO refunds_refund (order_id, status, reason, cancelled_on, term_months,
                used_months, over_half, self_pay_refund, points_returned, points_to_wallet,
                points_to_program, created_at)
            SELECT id, 'owed', 'bench', %(day)s, 12, 1, FALSE, 1000, 1000, 1000, 0, %(at)s
            FROM orders_order WHERE id %% 20 = 0
            """,
            {"at": PAYABLE_AT, "day": PAYABLE_AT.date()},
        )
        cursor.execute(
            "ANALYZE orders_order; ANALYZE refunds_refund; ANALYZE settlement_statementline"
        )


def run(vendors: int, sizes: list[int]) -> None:
    from refunds.settlement.models import Statement, StatementLine
    from refunds.settlement.services import statements_issue

    program = ensure_world(vendors)
    for n in sizes:
        load(program, n, vendors)
        started = time.perf_counter()
        result = statements_issue(period=PERIOD, now=NOW)
        elapsed = time.perf_counter() - started
        assert result.lines == n, (result.lines, n)
        assert result.created == min(vendors, n), result
        assert StatementLine.objects.count() == n
        refunded = n // 20  # order ids 20, 40, ... of 1..n
        want = n * PRICE // 2 - refunded * 1000
        got = sum(Statement.objects.values_list("total", flat=True))
        assert got == want, (got, want)
        again = statements_issue(period=PERIOD, now=NOW)
        assert again.lines == 0 and again.created == 0, again
        print(
            f"statements_issue  {min(vendors, n):>6,} vendors  {n:>8,} orders  "
            f"{elapsed:6.2f} s  {elapsed / n * 1e6:6.1f} µs/order",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vendors", type=int, default=1_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    prepare_db()
    run(args.vendors, args.sizes)


if __name__ == "__main__":
    main()
