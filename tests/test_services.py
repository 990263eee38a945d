"""What `make test` brings on a machine that lacks it (tests/services.py and
tests/system-packages.sh), proven here even when the real servers answer."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
import redis

from tests import services

ROOT = Path(__file__).resolve().parent.parent


def test_the_plugin_checks_the_addresses_the_test_settings_use():
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "TEST_REDIS_URL")}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, tcloud.test_settings; print(os.environ['DATABASE_URL']); "
            "print(os.environ['REDIS_URL'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [services.DEFAULT_DATABASE_URL, services.DEFAULT_REDIS_URL]


def test_answers_tells_a_listening_port_from_a_dead_one():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert services.answers(f"redis://127.0.0.1:{port}/0", 6379)
    assert not services.answers(f"postgres://postgres@127.0.0.1:{port}/tcloud", 5432)


def test_throwaway_postgres_and_redis_start_serve_and_leave_nothing_behind():
    throwaway = services.Throwaway()
    try:
        pg = throwaway.start(services.Postgres)
        rd = throwaway.start(services.Redis)
        workdir = throwaway.workdir
        db_url = pg.url("postgres://tcloud:secret@db.example:5432/tcloud")
        assert db_url == f"postgres://postgres@127.0.0.1:{pg.port}/tcloud"
        assert rd.url("redis://127.0.0.1:6399/13") == f"redis://127.0.0.1:{rd.port}/13"

        conn = psycopg2.connect(host="127.0.0.1", port=pg.port, user="postgres", dbname="postgres")
        try:
            with conn.cursor() as cur:
                # catalog/migrations/0004 needs it, and Chinese trigrams (a C.UTF-8
                # ctype, as Debian's servers) for the catalog search index.
                cur.execute("CREATE EXTENSION pg_trgm")
                cur.execute("SELECT similarity('雲端市集', '雲端')")
                assert cur.fetchone()[0] > 0
        finally:
            conn.close()
        client = redis.Redis(host="127.0.0.1", port=rd.port, db=13)
        assert client.ping()
        client.close()
    finally:
        throwaway.stop()
    assert not workdir.exists()
    assert pg.process.poll() is not None and rd.process.poll() is not None
    assert not services.answers(db_url, 5432)


# tests/system-packages.sh, against stand-ins for the system's commands, so
# nothing is installed and the real packages need not be missing.


@pytest.fixture
def fake_system(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("grep",):
        os.symlink(shutil.which(tool), bin_dir / tool)
    calls = tmp_path / "calls"

    def tool(name, body="exit 0"):
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)

    def run(uid=1000, **present):
        tool("id", f"echo {uid}")
        tool("apt-get", f'echo "apt-get $*" >> {calls}')
        for name in ("msgfmt", "chromium"):
            (bin_dir / name).unlink(missing_ok=True)
            if present.get(name, True):
                tool(name)
        fonts = "Noto Sans CJK TC" if present.get("fonts", True) else "DejaVu Sans"
        tool("fc-list", f"echo '{fonts}'")
        env = {"PATH": str(bin_dir)}
        result = subprocess.run(
            ["/bin/sh", str(ROOT / "tests" / "system-packages.sh")],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        result.apt = calls.read_text().splitlines() if calls.exists() else []
        return result

    return run


def test_system_packages_present_means_silence(fake_system):
    result = fake_system()
    assert (result.returncode, result.stdout, result.stderr, result.apt) == (0, "", "", [])


def test_system_packages_missing_without_root_say_the_command_to_run(fake_system):
    result = fake_system(chromium=False, fonts=False)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "tcloud tests need chromium fonts-noto-cjk: run "
        "`sudo apt-get install -y --no-install-recommends chromium fonts-noto-cjk`, "
        "then make test again"
    ]
    assert result.apt == []


def test_system_packages_missing_as_root_are_installed_with_apt_get(fake_system):
    result = fake_system(uid=0, msgfmt=False, chromium=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "tcloud tests: apt-get install gettext chromium\n"
    assert result.apt == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends gettext chromium",
    ]
