"""Publishing a triage run of 100,000 enterprises: compute plus storing results in PostgreSQL.

The demo city (100,000 firms, 2022–2024) is imported first (not timed). Then an analyst's run
of the shipped Shandong spec is started, computed from the registry, stored and published.
The floor, in the same run: the engine on the same input table already in memory, and a plain
COPY of the same result rows into a bare table.

    python bench/triage_publish.py [--enterprises 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import fresh_database, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    arguments = parser.parse_args()

    from acupoint.demo.generator import generate, write

    folder = Path(tempfile.mkdtemp(prefix="acupoint-bench-"))
    city = generate(arguments.enterprises, (2022, 2024), seed=2024)
    write(city, folder)
    setup_django(fresh_database("acupoint_bench_triage"))

    import ibis
    from django.db import connection

    from acupoint.engine.scorecard import evaluate
    from acupoint.engine.spec import spec_from_data
    from acupoint.registry.actions import do_import_file, do_load_geography
    from acupoint.triage import inputs
    from acupoint.triage.actions import do_publish_run, do_start_run, execute_run

    do_load_geography(None, city.geography)
    for name in ("enterprises.csv", "annual.csv"):
        assert do_import_file(None, folder / name).status == "landed"

    steps: dict[str, float] = {}
    started = time.perf_counter()
    run = do_start_run(None, spec_name="shandong_2019.yaml", year=2024)
    last = [time.perf_counter()]

    def progress(percent: int) -> None:
        now = time.perf_counter()
        steps[f"to {percent}%"] = now - last[0]
        last[0] = now

    execute_run(run, progress)
    run.refresh_from_db()
    assert run.status == "draft", run.error
    do_publish_run(None, run)
    total = time.perf_counter() - started
    results = run.results.count()

    table = inputs.build(2024)
    spec = spec_from_data(run.spec_data, run.spec_name)
    start = time.perf_counter()
    arrow = evaluate(ibis.duckdb.connect().create_table("inputs", table), spec).result_arrow()
    engine_alone = time.perf_counter() - start
    rows = [(row["credit_code"], row["score"], row["rank"], row["class"])
            for row in arrow.to_pylist() if row["year"] == 2024]
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_copy (credit_code text, score double "
                       "precision, rank integer, grade text)")
        with cursor.cursor.copy("COPY bench_copy FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    copy_floor = time.perf_counter() - start
    floor = engine_alone + copy_floor

    print(f"{results:,} results for 2024 ({arguments.enterprises:,} firms, 3 years of inputs)")
    for label, seconds in steps.items():
        print(f"  step {label:<10} {seconds:6.2f} s")
    print(f"publish a run (start → compute → store → publish)  {total:6.2f} s")
    print(f"floor: engine on the table in memory {engine_alone:.2f} s + plain COPY "
          f"{copy_floor:.2f} s = {floor:.2f} s   ratio {total / floor:.1f}×")
    print(f"target ≤ 60 s: {'met' if total <= 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
