"""The enterprise list, filtered and paged over 100,000 enterprises on PostgreSQL, under 20
concurrent users (locust, on loopback, against gunicorn). Peer in the same run: the district
list, a page of the same stack with no enterprise query (the floor). Target: p95 ≤ 200 ms.

Needs the database `python bench/import_registry.py` leaves behind.

    python bench/enterprise_list_load.py [--seconds 60] [--users 20]
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import load  # noqa: E402
from common import RESULTS  # noqa: E402


def main() -> None:
    args = load.arguments()
    result = load.run("acupoint_bench", "locustfile.py", "enterprise list", args)
    (RESULTS / "enterprise_list_load.json").write_text(json.dumps(
        {"users": args.users, "seconds": args.seconds, "workers": args.workers,
         **asdict(result)}, indent=1))
    print(load.report("enterprise list", result, args, target_ms=200))


if __name__ == "__main__":
    main()
