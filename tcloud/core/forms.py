"""Form fields and helpers every app's pages and admin share (tcloud.core.validators)."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models

from tcloud.core.validators import EARLIEST_DATE, LATEST_DATE, date_in_range


class DateField(forms.DateField):
    """A date between 1911 and 2200; the browser's picker is bounded too."""

    default_validators = [date_in_range]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "date":
            attrs.update(min=EARLIEST_DATE.isoformat(), max=LATEST_DATE.isoformat())
        return attrs


class DateTimeField(forms.DateTimeField):
    default_validators = [date_in_range]


class SplitDateTimeField(forms.SplitDateTimeField):
    default_validators = [date_in_range]


# For a ModelAdmin: `formfield_overrides = BOUNDED_DATES` bounds every date it edits.
BOUNDED_DATES = {
    models.DateField: {"form_class": DateField},
    models.DateTimeField: {"form_class": SplitDateTimeField},
}


def limit_lengths(form: forms.BaseForm, **limits: int) -> None:
    """Give unbounded text fields (TextField columns) a maximum length, with the
    browser's `maxlength` as well: `limit_lengths(self, description=10_000)`."""
    for name, limit in limits.items():
        field = form.fields.get(name)
        if field is None:
            continue
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit))
        field.widget.attrs["maxlength"] = str(limit)
