"""Scorecard at scale: the engine against a hand-written DuckDB query and MCDA libraries.

1,000,000 entities × 8 indicators; four indicators are compared with their industry's mean
(40 industries); min-max 0–100 and a weighted sum (or vector normalisation and TOPSIS);
ranks; A/B/C/D quotas within 10 districts; Parquet in, classified Parquet out.

Each contender runs in its own process so its peak memory (ru_maxrss) is its own; its
libraries are imported and its database connected (Spark started) before its clock starts.
All run in one invocation, interleaved, --repeat times each (the fastest run counts), and
the ratios are printed side by side. Results are checked to agree. Spark's peak memory is the
driver's JVM, which ru_maxrss does not see.

    python bench/scorecard_scale.py [--entities 1000000] [--spark] [--method wsm|topsis|both]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

INDICATORS = [f"x{i}" for i in range(1, 9)]
RELATIVE = INDICATORS[:4]  # compared with the industry mean
WEIGHTS = [0.2, 0.15, 0.15, 0.1, 0.1, 0.1, 0.1, 0.1]
DIRECTIONS = [1, 1, 1, 1, 1, 1, -1, -1]
QUOTA = """classes:
  method: quota
  within: [district]
  levels: [{name: A, top: 0.2}, {name: B, top: 0.6}, {name: C}, {name: D, bottom: 0.05}]
"""


def spec_text(method: str) -> str:
    derive = "\n".join(f"  {code}_rel: {code} / mean({code}, by=industry)" for code in RELATIVE)
    lines = []
    for code, weight, direction in zip(INDICATORS, WEIGHTS, DIRECTIONS, strict=True):
        name = f"{code}_rel" if code in RELATIVE else code
        lines.append(f"  - {{code: {name}, weight: {weight}, direction: {direction}}}")
    normalise, aggregate = ("minmax", "arithmetic") if method == "wsm" else ("vector", "topsis")
    return (f"name: bench\nentity: credit_code\ngroups: [district]\nderive:\n{derive}\n"
            f"indicators:\n" + "\n".join(lines) + f"\nnormalise: {{method: {normalise}}}\n"
            f"aggregate: {{method: {aggregate}}}\n" + QUOTA)


def generate(path: Path, size: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    columns = {
        "credit_code": pa.array([f"91370200MA{i:08d}" for i in range(size)]),
        "district": pa.array(rng.integers(0, 10, size).astype(str)).cast(pa.string()),
        "industry": pa.array(np.char.add("C", rng.integers(13, 53, size).astype(str))),
    }
    for index, code in enumerate(INDICATORS):
        columns[code] = pa.array(rng.gamma(2.0 + index % 3, 10.0 * (index + 1), size))
    pq.write_table(pa.table(columns), path)


# -- contenders (each runs in a child process) ----------------------------------------------
def run_engine(con, data: Path, out: Path, method: str) -> None:
    from acupoint.engine import backends
    from acupoint.engine.scorecard import evaluate
    from acupoint.engine.spec import parse_spec

    table = backends.load(con, data)
    evaluate(table, parse_spec(spec_text(method))).write(out)


def floor_sql(data: Path, out: Path, method: str) -> str:
    relative = ",\n".join(f"  {c} / NULLIF(AVG({c}) OVER (PARTITION BY industry), 0) AS {c}_rel"
                          for c in RELATIVE)
    names = [f"{c}_rel" if c in RELATIVE else c for c in INDICATORS]
    if method == "wsm":
        norms = []
        for name, direction in zip(names, DIRECTIONS, strict=True):
            low, high = f"MIN({name}) OVER ()", f"MAX({name}) OVER ()"
            top = f"{name} - {low}" if direction == 1 else f"{high} - {name}"
            norms.append(f"({top}) / NULLIF({high} - {low}, 0) * 100 AS n_{name}")
        score = " + ".join(f"{w} * n_{n}" for w, n in zip(WEIGHTS, names, strict=True))
        scoring = f"""norm AS (SELECT credit_code, district, {', '.join(norms)} FROM base),
