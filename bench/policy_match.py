"""Policy matching at scale, through the API, and against OpenFisca, in one run.

1. Scale: 1,000,000 enterprises × 1,000 clauses (the shipped clauses in variants) on DuckDB
   with 2 threads, streamed to Parquet; seconds and peak memory of the matching process.
   Peer in the same run: the same code on PySpark (local[2]) over 20,000 enterprises.
2. API: POST /api/policy/match for one enterprise against every published clause (the
   shipped library, then the 1,000-clause one), p50/p95 over many profiles, in-process
   through Django; peer: GET /api/districts (the floor of the same stack).
3. OpenFisca: the same 50 clauses written as an OpenFisca system (openfisca-core in its own
   virtual environment), over 100,000 enterprises with complete data; ours on Polars and on
   DuckDB, eligible pairs only (what OpenFisca computes) and with near misses; eligibility and
   amounts compared pair by pair, and the throughput ratios printed.

    python bench/policy_match.py [--enterprises 1000000] [--clauses 1000] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from acupoint.demo.profiles import synthetic_profiles  # noqa: E402
from acupoint.engine.policy import load_catalogue, load_library  # noqa: E402
from common import RESULTS  # noqa: E402
from policy_library import write_library  # noqa: E402

DAY = dt.date(2024, 6, 30)
OPENFISCA_VENV = Path(__file__).parent / ".venv-openfisca"


def write_profiles(path: Path, size: int, missing: float, seed: int = 2019) -> None:
    """Profiles in chunks of 250,000, so that generating them stays small too."""
    catalogue = load_catalogue()
    writer = None
    for start in range(0, size, 250_000):
        chunk = synthetic_profiles(min(250_000, size - start), catalogue, seed + start,
                                   missing)
        codes = [f"9137{start + index:014d}" for index in range(chunk.num_rows)]
        chunk = chunk.set_column(0, "credit_code", [codes])
        if writer is None:
            writer = pq.ParquetWriter(path, chunk.schema)
        writer.write_table(chunk)
    writer.close()


def match_child(library_dir: str, profiles: str, out: str, backend: str) -> None:
    """In a fresh process, so that its peak memory is the matching's own."""
    from acupoint.engine import backends
    from acupoint.engine.rules import Matcher

    started = time.perf_counter()
    library = load_library([library_dir])
    con = backends.connect(backend, threads=2 if backend == "duckdb" else None)
    table = con.read_parquet(profiles, table_name="profiles")
    matcher = Matcher(library, DAY)
    rows, reach = matcher.write(table, out)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rows": rows, "clauses": len(matcher.plans),
                      "eligible": int(reach.eligible.sum()), "peak_mb": peak}))


def run_child(*args: str) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", *args],
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def scale(work: Path, enterprises: int, clauses: int, spark_enterprises: int) -> dict:
    library = work / f"library-{clauses}"
    write_library(library, clauses)
    profiles = work / f"profiles-{enterprises}.parquet"
    write_profiles(profiles, enterprises, missing=0.05)
    duck = run_child(str(library), str(profiles), str(work / "matches.parquet"), "duckdb")
    result = {"duckdb": duck, "enterprises": enterprises, "clauses": clauses}
    if spark_enterprises:
        small = work / f"profiles-{spark_enterprises}.parquet"
        write_profiles(small, spark_enterprises, missing=0.05)
        try:
            result["pyspark"] = run_child(str(library), str(small),
                                          str(work / "matches-spark.parquet"), "pyspark")
            result["spark_enterprises"] = spark_enterprises
        except RuntimeError as error:
            result["pyspark_error"] = str(error)[-500:]
    return result


REPEATS = 7


