"""Serializer fields every app's API shares."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tcloud.core.validators import EARLIEST_DATE, LATEST_DATE, date_in_range


@extend_schema_field(
    {
        "type": "string",
        "format": "date",
        "description": f"YYYY-MM-DD, from {EARLIEST_DATE} to {LATEST_DATE}",
    }
)
class DateField(serializers.DateField):
    """A `YYYY-MM-DD` date between 1911 and 2200 (tcloud.core.validators)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "iso-8601")
        kwargs.setdefault("input_formats", ["iso-8601"])
        super().__init__(**kwargs)
        self.validators.append(date_in_range)
