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
    # Required with DEBUG off: production never falls back to the demo's choices.
    "MEMBERS_REGISTRY": "open_data",
    "MEMBERS_SMS_BACKEND": "members.verification.ConsoleSMSBackend",
    "EMAIL_URL": "smtp+tls://tcloud:secret@smtp.example.tw:587",
}
# Optional settings a developer's shell may hold; the tests decide them.
OPTIONAL = {
    "TRUSTED_PROXY",
    "LOG_LEVEL",
    "TCLOUD_DEMO",
    "MEMBERS_SMS_URL",
    "MEMBERS_SMS_USERNAME",
    "MEMBERS_SMS_PASSWORD",
    "MEMBERS_SMS_SENDER",
    "MEMBERS_SMS_TIMEOUT",
}
MITAKE_ENV = {
    **PROD_ENV,
    "MEMBERS_SMS_BACKEND": "members.sms.MitakeSMSBackend",
    "MEMBERS_SMS_USERNAME": "tcloud",
    "MEMBERS_SMS_PASSWORD": "secret",
}


def run_manage(*args, env=None, **extra):
    skip = {*PROD_ENV, *OPTIONAL, "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
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
        ({"MEMBERS_REGISTRY": "moea"}, "MEMBERS_REGISTRY"),
        ({"MEMBERS_REGISTRY": ""}, "MEMBERS_REGISTRY"),
        ({"MEMBERS_SMS_BACKEND": ""}, "MEMBERS_SMS_BACKEND"),
        ({"MEMBERS_SMS_BACKEND": "not a dotted path"}, "MEMBERS_SMS_BACKEND"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"TRUSTED_PROXY": "perhaps"}, "TRUSTED_PROXY"),
    ],
)
def test_a_missing_or_malformed_setting_stops_startup_with_one_line_naming_it(env, name):
    result = run_manage("check", env={**PROD_ENV, **env})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"tcloud: setting {name} ")


@pytest.mark.parametrize(
    ("env", "name", "value"),
    [
        ({"MEMBERS_REGISTRY": "moea"}, "MEMBERS_REGISTRY", "'moea'"),
        ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL", "'verbose'"),
    ],
)
def test_a_bad_value_stops_the_demo_too_with_one_line_naming_setting_and_value(env, name, value):
    result = run_manage("check", env={"TCLOUD_DEMO": "true", **env})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"tcloud: setting {name} ") and value in lines[0]


def test_production_requires_the_registry_sms_backend_and_email_to_be_chosen_explicitly():
    required = "is required outside the demo (TCLOUD_DEMO=true runs the demo)"
    expected = {
        "MEMBERS_REGISTRY": f"{required} (one of open_data, local)",
        "MEMBERS_SMS_BACKEND": f"{required} (dotted path, e.g. package.module.Class)",
        "EMAIL_URL": f"{required} (smtp+tls://user:password@host:587)",
    }
    for name, problem in expected.items():
        env = {k: v for k, v in PROD_ENV.items() if k != name}
        result = run_manage("check", env=env)
        assert result.returncode == 1
        assert result.stderr.strip() == f"tcloud: setting {name} {problem}"


def test_with_no_settings_at_all_the_site_refuses_to_start_as_production():
    result = run_manage("check", env={})
    assert result.returncode == 1
    assert result.stderr.strip().startswith(
        "tcloud: setting SECRET_KEY is required outside the demo"
    )


def test_DEBUG_alone_does_not_make_a_demo():
    # Before TCLOUD_DEMO, DEBUG=true quietly meant SQLite and the simulator.
    result = run_manage("check", env={"DEBUG": "true"})
    assert result.returncode == 1
    assert "TCLOUD_DEMO=true" in result.stderr


def test_check_deploy_fails_on_the_demo():
    result = run_manage("check", "--deploy", env={**PROD_ENV, "TCLOUD_DEMO": "true"})
    assert result.returncode != 0
    assert "tcloud.E002" in result.stderr


def _settings_of(env, *names):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        f"print(repr([getattr(s, n, None) for n in {list(names)!r}]))"
    )
    skip = {*PROD_ENV, *OPTIONAL, "DJANGO_SETTINGS_MODULE"}
    clean = {k: v for k, v in os.environ.items() if k not in skip}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "tcloud.settings"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_forwarded_headers_are_trusted_only_when_trusted_proxy_is_set():
    names = ("SECURE_PROXY_SSL_HEADER", "ALLAUTH_TRUSTED_PROXY_COUNT")
    assert _settings_of(PROD_ENV, *names) == "[None, None]"
    assert _settings_of({"TCLOUD_DEMO": "true"}, *names) == "[None, None]"  # the demo
    assert (
        _settings_of({**PROD_ENV, "TRUSTED_PROXY": "true"}, *names)
        == "[('HTTP_X_FORWARDED_PROTO', 'https'), 1]"
    )


def test_production_behind_a_trusted_proxy_passes_check_deploy_with_no_warnings():
    env = {**PROD_ENV, "TRUSTED_PROXY": "true", "LOG_LEVEL": "warning"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_demo_switch_alone_runs_on_sqlite_with_in_process_jobs():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.TCLOUD_INPROCESS_SWEEPS, s.DEBUG)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {*PROD_ENV, *OPTIONAL}}
    clean["DJANGO_SETTINGS_MODULE"] = "tcloud.settings"
    clean["TCLOUD_DEMO"] = "true"
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


def test_production_with_the_mitake_sms_gateway_passes_check_deploy_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=MITAKE_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _settings_of(
        MITAKE_ENV, "MEMBERS_SMS_URL", "MEMBERS_SMS_SENDER", "MEMBERS_SMS_TIMEOUT"
    ) == ("['https://smsapi.mitake.com.tw/api/mtk/SmSend', 'tcloud', 10]")


@pytest.mark.parametrize(
    ("env", "line"),
    [
        (
            {"MEMBERS_SMS_USERNAME": ""},
            "tcloud: setting MEMBERS_SMS_USERNAME is required when MEMBERS_SMS_BACKEND is "
            "members.sms.MitakeSMSBackend",
        ),
        (
            {"MEMBERS_SMS_PASSWORD": ""},
            "tcloud: setting MEMBERS_SMS_PASSWORD is required when MEMBERS_SMS_BACKEND is "
            "members.sms.MitakeSMSBackend",
        ),
        (
            {"MEMBERS_SMS_URL": "http://sms.example.tw/api/mtk/SmSend"},
            "tcloud: setting MEMBERS_SMS_URL must be an https:// URL with a host (http:// only "
            "for localhost), not 'http://sms.example.tw/api/mtk/SmSend'",
        ),
        (
            {"MEMBERS_SMS_TIMEOUT": "soon"},
            "tcloud: setting MEMBERS_SMS_TIMEOUT must be a number of seconds above 0 and at most "
            "60, not 'soon'",
        ),
        (
            {"MEMBERS_SMS_TIMEOUT": "0"},
            "tcloud: setting MEMBERS_SMS_TIMEOUT must be a number of seconds above 0 and at most "
            "60, not '0'",
        ),
    ],
)
def test_a_missing_or_bad_sms_gateway_setting_stops_startup_with_one_line(env, line):
    result = run_manage("check", env={**MITAKE_ENV, **env})
    assert result.returncode == 1
    assert result.stderr.strip() == line


def test_the_gateway_credentials_are_not_asked_for_with_another_sms_backend():
    # PROD_ENV's backend is not Mitake: no username or password is needed.
    result = run_manage("check", env=PROD_ENV)
    assert result.returncode == 0, result.stderr