def openfisca(work: Path, enterprises: int) -> dict:
    """Our matching and OpenFisca on the same 50 clauses and 100,000 complete profiles.

    OpenFisca computes each clause's eligibility and amount; ours does the same with
    ``keep="eligible"`` (the headline ratio), and also, for the record, the matching an inbox
    needs (``keep="relevant"``: unknowns, near misses and failed conditions too). Each is the
    median of REPEATS runs; inputs are in memory before the clock starts, as OpenFisca's are.
    """
    from acupoint.engine import backends
    from acupoint.engine.rules import Matcher
    from openfisca_model import module_source

    if not (OPENFISCA_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(OPENFISCA_VENV)], check=True)
        subprocess.run([str(OPENFISCA_VENV / "bin" / "pip"), "install", "--quiet",
                        "openfisca-core>=46,<47", "pyarrow"], check=True)
    library = write_library(work / "library-50", 50)
    profiles = work / "profiles-openfisca.parquet"
    write_profiles(profiles, enterprises, missing=0.0, seed=50)
    matcher = Matcher(library, DAY)
    source, keys = module_source(matcher, library.catalogue, DAY)
    model = work / "policy_model.py"
    model.write_text(source, encoding="utf-8")
    out = work / "openfisca.parquet"
    peer = subprocess.run([str(OPENFISCA_VENV / "bin" / "python"),
                           str(Path(__file__).parent / "openfisca_peer.py"), str(model),
                           str(profiles), str(out), str(DAY.year), str(REPEATS)],
                          capture_output=True, text=True, check=False)
    if peer.returncode:
        raise RuntimeError(peer.stderr[-3000:])
    theirs_seconds = json.loads(peer.stdout.strip().splitlines()[-1])["seconds"]
    theirs = _openfisca_pairs(pq.read_table(out), keys)
    arrow = pq.read_table(profiles)
    codes = arrow.column("credit_code").to_pylist()
    runs = {}
    for backend in ("polars", "duckdb"):
        con = backends.connect(backend, threads=2 if backend == "duckdb" else None)
        table = con.create_table("profiles", arrow)
        for keep in ("eligible", "relevant"):
            started = time.perf_counter()
            compiled = matcher.compile(table, keep)
            compile_seconds = time.perf_counter() - started
            timings = []
            for _ in range(REPEATS):
                started = time.perf_counter()
                ours = matcher.matches(compiled)
                timings.append(time.perf_counter() - started)
            seconds = statistics.median(timings)
            runs[f"{backend}/{keep}"] = {
                "seconds": seconds, "compile_seconds": compile_seconds,
                "ratio": theirs_seconds / seconds,
                **_compared(_our_pairs(ours, codes), theirs)}
    return {"enterprises": enterprises, "clauses": len(keys), "repeats": REPEATS,
            "openfisca_seconds": theirs_seconds, "ours": runs}


def _our_pairs(matches, codes: list[str]) -> dict[tuple[int, str], float]:
    position = {code: index for index, code in enumerate(codes)}
    status = matches.column("status").cast("string").to_numpy(zero_copy_only=False)
    eligible = matches.filter(status == "eligible").to_pylist()
    return {(position[row["credit_code"]], f"{row['policy']}/{row['clause']}"):
            row["amount"] or 0.0 for row in eligible}


def _openfisca_pairs(table, keys: list[str]) -> dict[tuple[int, str], float]:
    pairs = {}
    for number, key in enumerate(keys):
        flags = table.column(f"e{number}").to_numpy()
        amounts = table.column(f"a{number}").to_numpy()
        for index in np.flatnonzero(flags):
            pairs[(int(index), key)] = float(amounts[index])
    return pairs


def _compared(ours: dict, theirs: dict) -> dict:
    # OpenFisca keeps float variables in float32: amounts agree to its precision.
    worst = max((abs(ours[pair] - theirs[pair]) / max(abs(ours[pair]), 1.0)
                 for pair in ours if pair in theirs), default=0.0)
    return {"eligible_pairs": len(ours), "same_eligibility": set(ours) == set(theirs),
            "only_ours": len(set(ours) - set(theirs)),
            "only_openfisca": len(set(theirs) - set(ours)),
            "largest_relative_amount_difference": worst}


