"""Project fast track at the scale of a province: where projects wait, with pm4py as peer.

1. Working days: the working days of every stage of N projects, ours (per-year tables) against
   chinese-calendar's own `get_workdays` (what a script would call), checked equal.
2. Analytics of N projects (lead times in days and working days, approval stages, funnel,
   waits by stage and by department, loops, overdue now), against pm4py's case durations and
   performance DFG on the same event log (calendar time only: pm4py knows no Chinese
   holidays), for the time ratio.
3. The event log written as XES and OCEL 2.0 and read back by pm4py.

    python bench/projects.py [--projects 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import chinese_calendar  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pm4py  # noqa: E402

from acupoint.demo import project_timing as timing  # noqa: E402
from acupoint.engine.eventlog import Trace, write_ocel, write_xes  # noqa: E402
from acupoint.engine.process import (  # noqa: E402
    DEFAULT_LIMITS,
    NAMES,
    Event,
    first_days,
    funnel,
    lead_times,
    measure,
    percentile,
    waiting_by,
)
from acupoint.workdays import working_days  # noqa: E402
from common import RESULTS  # noqa: E402

TODAY = dt.date(2026, 11, 30)
DEPARTMENTS = {"contact": "市投资促进局", "negotiation": "市投资促进局", "signing": "市投资促进局",
               "registration": "市市场监督管理局", "filing": "市发展和改革委员会",
               "land": "市自然资源和规划局", "planning_permit": "市自然资源和规划局",
               "construction_permit": "市住房和城乡建设局"}


def histories(count: int, seed: int = 2019) -> list[list[Event]]:
    rng = np.random.default_rng(seed)
    span = (TODAY - dt.date(2023, 1, 3)).days - 20
    found = []
    for _number in range(count):
        start = timing.workday(dt.date(2023, 1, 3) + dt.timedelta(days=int(rng.integers(span))))
        found.append([Event(stage, day, DEPARTMENTS.get(stage, ""), returned) for stage, day,
                      returned in timing.history(timing.fate(rng), start, TODAY, rng)])
    return found


def analyse(every: list[list[Event]]) -> dict:
    """What the analytics page computes (`acupoint.projects.analytics`), without the
    database."""
    measured = [measure(events) for events in every]
    calendar = lead_times(measured)
    working = [item.lead_working_days for item in measured
               if item.lead_working_days is not None]
    return {"lead_median": percentile(calendar, 0.5), "lead_p90": percentile(calendar, 0.9),
            "working_median": percentile(working, 0.5),
            "approvals": [item.approval_days for item in measured
                          if item.approval_days is not None],
            "funnel": funnel(measured), "by_stage": waiting_by(measured, "stage"),
            "by_department": waiting_by(measured, "department"),
            "loops": sum(len(item.returned) for item in measured),
            "overdue": sum(item.overdue(TODAY, DEFAULT_LIMITS) is not None
                           for item in measured)}


def event_frame(every: list[list[Event]]) -> pd.DataFrame:
    rows = [{"case:concept:name": f"project-{number}", "concept:name": NAMES[event.stage],
             "time:timestamp": pd.Timestamp(event.day), "org:resource": event.department}
            for number, events in enumerate(every) for event in events if not event.returned]
    return pd.DataFrame(rows)


def peer(frame: pd.DataFrame) -> dict:
    durations = pm4py.get_all_case_durations(frame)
    dfg, _start, _end = pm4py.discover_performance_dfg(frame)
    return {"case_median_days": statistics.median(durations) / 86_400, "dfg_edges": len(dfg)}


def spans(every: list[list[Event]]) -> list[tuple[dt.date, dt.date]]:
    found = []
    for events in every:
        days = sorted(first_days(events).values())
        found += list(zip(days, days[1:], strict=False))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=20_000)
    args = parser.parse_args()
    results: dict = {"projects": args.projects}

    started = time.perf_counter()
    every = histories(args.projects)
    results["events"] = sum(map(len, every))
    results["generate_s"] = time.perf_counter() - started
    print(f"{args.projects:,} projects, {results['events']:,} stage events "
          f"(generated in {results['generate_s']:.1f} s)")

    pairs = spans(every)
    started = time.perf_counter()
    ours = [working_days(start, end).days for start, end in pairs]
    results["workdays_ours_s"] = time.perf_counter() - started
    sample = pairs[:5_000]
    started = time.perf_counter()
    theirs = [len(chinese_calendar.get_workdays(start + dt.timedelta(days=1), end))
              if end > start else 0 for start, end in sample]
    per_span_peer = (time.perf_counter() - started) / len(sample)
    assert theirs == ours[:len(sample)], "working days differ from chinese-calendar's"
    results["workdays_peer_s"] = per_span_peer * len(pairs)
    print(f"working days of {len(pairs):,} stages: ours {results['workdays_ours_s']:.2f} s, "
          f"chinese-calendar get_workdays {results['workdays_peer_s']:.1f} s (timed on "
          f"{len(sample):,}, same counts): "
          f"{results['workdays_peer_s'] / results['workdays_ours_s']:.0f}× faster")

    started = time.perf_counter()
    figures = analyse(every)
    results["analytics_s"] = time.perf_counter() - started
    frame = event_frame(every)
    started = time.perf_counter()
    theirs = peer(frame)
    results["pm4py_s"] = time.perf_counter() - started
    results["ratio_pm4py_over_ours"] = results["pm4py_s"] / results["analytics_s"]
    print(f"analytics: ours {results['analytics_s']:.2f} s (lead time median "
          f"{figures['lead_median']:.0f} d, P90 {figures['lead_p90']:.0f} d, working-day "
          f"median {figures['working_median']:.0f}, {figures['overdue']:,} overdue, "
          f"{figures['loops']:,} returns); pm4py case durations + performance DFG "
          f"{results['pm4py_s']:.2f} s: ratio {results['ratio_pm4py_over_ours']:.2f}")

    traces = [Trace(f"project-{number}", events) for number, events in enumerate(every)]
    with tempfile.TemporaryDirectory() as folder:
        xes, ocel_path = Path(folder) / "log.xes", Path(folder) / "log.jsonocel"
        started = time.perf_counter()
        write_xes(traces, xes)
        results["xes_write_s"] = time.perf_counter() - started
        started = time.perf_counter()
        log = pm4py.read_xes(str(xes))
        results["xes_read_pm4py_s"] = time.perf_counter() - started
        assert log["case:concept:name"].nunique() == args.projects
        started = time.perf_counter()
        write_ocel(traces, ocel_path)
        results["ocel_write_s"] = time.perf_counter() - started
        started = time.perf_counter()
        objects = len(pm4py.read_ocel2_json(str(ocel_path)).objects)
        results["ocel_read_pm4py_s"] = time.perf_counter() - started
    print(f"XES: written in {results['xes_write_s']:.1f} s, read by pm4py in "
          f"{results['xes_read_pm4py_s']:.1f} s; OCEL 2.0: written in "
          f"{results['ocel_write_s']:.1f} s, read by pm4py in "
          f"{results['ocel_read_pm4py_s']:.1f} s ({objects:,} objects)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "projects.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
