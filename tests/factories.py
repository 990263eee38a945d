import datetime as dt

import factory
from allauth.account.models import EmailAddress

from catalog.models import Vendor
from members.models import Business, User
from members.taxid import make_tax_id
from points.models import Program

PASSWORD = "a-Long-test-passw0rd"


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    tax_id = factory.Sequence(lambda n: make_tax_id(100_000 + n))
    name = factory.Sequence(lambda n: f"測試企業 {n} 有限公司")
    kind = Business.Kind.COMPANY


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    tax_id = factory.Sequence(lambda n: make_tax_id(200_000 + n))
    name = factory.Sequence(lambda n: f"雲端廠商 {n} 股份有限公司")
    status = Vendor.Status.APPROVED


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    role = User.Role.MEMBER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create:
            EmailAddress.objects.create(user=obj, email=obj.email, primary=True, verified=True)


class MemberFactory(UserFactory):
    role = User.Role.MEMBER
    business = factory.SubFactory(BusinessFactory)


class VendorUserFactory(UserFactory):
    role = User.Role.VENDOR
    vendor = factory.SubFactory(VendorFactory)


class StaffFactory(UserFactory):
    role = User.Role.STAFF
    is_staff = True
    is_superuser = True


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("year",)

    year = 111
    name = "111年度補助專區"
    opens_on = dt.date(2022, 1, 3)
    closes_on = dt.date(2022, 12, 31)
    budget_total = 3_000_000
    budget_available = factory.SelfAttribute("budget_total")
    prior_grant_cutoff = dt.date(2022, 1, 3)
