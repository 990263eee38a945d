"""Deadline sweeps of the members app (run by beat and `manage.py run_deadlines`)."""

from members.services import registration_purge_expired


def purge_expired_applications(*, now) -> int:
    return registration_purge_expired(now=now)
