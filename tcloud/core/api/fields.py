"""Serializer fields every app's API shares."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tcloud.core.validators import EARLIEST_DATE, LATEST_DATE, date_in_range

# OpenAPI 3.0 has no bounds for a date string; the description gives them (a
# pattern for the years would also make fuzzers filter most dates away).
DATE_SCHEMA = {
    "type": "string",
    "format": "date",
    "description": f"YYYY-MM-DD, from {EARLIEST_DATE} to {LATEST_DATE}",
}


@extend_schema_field(DATE_SCHEMA)
class DateField(serializers.DateField):
    """A `YYYY-MM-DD` date between 1911 and 2200 (tcloud.core.validators)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "iso-8601")
        kwargs.setdefault("input_formats", ["iso-8601"])
        super().__init__(**kwargs)
        self.validators.append(date_in_range)


@extend_schema_field(
    {
        "type": "string",
        "anyOf": [{"format": "uri"}, {"maxLength": 0}],
        "description": "a web address, or empty while there is none",
    }
)
class UriOrEmptyField(serializers.CharField):
    """A URL column that is blank until set (`""`, not null, in the API)."""


class CharField(serializers.CharField):
    """Text that must arrive as a JSON string: DRF's own CharField turns 0 into
    "0", so the schema's `type: string` would not be the truth."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
