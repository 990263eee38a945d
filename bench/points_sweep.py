"""Benchmark: one deadline sweep (RULES T3, T4) over 10,000 and 100,000 due wallets.

Run:  TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/tcloud_bench \\
      .venv/bin/python bench/points_sweep.py [--sizes 10000 100000]

It creates (or reuses) the test database `test_<name>` with the migrations,
bulk-creates businesses and due wallets with their grant entries in SQL, then
times `points.sweeps.expire_due` and `points.sweeps.revoke_unused` once each
per size. The goal (issue 4): 100,000 wallets in under 20 s, growing linearly.
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

GRANTED = dt.datetime(2022, 3, 10, 10, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2022, 7, 1, 0, 0, tzinfo=dt.UTC)


def prepare_db() -> None:
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True)


def ensure_businesses(n: int) -> list[int]:
    from members.models import Business

    have = Business.objects.filter(name__startswith="bench ").count()
    if have < n:
        Business.objects.bulk_create(
            [
                Business(tax_id=f"{90_000_000 + i:08d}"[-8:], name=f"bench {i}", kind="company")
                for i in range(have, n)
            ],
            batch_size=10_000,
        )
    return list(
        Business.objects.filter(name__startswith="bench ")
        .order_by("pk")
        .values_list("pk", flat=True)[:n]
    )


def ensure_program():
    from points.models import Program

    program, _ = Program.objects.get_or_create(
        year=199,
        defaults=dict(
            name="bench",
            opens_on=dt.date(2022, 1, 1),
            closes_on=dt.date(2022, 12, 31),
            budget_total=10**12,
            budget_available=10**12 - 30_000 * 200_000,
        ),
    )
    return program


def load(program, n: int, *, used: bool) -> None:
    """n active, due wallets (30,000 points each) and their grant entries, in SQL."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE points_ledgerentry, points_wallet RESTART IDENTITY CASCADE")
        cursor.execute(
            """
            INSERT INTO points_wallet (business_id, program_id, status, granted, available, held,
                spent, returned_to_program, grants, granted_at,
                activation_deadline, expires_at, first_used_at, updated_at)
            SELECT b.id, %(program)s, 'active', 30000, 30000, 0, 0, 0, 1, %(granted)s,
                %(granted)s + interval '1 month', %(granted)s + interval '3 months',
                CASE WHEN %(used)s THEN %(granted)s END, %(granted)s
            FROM (SELECT id FROM members_business WHERE name LIKE 'bench %%'
                  ORDER BY id LIMIT %(n)s) AS b
            """,
            {"program": program.pk, "granted": GRANTED, "used": used, "n": n},
        )
        cursor.execute(
            """
            INSERT INTO points_ledgerentry (wallet_id, kind, points, to_program, reason,
                idempotency_key, created_at)
            SELECT id, 'grant', 30000, FALSE, 'bench', 'grant:' || id || ':1', granted_at
            FROM points_wallet
            """
        )
        cursor.execute(
            "UPDATE points_program SET budget_available = %s WHERE id = %s",
            [10**12 - 30_000 * n, program.pk],
        )
        cursor.execute("ANALYZE points_wallet; ANALYZE points_ledgerentry")


def run(sizes: list[int]) -> list[tuple[str, int, float, int]]:
    from points import sweeps
    from points.models import Program

    program = ensure_program()
    ensure_businesses(max(sizes))
    rows = []
    for name, sweep, used in (
        ("expire_due (T4)", sweeps.expire_due, True),
        ("revoke_unused (T3)", sweeps.revoke_unused, False),
    ):
        for n in sizes:
            load(program, n, used=used)
            started = time.perf_counter()
            changed = sweep(now=NOW)
            elapsed = time.perf_counter() - started
            assert changed == n, (changed, n)
            assert Program.objects.get(pk=program.pk).budget_available == 10**12
            assert sweep(now=NOW) == 0  # the second run finds nothing
            rows.append((name, n, elapsed, changed))
            print(
                f"{name:<20} {n:>8,} wallets  {elapsed:6.2f} s  {elapsed / n * 1e6:6.1f} µs/wallet",
                flush=True,
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", action="store_true", help="keep the test database")
    args = parser.parse_args()
    prepare_db()
    try:
        run(args.sizes)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE points_ledgerentry, points_wallet RESTART IDENTITY CASCADE")


if __name__ == "__main__":
    main()
