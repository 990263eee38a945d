"""Demo data: an open program, the categories, and a demo account of each role.

Idempotent: running it again changes nothing that is already there. Later
features add their data here (plans, points, orders).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from catalog import demo as catalog_demo
from catalog.models import Vendor
from catalog.services import vendor_create
from members import demo as members_demo
from members.demo import DEMO_PASSWORD
from members.models import Business, User
from members.services import business_create, user_create
from members.taxid import make_tax_id
from orders import demo as orders_demo
from points import demo as points_demo
from points.models import Category, Program
from points.services import category_ensure_all, program_create
from refunds.settlement import demo as settlement_demo

DEMO_BUDGET = 300_000_000  # points: enough for 10,000 members

# (email, role, business tax ID, business name, business kind, what it shows)
DEMO_ACCOUNTS = [
    ("staff@demo.test", "staff", None, None, None, "program staff (Django admin)"),
    ("vendor@demo.test", "vendor", None, None, None, "vendor user of 雲端好夥伴股份有限公司"),
    (
        "member@demo.test",
        "member",
        "04702088",
        "好日子烘焙坊有限公司",
        "company",
        "member of a company already holding points",
    ),
    (
        "eligible@demo.test",
        "member",
        "00651474",
        "青山五金行",
        "company",
        "eligible member without points yet",
    ),
    (
        "taxreg@demo.test",
        "member",
        "00238778",
        "小巷咖啡(稅籍登記)",
        "tax_registered",
        "tax-registered business waiting for staff review",
    ),
    (
        "ineligible@demo.test",
        "member",
        "22099131",
        "大洋外商台灣分公司",
        "company",
        "ineligible business (branch of a foreign company)",
    ),
    (
        "buyer@demo.test",
        "member",
        "71179190",
        "晨光早餐店有限公司",
        "company",
        "member with settled orders: one paid, one on a draft statement, one to confirm",
    ),
]
DEMO_VENDOR = ("24536806", "雲端好夥伴股份有限公司")


class Command(BaseCommand):
    help = "Create the demo program, categories and accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=0, help="add N eligible members")
        parser.add_argument("--plans", type=int, default=0, help="add N plans (load tests)")

    @transaction.atomic
    def handle(self, *args, members: int, plans: int, **options):
        categories = category_ensure_all()
        program = self._program(categories)
        vendor = self._vendor()
        for email, role, tax_id, name, kind, _what in DEMO_ACCOUNTS:
            business = self._business(tax_id, name, kind) if tax_id else None
            self._user(email, role, business=business, vendor=vendor if role == "vendor" else None)
        password_hash = make_password(DEMO_PASSWORD) if members else None
        for n in range(1, members + 1):
            business = self._business(make_tax_id(n), f"示範企業 {n:04d} 有限公司", "company")
            self._user(
                f"member{n:04d}@demo.test", "member", business=business, password_hash=password_hash
            )
        # Each app adds its own demo data, in dependency order.
        for demo in (members_demo, catalog_demo, points_demo, orders_demo, settlement_demo):
            demo.seed(command=self, members=members, plans=plans)

        self.stdout.write(
            self.style.SUCCESS(f"Program {program}: open {program.opens_on} to {program.closes_on}")
        )
        self.stdout.write(f"{Category.objects.count()} categories, {User.objects.count()} users")
        self.stdout.write(f"Demo accounts (password {DEMO_PASSWORD}):")
        for email, _r, _t, _n, _k, what in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<24} {what}")
        self.stdout.write(
            f"  {catalog_demo.SECOND_VENDOR_EMAIL:<24} vendor user of 掌櫃科技有限公司"
        )

    def _program(self, categories) -> Program:
        today = timezone.localdate()
        year = today.year - 1911
        existing = Program.objects.filter(year=year).first()
        if existing:
            return existing
        return program_create(
            year=year,
            name=f"{year}年度補助專區",
            opens_on=dt.date(today.year, 1, 1),
            closes_on=dt.date(today.year, 12, 31),
            budget_total=DEMO_BUDGET,
            prior_grant_cutoff=dt.date(today.year, 1, 1),
            categories=categories,
        )

    def _vendor(self) -> Vendor:
        tax_id, name = DEMO_VENDOR
        return Vendor.objects.filter(tax_id=tax_id).first() or vendor_create(
            tax_id=tax_id, name=name, approved=True
        )

    def _business(self, tax_id: str, name: str, kind: str) -> Business:
        return Business.objects.filter(tax_id=tax_id).first() or business_create(
            tax_id=tax_id, name=name, kind=kind
        )

    def _user(self, email, role, *, business=None, vendor=None, password_hash=None) -> User:
        return User.objects.filter(email=email).first() or user_create(
            email=email,
            password=None if password_hash else DEMO_PASSWORD,
            password_hash=password_hash,
            superuser=role == "staff",
            role=role,
            business=business,
            vendor=vendor,
            email_verified=True,
        )
