"""Monte Carlo uncertainty at scale: vectorised draws against re-running the pipeline per draw.

100,000 entities × 8 indicators, quotas within 10 districts. The engine materialises the
normalised matrix once and runs 1,000 draws (weights, normalisation and aggregation varied) as
matrix products and sorts on a thread pool. The peer is what COINr does: change the
assumptions, re-run the whole pipeline, read the ranks — timed over --baseline-draws draws in
the same run and scaled to the same number of draws.

    python bench/uncertainty_scale.py [--entities 100000] [--draws 1000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from acupoint.engine import backends
from acupoint.engine.scorecard import evaluate
from acupoint.engine.spec import parse_spec
from acupoint.engine.uncertainty import analyse

SPEC = """
name: uncertainty
entity: credit_code
groups: [district]
indicators:
{indicators}
classes:
  method: quota
  within: [district]
  levels: [{{name: A, top: 0.2}}, {{name: B, top: 0.6}}, {{name: C}}, {{name: D, bottom: 0.05}}]
"""
WEIGHTS = [0.2, 0.15, 0.15, 0.1, 0.1, 0.1, 0.1, 0.1]


def spec_text(weights: list[float]) -> str:
    lines = "\n".join(f"  - {{code: x{i + 1}, weight: {w:.12f}}}" for i, w in enumerate(weights))
    return SPEC.format(indicators=lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--baseline-draws", type=int, default=20)
    arguments = parser.parse_args()
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(5)
    size = arguments.entities
    path = Path(tempfile.mkdtemp(prefix="acupoint-bench-")) / "entities.parquet"
    columns = {"credit_code": [f"E{i:09d}" for i in range(size)],
               "district": rng.integers(0, 10, size).astype(str).tolist()}
    for index in range(8):
        columns[f"x{index + 1}"] = rng.gamma(2.0, 10.0 * (index + 1), size)
    pq.write_table(pa.table(columns), path)
    con = backends.connect("duckdb")
    table = backends.load(con, path)
    evaluation = evaluate(table, parse_spec(spec_text(WEIGHTS)))

    start = time.perf_counter()
    result = analyse(evaluation, draws=arguments.draws, seed=1, workers=arguments.workers)
    vectorised = time.perf_counter() - start
    print(f"{size:,} entities, {arguments.draws:,} draws, {arguments.workers} threads")
    print(f"engine, vectorised draws          {vectorised:7.2f} s "
          f"(mean 90% rank interval width {np.mean(result.rank_high - result.rank_low):.0f}, "
          f"mean P(class kept) {result.class_kept.mean():.2f})")

    draw_rng = np.random.default_rng(1)
    start = time.perf_counter()
    for _ in range(arguments.baseline_draws):
        weights = np.array(WEIGHTS) * draw_rng.uniform(0.75, 1.25, len(WEIGHTS))
        again = evaluate(table, parse_spec(spec_text((weights / weights.sum()).tolist())))
        again.table.select("credit_code", "rank", "class").to_pyarrow()
    per_draw = (time.perf_counter() - start) / arguments.baseline_draws
    rerun = per_draw * arguments.draws
    print(f"re-running the pipeline per draw  {rerun:7.2f} s "
          f"({per_draw * 1000:.0f} ms per draw × {arguments.draws:,}, "
          f"timed over {arguments.baseline_draws} draws)")
    print(f"\nvectorised is {rerun / vectorised:.1f}× faster than re-running per draw")


if __name__ == "__main__":
    main()
