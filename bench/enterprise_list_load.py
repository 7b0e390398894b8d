"""The enterprise list, filtered and paged over 100,000 enterprises on PostgreSQL, under 20
concurrent users (locust, on loopback, against gunicorn). Peer in the same run: the district
list, a page of the same stack with no enterprise query (the floor). Target: p95 ≤ 200 ms.

Needs the database `python bench/import_registry.py` leaves behind.

    python bench/enterprise_list_load.py [--seconds 60] [--users 20]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import RESULTS, SERVER  # noqa: E402

PORT = 8123


def _ensure_user(env: dict) -> None:
    code = ("import django; django.setup();"
            "from acupoint.accounts.models import User;"
            "from acupoint.accounts.actions import do_create_user;"
            "User.objects.filter(username='bench').exists() or do_create_user(None, "
            "username='bench', password='bench-load-2026', role='bureau_analyst')")
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    env = {**os.environ, "DATABASE_URL": f"{SERVER}/acupoint_bench",
           "DJANGO_SETTINGS_MODULE": "acupoint.site.settings", "SECRET_KEY": "bench-" * 8,
           "ALLOWED_HOSTS": "127.0.0.1", "HTTPS": "0", "DEBUG": "0"}
    _ensure_user(env)
    subprocess.run([sys.executable, "-m", "django", "collectstatic", "--noinput", "-v", "0"],
                   env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "acupoint.site.wsgi", "-b", f"127.0.0.1:{PORT}",
         "-w", str(args.workers), "--log-level", "warning"], env=env)
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
        prefix = RESULTS / "enterprise_list"
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(Path(__file__).parent / "locustfile.py"),
             "--headless", "-u", str(args.users), "-r", str(args.users), "-t",
             f"{args.seconds}s", "--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix),
             "--only-summary", "--loglevel", "WARNING"], check=True)
    finally:
        server.terminate()
        server.wait(timeout=30)

    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    listing, floor = rows["enterprise list"], rows["floor: district list"]
    summary = {
        "users": args.users, "seconds": args.seconds, "workers": args.workers,
        "list_requests": int(listing["Request Count"]), "list_failures":
            int(listing["Failure Count"]),
        "list_p50_ms": float(listing["50%"]), "list_p95_ms": float(listing["95%"]),
        "floor_p50_ms": float(floor["50%"]), "floor_p95_ms": float(floor["95%"]),
        "list_rps": float(listing["Requests/s"]),
    }
    (RESULTS / "enterprise_list_load.json").write_text(json.dumps(summary, indent=1))
    print(f"enterprise list, {args.users} users, {args.seconds} s, gunicorn ×{args.workers}:")
    print(f"  list  p50 {summary['list_p50_ms']:6.0f} ms  p95 {summary['list_p95_ms']:6.0f} ms"
          f"  ({summary['list_requests']:,} requests, {summary['list_failures']} failed, "
          f"{summary['list_rps']:.0f}/s)")
    print(f"  floor p50 {summary['floor_p50_ms']:6.0f} ms  p95 {summary['floor_p95_ms']:6.0f} ms")
    print(f"  ratio p95 list/floor {summary['list_p95_ms'] / max(summary['floor_p95_ms'], 1):.1f}×"
          f"; target p95 ≤ 200 ms → {'met' if summary['list_p95_ms'] <= 200 else 'MISSED'}")


if __name__ == "__main__":
    main()
