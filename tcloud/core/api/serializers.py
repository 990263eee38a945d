"""Serializers every app's API shares."""

from __future__ import annotations

from rest_framework import serializers


class EventSerializer(serializers.Serializer):
    """Any event (`tcloud.core.models.Event`): what happened, by which role, when.
    `created_at` is the event's time (the name the API has always used)."""

    action = serializers.CharField()
    label = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor_role = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField(source="at")
