"""Settings for the catalog benchmark: production-like (DEBUG off) plus one bare
template view to compare against (bench/catalog/urls.py)."""

import os
from pathlib import Path

from tcloud.settings import *  # noqa: F403

ROOT_URLCONF = "bench.catalog.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"]  # noqa: F405
# No collectstatic in a benchmark: resolve static URLs without a manifest.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# run.py measures with the page cache on (the default) and off (the cold path).
CATALOG_PAGE_CACHE_SECONDS = int(
    os.environ.get("BENCH_CATALOG_CACHE_SECONDS", CATALOG_PAGE_CACHE_SECONDS)  # noqa: F405
)
