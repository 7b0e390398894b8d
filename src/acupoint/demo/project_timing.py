"""How long a demo project's stages take, in working days, Django-free so that the demo and
the benchmarks draw histories alike: the usual pace, fast-tracked (the planning and building
permits on one day), returned at an approval stage and redone, stalled, or a lead that never
signs; and the approvals behind the approval stages as the government handled them (the
complete application accepted, corrections asked of the applicant, the decision)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from acupoint.engine.process import APPROVAL_STAGES, STAGES, Approval, next_stage
from acupoint.workdays import add_working_days, is_workday

# Working days each stage takes after the one before it: (usual low, usual high).
USUAL = {"negotiation": (5, 30), "signing": (10, 45), "registration": (3, 15),
         "land_planning": (20, 45), "works_permit": (8, 25), "construction_permit": (8, 30),
         "groundbreaking": (2, 15), "completion": (150, 300), "production": (10, 40)}
FAST = {"negotiation": (3, 8), "signing": (5, 12), "registration": (1, 3),
        "land_planning": (10, 18), "works_permit": (0, 0), "construction_permit": (0, 0),
        "groundbreaking": (1, 3), "completion": (120, 200), "production": (5, 15)}
APPROVALS = list(APPROVAL_STAGES[:3])


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
                  "stalled": str(rng.choice(["registration", "land_planning",
                                             "works_permit"]))}.get(kind, "production")
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


def approvals(kind: str, events: list[tuple[str, dt.date, bool]], today: dt.date,
              rng: np.random.Generator) -> list[Approval]:
    """The approvals behind a history's approval stages: each accepted a few working days
    after the stage before, some with a correction asked of the applicant (a returned stage
    is one), and decided on the stage's day; a stalled project's next approval is still under
    review."""
    reached = [(stage, day) for stage, day, returned in events if not returned]
    back = {stage: day for stage, day, returned in events if returned}
    found: list[Approval] = []
    for position, (stage, day) in enumerate(reached):
        if stage not in APPROVAL_STAGES or position == 0:
            continue
        start = back.get(stage, day)
        accepted = min(add_working_days(reached[position - 1][1], int(rng.integers(1, 6))),
                       start)
        pauses: tuple[tuple[dt.date, dt.date | None], ...] = ()
        if stage in back:
            pauses = ((back[stage], min(add_working_days(back[stage], int(rng.integers(3, 9))),
                                        day)),)
        elif rng.random() < 0.2 and accepted < day:
            asked = min(add_working_days(accepted, int(rng.integers(1, 4))), day)
            pauses = ((asked, min(add_working_days(asked, int(rng.integers(2, 8))), day)),)
        found.append(Approval(stage, accepted, day, pauses))
    if kind == "stalled" and reached:
        waiting = next_stage(reached[-1][0])
        accepted = add_working_days(reached[-1][1], int(rng.integers(2, 10)))
        if waiting in APPROVAL_STAGES and accepted <= today:
            found.append(Approval(waiting, accepted))
    return found
