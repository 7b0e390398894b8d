"""The triage ranking of a published run of 100,000 enterprises on PostgreSQL under 20
concurrent users (locust, on loopback, against gunicorn): filters, sorts, search and deep
pages. Peer in the same run: the district list (the floor). Target: p95 ≤ 300 ms.

Needs the database `python bench/triage_publish.py` leaves behind.

    python bench/triage_ranking_load.py [--seconds 60] [--users 20]
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import psycopg  # noqa: E402

import load  # noqa: E402
from common import RESULTS, SERVER  # noqa: E402

DATABASE = "acupoint_bench_triage"


def main() -> None:
    args = load.arguments()
    # The steady state a bureau's database is in: the import and the run that the publishing
    # benchmark just wrote are vacuumed and analysed, so autovacuum does not compete with
    # the users for the two cores during the measurement.
    with psycopg.connect(f"{SERVER}/{DATABASE}", autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
    with psycopg.connect(f"{SERVER}/{DATABASE}") as connection:
        run, results = connection.execute(
            "SELECT r.id, count(*) FROM triage_evaluationrun r JOIN triage_evaluationresult x "
            "ON x.run_id = r.id WHERE r.status = 'published' GROUP BY r.id "
            "ORDER BY r.id DESC LIMIT 1").fetchone()
    result = load.run(DATABASE, "locust_triage.py", "ranking", args,
                      extra_env={"ACUPOINT_BENCH_RUN": str(run)})
    (RESULTS / "triage_ranking_load.json").write_text(json.dumps(
        {"users": args.users, "seconds": args.seconds, "workers": args.workers,
         "results": results, **asdict(result)}, indent=1))
    print(load.report(f"triage ranking of run #{run} ({results:,} results)", result, args,
                      target_ms=300))


if __name__ == "__main__":
    main()
