"""A cache that keeps working when Redis does not answer.

Redis is the primary cache (shared by every process: catalog pages, sign-in
limits, code-sending limits, the re-authentication counter). When it does not
answer, each operation falls back to the database's cache table, so the site
serves its pages and its limits keep counting (from the database) instead of
failing; a warning is logged, at most once a minute. Operations go back to
Redis as soon as it answers again.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
_WARNED_AT = [0.0]


class FallbackCache(BaseCache):
    """OPTIONS: {"PRIMARY": alias, "FALLBACK": alias}."""

    def __init__(self, location, params):
        options = params.get("OPTIONS", {})
        super().__init__({k: v for k, v in params.items() if k != "OPTIONS"})
        self.primary = options["PRIMARY"]
        self.fallback = options["FALLBACK"]

    def _call(self, name: str, *args, **kwargs):
        try:
            return getattr(caches[self.primary], name)(*args, **kwargs)
        except UNAVAILABLE as exc:
            now = time.monotonic()
            if now - _WARNED_AT[0] > 60:
                _WARNED_AT[0] = now
                log.warning("cache: Redis unavailable (%s); using the database cache", exc)
            return getattr(caches[self.fallback], name)(*args, **kwargs)

    def add(self, key, value, timeout=None, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=None, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def set_many(self, data, timeout=None, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta, version)

    def clear(self):
        return self._call("clear")
