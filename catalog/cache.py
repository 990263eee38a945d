"""A short-lived cache of the catalog pages' bodies.

The catalog is read far more than it changes, and with 10,000 plans its
queries (counts per category, filters, the page) cost tens of milliseconds.
Pages cache the HTML of their main content (never the whole page: base.html
carries the visitor's CSRF token and account menu) under a key made of the URL,
the language, whatever in the page depends on the visitor, and a catalog
*generation* that every service changing what buyers see bumps after commit.
So a listed, changed or removed plan, or a program change (zone categories,
points per member), shows at once; entries live `CATALOG_PAGE_CACHE_SECONDS`
(default 60; 0 turns the cache off, as in tests).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

GENERATION_KEY = "catalog:generation"


def seconds() -> int:
    return int(getattr(settings, "CATALOG_PAGE_CACHE_SECONDS", 0))


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def catalog_changed() -> None:
    """Call inside the transaction that changed what buyers see."""

    def bump():
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not there yet (evicted or first use)
            cache.set(GENERATION_KEY, 2, timeout=None)

    transaction.on_commit(bump)


def cached(parts: tuple, build: Callable[[], dict]) -> dict:
    """What `build()` returns (a dict of HTML pieces) for these key parts, from
    the cache while fresh.

    One round trip: the entry is stored with the generation it was built in and
    fetched together with the current generation.
    """
    ttl = seconds()
    if ttl <= 0:
        return build()
    raw = repr((get_language(), *parts)).encode()
    key = "catalog:page:" + hashlib.sha256(raw).hexdigest()
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY)
    if current is None:
        current = generation()
    entry = found.get(key)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = build()
    cache.set(key, (current, value), ttl)
    return value
