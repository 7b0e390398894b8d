"""Server time of the pages that were slow on the demo city: the cluster strength page (its
first view after a change of inputs, and later views) and the candidate pools (the overview
and one rung opened), against the floor of the same stack: the district list, a page that
queries almost nothing. Each contender runs interleaved with the others, several rounds.

The demo city is the one `acupoint demo` builds (20,000 firms on SQLite), made in a temporary
folder first (not timed). Targets (issue 21): /race/strength/ within 1 s; the pools paged.

    python bench/slow_pages.py [--enterprises 20000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import RESULTS  # noqa: E402

PAGES = {
    "floor: district list": "/registry/districts/",
    "cluster strength": "/race/strength/",
    "candidate pools": "/cultivation/pools/",
    "one pool opened, page 2": "/cultivation/pools/?rung=innovative_sme&page=2",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="acupoint-bench-pages-"))
    environment = {**os.environ, "ACUPOINT_VAR_DIR": str(folder), "DATABASE_URL": ""}
    subprocess.run([sys.executable, "-m", "acupoint.cli", "demo", "--no-serve",
                    "--enterprises", str(arguments.enterprises)], env=environment, check=True,
                   stdout=subprocess.DEVNULL)
    os.environ.setdefault("DEBUG", "1")  # as the demo runs; the timings are of the views
    os.environ.update({"ACUPOINT_VAR_DIR": str(folder), "DATABASE_URL": "",
                       "DJANGO_SETTINGS_MODULE": "acupoint.site.settings"})
    import django

    django.setup()
    from django.test import Client

    from acupoint.accounts.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="analyst"))
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    first_view = {}
    loads = []
    for round_number in range(arguments.rounds):
        for name, path in PAGES.items():
            loads.append(os.getloadavg()[0])
            start = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, (path, response.status_code)
            if round_number == 0:
                first_view[name] = elapsed
            else:
                times[name].append(elapsed)
    cores = os.cpu_count() or 1
    busy = max(loads) > cores
    floor = statistics.median(times["floor: district list"])
    rows = []
    print(f"load average {min(loads):.2f}–{max(loads):.2f} on {cores} cores"
          + ("  (busy: rerun for ratios)" if busy else ""))
    print(f"{'page':28} {'first view':>11} {'median':>9} {'× floor':>8}")
    for name in PAGES:
        median = statistics.median(times[name])
        ratio = None if busy else median / floor
        rows.append({"page": name, "path": PAGES[name], "first_s": first_view[name],
                     "median_s": median, "ratio_to_floor": ratio})
        print(f"{name:28} {first_view[name]:10.2f}s {median:8.3f}s "
              f"{'—' if ratio is None else f'{ratio:7.1f}'}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "slow_pages.json").write_text(json.dumps({
        "enterprises": arguments.enterprises, "rounds": arguments.rounds,
        "load_average": [min(loads), max(loads)], "cores": cores, "pages": rows}, indent=1))


if __name__ == "__main__":
    main()