scored AS (SELECT credit_code, district, {score} AS score FROM norm)"""
    else:
        weighted = ", ".join(f"{w} * {n} / SQRT(SUM({n} * {n}) OVER ()) AS v_{n}"
                             for w, n in zip(WEIGHTS, names, strict=True))
        ideal = []
        for name, direction in zip(names, DIRECTIONS, strict=True):
            best, worst = ("MAX", "MIN") if direction == 1 else ("MIN", "MAX")
            ideal.append(f"POWER(v_{name} - {best}(v_{name}) OVER (), 2) AS p_{name}, "
                         f"POWER(v_{name} - {worst}(v_{name}) OVER (), 2) AS m_{name}")
        plus = " + ".join(f"p_{n}" for n in names)
        minus = " + ".join(f"m_{n}" for n in names)
        scoring = f"""vec AS (SELECT credit_code, district, {weighted} FROM base),
dist AS (SELECT credit_code, district, {', '.join(ideal)} FROM vec),
scored AS (SELECT credit_code, district,
  100 * SQRT({minus}) / (SQRT({plus}) + SQRT({minus})) AS score FROM dist)"""
    return f"""COPY (
WITH base AS (SELECT credit_code, district, {', '.join(INDICATORS)},
{relative}
FROM read_parquet('{data}')),
{scoring},
ranked AS (SELECT *,
  RANK() OVER (ORDER BY score DESC) AS rank,
  RANK() OVER (PARTITION BY district ORDER BY score DESC) AS rank_in_group,
  ROW_NUMBER() OVER (PARTITION BY district ORDER BY score DESC, credit_code) - 1 AS pos,
  COUNT(*) OVER (PARTITION BY district) AS n FROM scored)
SELECT credit_code, district, score, rank, rank_in_group,
  CASE WHEN pos < FLOOR(n * 0.2 + 1e-9) THEN 'A' WHEN pos < FLOOR(n * 0.6 + 1e-9) THEN 'B'
       WHEN pos >= n - CEIL(n * 0.05 - 1e-9) THEN 'D' ELSE 'C' END AS class
FROM ranked ORDER BY credit_code) TO '{out}' (FORMAT parquet)"""


def run_floor(con, data: Path, out: Path, method: str) -> None:
    con.execute(floor_sql(data, out, method))


def _pandas_prepare(data: Path):
    import pandas as pd

    frame = pd.read_parquet(data)
    for code in RELATIVE:
        frame[f"{code}_rel"] = frame[code] / frame.groupby("industry")[code].transform("mean")
    names = [f"{c}_rel" if c in RELATIVE else c for c in INDICATORS]
    return frame, frame[names].to_numpy(float)


def _pandas_finish(frame, scores: np.ndarray, out: Path) -> None:
    frame = frame[["credit_code", "district"]].copy()
    frame["score"] = scores
    frame["rank"] = frame.score.rank(method="min", ascending=False).astype("int64")
    frame["rank_in_group"] = frame.groupby("district").score.rank(
        method="min", ascending=False).astype("int64")
    ordered = frame.sort_values(["district", "score", "credit_code"],
                                ascending=[True, False, True])
    position = ordered.groupby("district").cumcount().to_numpy()
    size = ordered.groupby("district").credit_code.transform("size").to_numpy()
    labels = np.where(position < np.floor(size * 0.2 + 1e-9), "A",
                      np.where(position < np.floor(size * 0.6 + 1e-9), "B",
                               np.where(position >= size - np.ceil(size * 0.05 - 1e-9), "D",
                                        "C")))
    ordered["class"] = labels
    ordered.sort_values("credit_code").to_parquet(out, index=False)


def run_pymcdm(_con, data: Path, out: Path, method: str) -> None:
    from pymcdm import methods, normalizations

    frame, matrix = _pandas_prepare(data)
    types = np.array(DIRECTIONS)
    if method == "wsm":
        scorer = methods.WSM(normalization_function=normalizations.minmax_normalization)
    else:
        scorer = methods.TOPSIS(normalization_function=normalizations.vector_normalization)
    scores = 100 * scorer(matrix, np.array(WEIGHTS), types, validation=False)
    _pandas_finish(frame, scores, out)


def run_skcriteria(_con, data: Path, out: Path, method: str) -> None:
    import skcriteria as skc
    from skcriteria.agg import similarity, simple
    from skcriteria.preprocessing import invert_objectives, scalers

    frame, matrix = _pandas_prepare(data)
    objectives = [max if d == 1 else min for d in DIRECTIONS]
    decision = skc.mkdm(matrix, objectives, weights=WEIGHTS)
    if method == "wsm":
        decision = invert_objectives.NegateMinimize().transform(decision)
        decision = scalers.MinMaxScaler(target="matrix").transform(decision)
        result = simple.WeightedSumModel().evaluate(decision)
        scores = 100 * np.asarray(result.e_.score)
    else:
        decision = scalers.VectorScaler(target="matrix").transform(decision)
        result = similarity.TOPSIS().evaluate(decision)
        scores = 100 * np.asarray(result.e_.similarity)
    _pandas_finish(frame, scores, out)


def _engine_connection(backend: str):
    from acupoint.engine import backends

    return backends.connect(backend)


def _duckdb_connection():
    import duckdb

    return duckdb.connect()


# name → (set-up before the clock starts: imports and connection, the timed run)
CONTENDERS = {
    "engine (DuckDB)": (lambda: _engine_connection("duckdb"), run_engine),
    "floor: one DuckDB SQL query": (_duckdb_connection, run_floor),
    "pymcdm + pandas": (lambda: __import__("pymcdm.methods"), run_pymcdm),
    "scikit-criteria + pandas": (lambda: __import__("skcriteria.agg.simple"), run_skcriteria),
    "engine (PySpark local[2])": (lambda: _engine_connection("pyspark"), run_engine),
}


def child(name: str, data: Path, out: Path, method: str) -> None:
    """Run one contender; its libraries are imported and its database connected (Spark
    started) before the clock runs."""
    setup, run = CONTENDERS[name]
    state = setup()
    start = time.perf_counter()
    run(state, data, out, method)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))


def measure(name: str, data: Path, out: Path, method: str) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", name, "--data", str(data),
                             "--out", str(out), "--method", method],
                            capture_output=True, text=True)
    if output.returncode:
        raise SystemExit(f"{name} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def agreement(reference: Path, other: Path) -> str:
    left = pq.read_table(reference).sort_by("credit_code")
    right = pq.read_table(other).sort_by("credit_code")
    scores = np.abs(left["score"].to_numpy() - right["score"].to_numpy()).max()
    classes = (np.asarray(left["class"].to_pylist()) != np.asarray(right["class"].to_pylist()))
    return f"max |Δscore| {scores:.1e}, classes differing {int(classes.sum())}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--method", choices=["wsm", "topsis", "both"], default="both")
    parser.add_argument("--spark", action="store_true", help="also run on PySpark local mode")
    parser.add_argument("--skip", nargs="*", default=[], help="contenders to leave out")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--data", type=Path)
    parser.add_argument("--out", type=Path)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child, arguments.data, arguments.out, arguments.method)
        return
    folder = Path(tempfile.mkdtemp(prefix="acupoint-bench-"))
    data = folder / "entities.parquet"
    generate(data, arguments.entities)
    print(f"{arguments.entities:,} entities × {len(INDICATORS)} indicators, 40 industries, "
          f"10 districts — {data.stat().st_size / 1e6:.0f} MB Parquet")
    names = [name for name in CONTENDERS if name not in arguments.skip
             and ("PySpark" not in name or arguments.spark)]
    methods = ["wsm", "topsis"] if arguments.method == "both" else [arguments.method]
    for method in methods:
        print(f"\n== {method.upper()} ==")
        outputs = {name: folder / f"{method}-{index}.parquet" for index, name in enumerate(names)}
        runs: dict[str, list[dict]] = {name: [] for name in names}
        for _ in range(arguments.repeat):  # interleaved, so a busy moment hits every contender
            for name in names:
                runs[name].append(measure(name, data, outputs[name], method))
        results = {name: min(items, key=lambda item: item["seconds"])
                   for name, items in runs.items()}
        for name, item in results.items():
            print(f"{name:32s} {item['seconds']:7.2f} s   peak {item['peak_mb']:6.0f} MB",
                  flush=True)
        engine = results["engine (DuckDB)"]
        print()
        for name, item in results.items():
            if name == "engine (DuckDB)":
                continue
            ratio = engine["seconds"] / item["seconds"]
            print(f"engine ÷ {name:30s} = {ratio:5.2f}×   "
                  f"({agreement(outputs['engine (DuckDB)'], outputs[name])})")


if __name__ == "__main__":
    main()
