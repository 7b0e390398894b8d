"""How long a demo project's stages take, in working days, Django-free so that the demo and
the benchmarks draw histories alike: the usual pace, fast-tracked (land and both permits on
one day), returned at an approval stage and redone, stalled, or a lead that never signs."""

from __future__ import annotations

import datetime as dt

import numpy as np

from acupoint.engine.process import STAGES
from acupoint.workdays import add_working_days, is_workday

# Working days each stage takes after the one before it: (usual low, usual high).
USUAL = {"negotiation": (5, 30), "signing": (10, 45), "registration": (3, 15),
         "filing": (4, 18), "land": (12, 32), "planning_permit": (5, 22),
         "construction_permit": (8, 30), "groundbreaking": (2, 15), "production": (150, 320)}
FAST = {"negotiation": (3, 8), "signing": (5, 12), "registration": (1, 3), "filing": (2, 5),
        "land": (8, 15), "planning_permit": (0, 0), "construction_permit": (0, 0),
        "groundbreaking": (1, 3), "production": (120, 220)}
APPROVALS = ["filing", "land", "planning_permit", "construction_permit"]


def workday(day: dt.date) -> dt.date:
    """``day``, or the first working day after it."""
    while not is_workday(day)[0]:
        day += dt.timedelta(days=1)
    return day


def history(kind: str, start: dt.date, today: dt.date,
             rng: np.random.Generator) -> list[tuple[str, dt.date, bool]]:
    """Stage events (stage, day, returned) of one project, up to today."""
    gaps = FAST if kind == "fast" else USUAL
    last_stage = {"lost": str(rng.choice(["contact", "negotiation"])),
                  "stalled": str(rng.choice(["registration", "filing", "land",
                                             "planning_permit"]))}.get(kind, "production")
    returned_at = str(rng.choice(APPROVALS)) if kind == "returned" else ""
    events, day = [("contact", start, False)], start
    for code, _name in STAGES[1:]:
        if events[-1][0] == last_stage:
            break
        low, high = gaps[code]
        if code == returned_at:
            back = add_working_days(day, int(rng.integers(low, high + 1)))
            if back > today:
                break
            events.append((code, back, True))
            day = back
        day = add_working_days(day, int(rng.integers(low, high + 1)))
        if day > today:
            break
        if code == "registration" and rng.random() < 0.08:
            continue  # an enterprise already registered in the city
        events.append((code, day, False))
    return events


def fate(rng: np.random.Generator) -> str:
    """A project's fate, drawn with the demo's shares."""
    return str(rng.choice(["usual", "fast", "returned", "stalled", "lost"],
                          p=[0.45, 0.15, 0.15, 0.12, 0.13]))
