"""Catalog page throughput under gunicorn, as a ratio to a bare template view.

    .venv/bin/python bench/catalog/run.py [--duration 5] [--rounds 3] [--plans 10000]

Creates (drops first) the PostgreSQL database `tcloud_bench_catalog`, migrates,
seeds the demo data with --plans N listed plans, serves the site with gunicorn
on 127.0.0.1:8765 (DEBUG off, bench/catalog/settings.py), and runs wrk against
the bare view and each catalog URL in interleaved rounds, once with the catalog
page cache on (as deployed) and once with it off (every request runs its
queries). Prints a markdown table for bench/RESULTS.md. Needs `wrk`
(apt-get install wrk) and PostgreSQL + Redis on 127.0.0.1. Every step is
bounded in time.
"""

# ruff: noqa: S603, S607 - runs fixed local tools (psql, wrk, gunicorn), no user input
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
HOST, PORT = "127.0.0.1", 8765
DB = "tcloud_bench_catalog"
DB_URL = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB}")
URLS = [
    ("bare template view (baseline)", "/bench/bare/"),
    ("catalog list", "/plans/"),
    ("catalog search 雲端收銀", "/plans/?q=%E9%9B%B2%E7%AB%AF%E6%94%B6%E9%8A%80"),
    ("catalog filtered", "/plans/?category=pos&min_price=10000&max_price=70000&sort=price"),
    ("subsidy zone", "/catalog/"),
    ("plan page", "/plans/1/"),
]


def env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.catalog.settings",
        "DATABASE_URL": DB_URL,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "VERIFICATION_SIMULATOR": "false",
        "PYTHONPATH": str(ROOT),
    }


def run(cmd: list[str], timeout: int) -> str:
    result = subprocess.run(
        cmd, cwd=ROOT, env=env(), capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(plans: int) -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}"):
        run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", sql], timeout=60)
    run([PY, "manage.py", "migrate", "-v0"], timeout=300)
    run([PY, "manage.py", "seed_demo", "--plans", str(plans)], timeout=600)
    run(["psql", "-h", "127.0.0.1", "-U", "postgres", DB, "-c", "ANALYZE"], timeout=120)


def wrk(path: str, duration: int, threads: int, connections: int) -> float:
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            f"http://{HOST}:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        timeout=duration + 60,
    ).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        sys.exit(f"{path}: {non2xx.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def serve_and_measure(args, cache_seconds: int) -> list[tuple[str, str, float]]:
    """Start gunicorn, warm up, then measure every URL in interleaved rounds (the
    machine is shared: interleaving spreads load changes over all URLs alike) and
    return each URL's median req/s."""
    server = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "tcloud.wsgi:application",
            "-b",
            f"{HOST}:{PORT}",
            "-w",
            str(args.workers),
            "--access-logfile",
            "/dev/null",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env={**env(), "BENCH_CATALOG_CACHE_SECONDS": str(cache_seconds)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://{HOST}:{PORT}/bench/bare/", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("gunicorn did not start")
                time.sleep(0.5)
        for _label, path in URLS:  # warm up every worker
            for _ in range(args.workers * 3):
                urllib.request.urlopen(f"http://{HOST}:{PORT}{path}", timeout=30).read()
        samples: dict[str, list[float]] = {path: [] for _l, path in URLS}
        for _round in range(args.rounds):
            for _label, path in URLS:
                samples[path].append(wrk(path, args.duration, 2, 16))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return [(label, path, statistics.median(samples[path])) for label, path in URLS]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-prepare", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    if not args.skip_prepare:
        prepare(args.plans)
    cached = serve_and_measure(args, cache_seconds=60)
    cold = serve_and_measure(args, cache_seconds=0)
    print(
        f"gunicorn -w {args.workers} (sync) on {HOST}:{PORT}, wrk -t2 -c16, {args.rounds} "
        f"interleaved rounds of {args.duration}s per URL (median), {args.plans} load-test "
        f"plans + demo data, PostgreSQL, DEBUG off, anonymous visitors (no cookies)\n"
    )
    print("| page | URL | req/s (page cache on) | ratio | req/s (cache off) | ratio |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    base, base_cold = cached[0][2], cold[0][2]
    for (label, path, rps), (_l, _p, rps_cold) in zip(cached, cold, strict=True):
        print(
            f"| {label} | `{path}` | {rps:.0f} | {rps / base:.2f} "
            f"| {rps_cold:.0f} | {rps_cold / base_cold:.2f} |"
        )


if __name__ == "__main__":
    main()