def api(work: Path, requests: int, library_dir: Path) -> dict:
    """p50/p95 of POST /api/policy/match, in-process, on the demo city with SQLite."""
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'api.sqlite3'}"
    os.environ.setdefault("DEBUG", "1")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acupoint.site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from acupoint.accounts.actions import do_issue_token
    from acupoint.accounts.models import User
    from acupoint.demo.generator import generate, write
    from acupoint.demo.loader import ensure_users, load_city
    from acupoint.engine.policy import policy_files
    from acupoint.engine.spec import read_text
    from acupoint.policies.actions import do_publish_policy

    call_command("migrate", verbosity=0)
    city = work / "city"
    write(generate(500, (2022, 2023), seed=3), city)
    load_city(city)
    ensure_users()
    analyst = User.objects.get(username="analyst")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {do_issue_token(None, analyst, 'bench')}"}
    catalogue = load_catalogue()
    profiles = synthetic_profiles(requests, catalogue, seed=9).to_pylist()
    client = Client()

    def measure(label: str) -> dict:
        timings, floor = [], []
        for profile in profiles:
            body = {"profile": {key: value for key, value in profile.items()},
                    "date": str(DAY)}
            started = time.perf_counter()
            response = client.post("/api/policy/match", body,
                                   content_type="application/json", **headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:500]
            started = time.perf_counter()
            client.get("/api/districts", **headers)
            floor.append((time.perf_counter() - started) * 1000)
        warm = timings[5:]
        return {"library": label, "clauses": response.json()["clauses_in_force"],
                "p50_ms": statistics.median(warm),
                "p95_ms": float(np.percentile(warm, 95)),
                "floor_p95_ms": float(np.percentile(floor[5:], 95))}

    results = [measure("shipped")]
    for path in policy_files([library_dir]):
        do_publish_policy(None, read_text(path), path.name, rematch=False)
    results.append(measure("1,000 clauses"))
    return {"requests": requests, "runs": results}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--clauses", type=int, default=1_000)
    parser.add_argument("--spark-enterprises", type=int, default=20_000)
    parser.add_argument("--openfisca-enterprises", type=int, default=100_000)
    parser.add_argument("--api-requests", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="A small run to try it out.")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        match_child(*args.child)
        return
    if args.quick:
        args.enterprises, args.clauses, args.spark_enterprises = 20_000, 200, 5_000
        args.openfisca_enterprises, args.api_requests = 10_000, 60
    work = Path(tempfile.mkdtemp(prefix="acupoint-policy-bench-"))
    try:
        results = {"date": str(dt.date.today())}
        results["openfisca"] = openfisca(work, args.openfisca_enterprises)
        print(json.dumps(results["openfisca"], indent=2))
        results["scale"] = scale(work, args.enterprises, args.clauses,
                                 args.spark_enterprises)
        print(json.dumps(results["scale"], indent=2))
        results["api"] = api(work, args.api_requests, work / f"library-{args.clauses}")
        print(json.dumps(results["api"], indent=2))
        report(results)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "policy_match.json").write_text(json.dumps(results, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(results: dict) -> None:
    scale_run, peer = results["scale"], results["openfisca"]
    duck = scale_run["duckdb"]
    print(f"\n{scale_run['enterprises']:,} enterprises × {duck['clauses']:,} clauses on DuckDB "
          f"(2 threads): {duck['seconds']:.1f} s, peak {duck['peak_mb']:,.0f} MB, "
          f"{duck['rows']:,} rows (eligible, unknown, near misses)")
    if "pyspark" in scale_run:
        spark = scale_run["pyspark"]
        per_duck = duck["seconds"] / scale_run["enterprises"]
        per_spark = spark["seconds"] / scale_run["spark_enterprises"]
        print(f"PySpark local[2], {scale_run['spark_enterprises']:,} enterprises: "
              f"{spark['seconds']:.1f} s; per enterprise DuckDB is {per_spark / per_duck:.1f}× "
              "faster")
    print(f"OpenFisca, {peer['enterprises']:,} enterprises × {peer['clauses']} clauses "
          f"(median of {peer['repeats']}): {peer['openfisca_seconds']:.3f} s")
    for label, run in peer["ours"].items():
        print(f"  ours, {label}: {run['seconds']:.3f} s (+ {run['compile_seconds']:.2f} s to "
              f"compile once), ratio {run['ratio']:.2f}× (≥ 1: ours is faster); same "
              f"eligibility: {run['same_eligibility']}, largest relative amount difference "
              f"{run['largest_relative_amount_difference']:.1e} (OpenFisca computes in "
              "float32)")
    for run in results["api"]["runs"]:
        print(f"API, {run['clauses']} clauses: p50 {run['p50_ms']:.1f} ms, p95 "
              f"{run['p95_ms']:.1f} ms (floor p95 {run['floor_p95_ms']:.1f} ms)")


if __name__ == "__main__":
    main()
