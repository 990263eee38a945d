"""Settings come from the environment; bad ones stop start-up with one line."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PROD_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-" + "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789" * 2,
    "ALLOWED_HOSTS": "tcloud.example.tw",
    "DATABASE_URL": "postgres://tcloud@127.0.0.1:5432/tcloud",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "VERIFICATION_SIMULATOR": "false",
}


def run_manage(*args, env=None, **extra):
    skip = {*PROD_ENV, "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in skip}
    clean.update(env or {})
    clean["DJANGO_SETTINGS_MODULE"] = "tcloud.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_fails_when_the_verification_simulator_is_on_without_debug():
    result = run_manage("check", "--deploy", env={**PROD_ENV, "VERIFICATION_SIMULATOR": "true"})
    assert result.returncode != 0
    assert "tcloud.E001" in result.stderr


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"DATABASE_URL": "mysql://nope"}, "DATABASE_URL"),
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"REDIS_URL": "http://not-redis"}, "REDIS_URL"),
        ({"REDIS_URL": "redis://127.0.0.1:notaport/0"}, "REDIS_URL"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DEBUG": "maybe"}, "DEBUG"),
    ],
)
def test_a_missing_or_malformed_setting_stops_startup_with_one_line_naming_it(env, name):
    result = run_manage("check", env={**PROD_ENV, **env})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"tcloud: setting {name} ")


def test_with_nothing_set_the_demo_runs_on_sqlite_with_in_process_jobs():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.TCLOUD_INPROCESS_SWEEPS, s.DEBUG)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in PROD_ENV}
    clean["DJANGO_SETTINGS_MODULE"] = "tcloud.settings"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True", "True"], (
        result.stderr
    )


def test_tests_run_on_postgresql_and_redis():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
