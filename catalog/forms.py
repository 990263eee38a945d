"""Forms of the catalog app: they parse input; services do the writing."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from catalog.models import Plan
from catalog.selectors import SORTS
from members.taxid import tax_id_problem
from points.models import Category
from tcloud.core.forms import limit_lengths
from tcloud.core.validators import LONG_TEXT_MAX_LENGTH, NOTE_MAX_LENGTH


class VendorApplicationForm(forms.Form):
    tax_id = forms.CharField(label=_("Tax ID (統一編號)"), max_length=8, min_length=1)
    name = forms.CharField(label=_("Company name"), max_length=200)
    representative = forms.CharField(label=_("Representative"), max_length=100)
    address = forms.CharField(label=_("Registered address"), max_length=300)
    phone = forms.CharField(label=_("Company phone"), max_length=30)
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )
    description = forms.CharField(
        label=_("About the company"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    contact_email = forms.EmailField(label=_("Contact email"), max_length=254)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    bank_code = forms.RegexField(
        label=_("Bank code"),
        regex=r"^[0-9]{3}$",
        max_length=3,
        error_messages={"invalid": _("A bank code has 3 digits, e.g. 812.")},
    )
    bank_branch = forms.CharField(label=_("Bank branch"), max_length=100)
    bank_account_name = forms.CharField(label=_("Account holder"), max_length=200)
    bank_account_number = forms.RegexField(
        label=_("Account number"),
        regex=r"^[0-9]{10,16}$",
        max_length=16,
        error_messages={"invalid": _("An account number has 10 to 16 digits.")},
    )
    admin_name = forms.CharField(label=_("Your name"), max_length=150)
    admin_email = forms.EmailField(label=_("Your email (sign-in)"), max_length=254)
    admin_password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    def clean_tax_id(self):
        value = self.cleaned_data["tax_id"].strip()
        problem = tax_id_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_admin_password(self):
        value = self.cleaned_data["admin_password"]
        validate_password(value)
        return value


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email"), max_length=254)


class InvitationAcceptForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    def clean_password(self):
        value = self.cleaned_data["password"]
        validate_password(value)
        return value


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "category",
            "name",
            "summary",
            "description",
            "specification",
            "price",
            "term_months",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "specification": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, listed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("position")
        limit_lengths(self, description=LONG_TEXT_MAX_LENGTH, specification=LONG_TEXT_MAX_LENGTH)
        if listed:
            # A listed plan keeps its category (its orders and zone depend on it).
            self.fields["category"].disabled = True


class CatalogFilterForm(forms.Form):
    """The catalog's query string; bad values are ignored, never an error page."""

    q = forms.CharField(required=False, max_length=100, label=_("Search"))
    category = forms.SlugField(required=False)
    vendor = forms.IntegerField(required=False, min_value=1)
    min_price = forms.IntegerField(required=False, min_value=0, label=_("Price from"))
    max_price = forms.IntegerField(required=False, min_value=0, label=_("to"))
    term = forms.IntegerField(required=False, min_value=1, max_value=60)
    subsidy = forms.BooleanField(required=False)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS])
    page = forms.IntegerField(required=False, min_value=1)

    def filters(self) -> dict:
        data = (
            self.cleaned_data
            if self.is_valid()
            else {
                k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors
            }
        )
        return {
            "q": data.get("q") or "",
            "category": data.get("category") or None,
            "vendor": data.get("vendor"),
            "min_price": data.get("min_price"),
            "max_price": data.get("max_price"),
            "term_months": data.get("term"),
            "subsidy": True if data.get("subsidy") else None,
            "sort": data.get("sort") or "newest",
        }


class ReviewForm(forms.Form):
    """Staff's decision on a vendor, plan or plan change (admin)."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note to the vendor"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=NOTE_MAX_LENGTH,
    )

    def __init__(self, *args, decisions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = decisions
