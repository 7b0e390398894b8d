"""Load tests of a page on loopback: gunicorn serving the site on a benchmark database, locust
driving it headless with a number of users; the district list (the same stack with no data
query) is timed in the same run as the floor."""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from common import RESULTS, SERVER

PORT = 8123
FLOOR = "floor: district list"


@dataclass
class LoadResult:
    requests: int
    failures: int
    p50_ms: float
    p95_ms: float
    rps: float
    floor_p50_ms: float
    floor_p95_ms: float


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    return parser.parse_args()


def _ensure_user(env: dict) -> None:
    code = ("import django; django.setup();"
            "from acupoint.accounts.models import User;"
            "from acupoint.accounts.actions import do_create_user;"
            "User.objects.filter(username='bench').exists() or do_create_user(None, "
            "username='bench', password='bench-load-2026', role='bureau_analyst')")
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def run(database: str, locustfile: str, page: str, args: argparse.Namespace,
        extra_env: dict | None = None) -> LoadResult:
    """Serve ``database`` and let ``args.users`` users of ``locustfile`` at it; the requests
    named ``page`` are the ones measured."""
    env = {**os.environ, "DATABASE_URL": f"{SERVER}/{database}",
           "DJANGO_SETTINGS_MODULE": "acupoint.site.settings", "SECRET_KEY": "bench-" * 8,
           "ALLOWED_HOSTS": "127.0.0.1", "HTTPS": "0", "DEBUG": "0", **(extra_env or {})}
    _ensure_user(env)
    subprocess.run([sys.executable, "-m", "django", "collectstatic", "--noinput", "-v", "0"],
                   env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "acupoint.site.wsgi", "-b", f"127.0.0.1:{PORT}",
         "-w", str(args.workers), "--log-level", "warning"], env=env)
    prefix = RESULTS / Path(locustfile).stem
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/registry/districts/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        for _ in range(8 * args.workers):  # every worker loads its templates before timing
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/registry/districts/", timeout=10)
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=10)
        RESULTS.mkdir(exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(Path(__file__).parent / locustfile),
             "--headless", "-u", str(args.users), "-r", str(args.users), "-t",
             f"{args.seconds}s", "--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix),
             "--only-summary", "--loglevel", "WARNING"], env=env, check=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    measured, floor = rows[page], rows[FLOOR]
    return LoadResult(int(measured["Request Count"]), int(measured["Failure Count"]),
                      float(measured["50%"]), float(measured["95%"]),
                      float(measured["Requests/s"]), float(floor["50%"]), float(floor["95%"]))


def report(title: str, result: LoadResult, args: argparse.Namespace, target_ms: float) -> str:
    met = result.p95_ms <= target_ms and result.failures == 0
    return "\n".join([
        f"{title}, {args.users} users, {args.seconds} s, gunicorn ×{args.workers}:",
        f"  page  p50 {result.p50_ms:6.0f} ms  p95 {result.p95_ms:6.0f} ms  "
        f"({result.requests:,} requests, {result.failures} failed, {result.rps:.0f}/s)",
        f"  floor p50 {result.floor_p50_ms:6.0f} ms  p95 {result.floor_p95_ms:6.0f} ms",
        f"  ratio p95 page/floor {result.p95_ms / max(result.floor_p95_ms, 1):.1f}×; "
        f"target p95 ≤ {target_ms:.0f} ms → {'met' if met else 'MISSED'}"])
