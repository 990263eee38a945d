from django.contrib.auth import forms as auth_forms

from members.models import User


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "role")


class AdminUserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


# --- registration wizard (RULES M6) -------------------------------------------

from django import forms  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from tcloud.core.forms import DateField  # noqa: E402
from tcloud.core.validators import NOTE_MAX_LENGTH  # noqa: E402


class BootstrapForm(forms.Form):
    """Gives the widgets Bootstrap's classes (the wizard's templates render fields one by one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            else:
                widget.attrs.setdefault("class", "form-control")


class TaxIdForm(forms.Form):
    tax_id = forms.CharField(
        label=_("Tax ID (統一編號)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class MethodForm(BootstrapForm):
    method = forms.ChoiceField(label=_("Verification method"), widget=forms.RadioSelect)
    national_id = forms.CharField(
        label=_("Representative's national ID"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    representative_name = forms.CharField(
        label=_("Representative's name (as on the citizen certificate)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Representative's mobile number"), max_length=20, required=False
    )
    roc_national = forms.BooleanField(
        label=_("The representative is a national of the Republic of China (Taiwan)."),
        required=False,
    )
    postpaid = forms.BooleanField(
        label=_("The number is a postpaid (monthly-plan) number."), required=False
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = choices


class ProofForm(BootstrapForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    challenge = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    certificate = forms.CharField(
        label=_("Certificate (PEM)"),
        required=False,
        max_length=16_384,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    signature = forms.CharField(
        label=_("Signature (base64)"),
        required=False,
        max_length=4_096,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclarationsForm(forms.Form):
    data_query = forms.BooleanField(
        label=_(
            "I authorise the program to query the business's registration, tax and "
            "subsidy records to check its eligibility."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        from members.eligibility import DECLARATION_KEYS, declaration_texts

        super().__init__(*args, **kwargs)
        texts = declaration_texts()
        for key in DECLARATION_KEYS:
            self.fields[f"decl_{key}"] = forms.BooleanField(label=texts[key], required=False)

    def declarations(self) -> dict[str, bool]:
        from members.eligibility import DECLARATION_KEYS

        return {key: bool(self.cleaned_data.get(f"decl_{key}")) for key in DECLARATION_KEYS}


class ConsentForm(forms.Form):
    personal_data = forms.BooleanField(
        label=_(
            "I have read the notice above and consent to the collection and use of this "
            "personal data for the program."
        ),
        required=False,
    )


class AccountForm(BootstrapForm):
    email = forms.EmailField(label=_("Email (your sign-in)"), max_length=254)
    name = forms.CharField(label=_("Contact person"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False))
    password2 = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(render_value=False)
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class EmailCodeForm(BootstrapForm):
    code = forms.CharField(
        label=_("Code from the email"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ReviewDecisionForm(forms.ModelForm):
    """The admin's review form: approve or reject with a reason (M5)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[("", "—"), ("approve", _("Approve")), ("reject", _("Reject"))],
    )
    reason = forms.CharField(
        label=_("Reason (sent to the member)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        from members.models import TaxRegisteredReview

        model = TaxRegisteredReview
        fields: list[str] = []

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the rejection; the member reads it."))
        return data


class ListImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    source = forms.CharField(label=_("Source"), max_length=200)
    listed_on = DateField(
        label=_("Date of the list"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
