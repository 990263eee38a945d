"""Settings for the test suite: real PostgreSQL and Redis, never SQLite.

Defaults point at the services on 127.0.0.1; CI and developers may override
them with TEST_DATABASE_URL / TEST_REDIS_URL.
"""

import os

os.environ["DATABASE_URL"] = os.environ.get(
    "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tcloud"
)
os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# The demo's defaults for what the tests do not set (the local registry, console
# SMS, the simulator), with the real PostgreSQL and Redis above.
os.environ.setdefault("TCLOUD_DEMO", "true")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("VERIFICATION_SIMULATOR", "true")

from tcloud.settings import *  # noqa: E402,F403

# Unit tests run tasks in-process; tests/test_celery_worker.py starts a real
# worker against the Redis broker to prove the wiring end to end.
CELERY_TASK_ALWAYS_EAGER = True
TCLOUD_INPROCESS_SWEEPS = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LANGUAGE_CODE = "zh-hant"
ACCOUNT_RATE_LIMITS = False
# Tests see every change at once; tests/catalog/test_page_cache.py turns it on.
CATALOG_PAGE_CACHE_SECONDS = 0
# The API takes JSON bodies only (tcloud.core.api.parsers).
REST_FRAMEWORK = {**REST_FRAMEWORK, "TEST_REQUEST_DEFAULT_FORMAT": "json"}  # noqa: F405
