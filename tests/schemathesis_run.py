"""Fuzz the API against its own OpenAPI schema with schemathesis.

Serves this checkout with the demo data (its own PostgreSQL database, created
fresh, next to the tests' one), signs in as the demo member and the demo vendor
(POST /api/v1/auth/token/), and runs schemathesis with every standard check and
a fixed seed: once as the member over every operation but the vendor's, once as
the vendor over the vendor's operations and the catalog. Prints the numbers and
exits non-zero when schemathesis found a failure.

    .venv/bin/python tests/schemathesis_run.py                     # the bounded run (make test)
    .venv/bin/python tests/schemathesis_run.py --max-examples 200  # a longer run
    .venv/bin/python tests/schemathesis_run.py --url http://127.0.0.1:8000  # a server you run

The database is `<TEST_DATABASE_URL's name>_schemathesis` (default
`tcloud_schemathesis`); it is dropped and created again on every run, so never
point TEST_DATABASE_URL at data you keep. Reports (JSON, and a pytest file that
reproduces each failure) go to test-artifacts/schemathesis/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ST = str(Path(PYTHON).with_name("st"))
DEMO_PASSWORD = "tcloud-demo-2026"  # tcloud/site/management/commands/seed_demo.py
ACCOUNTS = {"member": "member@demo.test", "vendor": "vendor@demo.test"}
# Which operations each account fuzzes (the other role's answer only 403).
SCOPES = {
    "member": ["--exclude-path-regex", "^/api/v1/vendor/"],
    "vendor": ["--include-path-regex", "^/api/v1/(vendor/|plans/|categories/)"],
}
ARTIFACTS = ROOT / "test-artifacts" / "schemathesis"
CONFIG = Path(__file__).with_name("schemathesis.toml")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    base = urlparse(
        os.environ.get("TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/tcloud"
    )
    name = base.path.lstrip("/") or "tcloud"
    return urlunparse(base._replace(path=f"/{name}_schemathesis"))


def recreate_database(url: str) -> None:
    """Drop and create the run's own database (never another one)."""
    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    assert name.endswith("_schemathesis"), name
    admin = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def server_env(db_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    # The demo's settings on PostgreSQL; no REDIS_URL: jobs run in-process and the
    # cache is the process's own (one server process).
    env.update(
        DJANGO_SETTINGS_MODULE="tcloud.settings",  # not the tests' settings, when run by pytest
        TCLOUD_DEMO="true",
        DEBUG="false",
        DATABASE_URL=db_url,
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="INFO",  # the request log counts the answers by status
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def start_server(env: dict, port: int) -> subprocess.Popen:
    log = open(ARTIFACTS / "server.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/categories/", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"the server stopped; see {ARTIFACTS / 'server.log'}") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not answer within 60 s")


def token(base: str, email: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token/",
        data=json.dumps({"email": email, "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["token"]


def run_schemathesis(base: str, role: str, key: str, args) -> dict:
    report = ARTIFACTS / f"{role}.json"
    command = [
        ST,
        "--config-file",
        str(CONFIG),
        "run",
        f"{base}/api/schema/",
        "--checks",
        "all",
        "--seed",
        str(args.seed),
        "--max-examples",
        str(args.max_examples),
        "--workers",
        "1",
        "--phases",
        args.phases,
        "--request-timeout",
        "30",
        "--header",
        f"Authorization: Token {key}",
        "--header",
        "Accept-Language: en",
        "--report",
        "json,pytest",
        "--report-json-path",
        str(report),
        "--report-pytest-path",
        str(ARTIFACTS / f"{role}_failures.py"),
        "--warnings",
        "off",
        *SCOPES[role],
    ]
    if args.max_time:
        command += ["--max-time", str(args.max_time)]
    print(f"--- schemathesis as the demo {role}", flush=True)
    started = time.monotonic()
    log = ARTIFACTS / "server.log"
    offset = log.stat().st_size if log.exists() else 0
    completed = subprocess.run(command, cwd=ARTIFACTS)
    server_log = ""
    if log.exists():
        with open(log, encoding="utf-8", errors="replace") as f:
            f.seek(offset)
            server_log = f.read()
    summary = summarise(report, server_log)
    summary.update(
        role=role, exit_code=completed.returncode, seconds=round(time.monotonic() - started)
    )
    return summary


REQUEST_LINE = re.compile(r'"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE) [^"]*" (\d{3}) ')


def summarise(report: Path, server_log: str) -> dict:
    """Test cases and failures by kind (schemathesis' JSON report), and what the
    server answered, by status (its request log; when this script serves)."""
    summary: dict = {"test_cases": None, "failures": {"report missing": 1}}
    if report.exists():
        data = json.loads(report.read_text())
        failures: dict[str, int] = {}
        for failure in data.get("failures") or []:
            name = str(failure.get("title") or failure.get("code") or failure)[:80]
            failures[name] = failures.get(name, 0) + 1
        summary.update(test_cases=data["test_cases"]["generated"], failures=failures)
    statuses = [int(code) for code in REQUEST_LINE.findall(server_log)]
    if statuses:
        summary["server"] = {
            "requests": len(statuses),
            "by_status": {str(c): statuses.count(c) for c in sorted(set(statuses))},
            "server_errors": sum(1 for c in statuses if c >= 500),
        }
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server's base URL (no setup then)")
    parser.add_argument("--max-examples", type=int, default=10)
    parser.add_argument("--max-time", type=int, default=0, help="seconds (0: no budget)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    args = parser.parse_args(argv)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    server = None
    base = (args.url or "").rstrip("/")
    try:
        if not base:
            db_url = database_url()
            env = server_env(db_url)
            print(f"--- demo data in {urlparse(db_url).path.lstrip('/')}", flush=True)
            recreate_database(db_url)
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "seed_demo")
            # Production settings serve hashed static files (the pages' 404 and 500 too).
            manage(env, "collectstatic", "--noinput", "-v0")
            port = free_port()
            server = start_server(env, port)
            base = f"http://127.0.0.1:{port}"
        # Both tokens first: fuzzing the token endpoint uses up its failed-attempt limit.
        keys = {role: token(base, email) for role, email in ACCOUNTS.items()}
        results = [run_schemathesis(base, role, key, args) for role, key in keys.items()]
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    (ARTIFACTS / "summary.json").write_text(json.dumps(results, indent=2))
    print("--- schemathesis summary")
    for result in results:
        print(json.dumps(result, sort_keys=True))
    return 0 if all(r["exit_code"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
