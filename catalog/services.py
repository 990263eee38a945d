"""Write paths of the catalog app."""

from django.db import transaction

from catalog.categories import CATEGORIES
from catalog.models import Category, Vendor


@transaction.atomic
def category_ensure_all() -> list[Category]:
    """Create or rename the 15 categories to match `CATEGORIES`; idempotent."""
    result = []
    for position, (code, name_zh, name_en) in enumerate(CATEGORIES, start=1):
        category, _ = Category.objects.update_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en, "position": position}
        )
        result.append(category)
    return result


@transaction.atomic
def vendor_create(*, tax_id: str, name: str, approved: bool = False) -> Vendor:
    """Register a vendor (the application flow arrives with the catalog issue)."""
    vendor = Vendor(
        tax_id=tax_id,
        name=name,
        status=Vendor.Status.APPROVED if approved else Vendor.Status.PENDING,
    )
    vendor.full_clean()
    vendor.save()
    return vendor
