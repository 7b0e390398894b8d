"""Investment projects as sequences of dated stages, measured in working days (青岛速度).

A project's history is a list of stage events (接洽 … 投产). Real projects loop: a stage can
be returned and done again, and approvals can run in parallel (拿地即开工: the land
certificate and the construction permit on the same day), so the order is checked and
warned about, never enforced. Durations count working days with China's official holidays
and make-up working weekends (`acupoint.workdays`).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from acupoint.workdays import is_workday, working_days

# (code, Chinese name), in the order a project goes through them.
STAGES: list[tuple[str, str]] = [
    ("contact", "接洽"), ("negotiation", "洽谈"), ("signing", "签约"),
    ("registration", "注册"), ("filing", "立项"), ("land", "供地"),
    ("planning_permit", "规划许可"), ("construction_permit", "施工许可"),
    ("groundbreaking", "开工"), ("production", "投产"),
]
ORDER = {code: position for position, (code, _name) in enumerate(STAGES)}
NAMES = dict(STAGES)
# The approval reform: four stages from filing to the construction permit in ≤ 100 working
# days in total (Shandong), split here as each stage's own limit.
DEFAULT_LIMITS: dict[str, int] = {"filing": 20, "land": 30, "planning_permit": 20,
                                  "construction_permit": 30}
APPROVAL_BUDGET = 100
RECORD_LEAD_TIME = dt.timedelta(days=91)  # first contact to groundbreaking in 3 months (2020)
RECORD_WORKING_DAYS = 65  # the same 13 weeks, Monday to Friday
FUNNEL = [("contact", "接洽"), ("signing", "签约"), ("groundbreaking", "开工"),
          ("production", "投产")]


@dataclass(frozen=True)
class Event:
    """A stage reached (or returned, ``returned=True``) on a day, by a department."""

    stage: str
    day: dt.date
    department: str = ""
    returned: bool = False


@dataclass(frozen=True)
class StageWarning:
    """One thing that looks wrong in a history: ``kind`` and ``params`` let a page say it in
    the user's language; ``message`` says it in English."""

    stage: str
    kind: str  # unknown_stage | not_working_day | out_of_order | missing
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return WARNING_TEXTS[self.kind].format(**self.params)


WARNING_TEXTS = {
    "unknown_stage": "unknown stage '{stage}'",
    "not_working_day": "{stage} dated {day}, not a working day",
    "out_of_order": "{stage} ({day}) is dated before {earlier} ({earlier_day})",
    "missing": "{stage} is missing before {later}",
}


def stage_warnings(events: Sequence[Event]) -> list[StageWarning]:
    """What looks wrong in a history, without refusing it: unknown stages, dates out of
    order, dates on holidays, stages skipped before a later one."""
    found: list[StageWarning] = []
    done = [event for event in events if not event.returned]
    for event in events:
        if event.stage not in ORDER:
            found.append(StageWarning(event.stage, "unknown_stage", {"stage": event.stage}))
        elif not is_workday(event.day)[0]:
            found.append(StageWarning(event.stage, "not_working_day", {
                "stage": NAMES[event.stage], "day": event.day.isoformat()}))
    days = first_days(done)
    reached_in_order = sorted(days, key=ORDER.get)
    for earlier, later in zip(reached_in_order, reached_in_order[1:], strict=False):
        if days[later] < days[earlier]:
            found.append(StageWarning(later, "out_of_order", {
                "stage": NAMES[later], "day": days[later].isoformat(),
                "earlier": NAMES[earlier], "earlier_day": days[earlier].isoformat()}))
    if days:
        furthest = max(ORDER[stage] for stage in days)
        for code, name in STAGES[:furthest]:
            if code not in days:
                found.append(StageWarning(code, "missing", {
                    "stage": name, "later": STAGES[furthest][1]}))
    return found


def first_days(events: Iterable[Event]) -> dict[str, dt.date]:
    """The first day each stage was reached (a redone stage keeps its first day)."""
    days: dict[str, dt.date] = {}
    for event in sorted(events, key=lambda item: item.day):
        if not event.returned and event.stage in ORDER:
            days.setdefault(event.stage, event.day)
    return days


def _durations(days: Mapping[str, dt.date]) -> dict[str, int]:
    reached = sorted(days, key=lambda stage: ORDER[stage])
    return {stage: working_days(days[previous], days[stage]).days
            for previous, stage in zip(reached, reached[1:], strict=False)}


def stage_durations(events: Sequence[Event]) -> dict[str, int]:
    """Working days each stage took: from the previous stage reached to this one."""
    return _durations(first_days(events))


@dataclass(frozen=True)
class Overdue:
    stage: str
    started: dt.date
    working_days: int
    limit: int


def next_stage(stage: str) -> str | None:
    """The stage that follows ``stage`` (the first stage when ``stage`` is empty)."""
    position = ORDER.get(stage, -1) + 1
    return STAGES[position][0] if position < len(STAGES) else None


def _overdue(days: Mapping[str, dt.date], today: dt.date,
             limits: Mapping[str, int]) -> Overdue | None:
    if not days:
        return None
    last = max(days, key=lambda stage: ORDER[stage])
    waiting_for = next_stage(last)
    if waiting_for is None or waiting_for not in limits:
        return None
    waited = working_days(days[last], today).days
    limit = limits[waiting_for]
    return Overdue(waiting_for, days[last], waited, limit) if waited > limit else None


def overdue(events: Sequence[Event], today: dt.date,
            limits: Mapping[str, int] = DEFAULT_LIMITS) -> Overdue | None:
    """The stage a project now waits for, if it has waited longer than its limit."""
    return _overdue(first_days(events), today, limits)


@dataclass(frozen=True)
class Measured:
    """One project's history measured once, for the analytics of many: the first day of each
    stage, the working days each took, the stages returned, and who delivered each stage."""

    days: Mapping[str, dt.date]
    durations: Mapping[str, int]
    returned: list[str]
    departments: Mapping[str, str]

    @property
    def lead_time(self) -> int | None:
        """Calendar days from first contact to groundbreaking."""
        if "contact" in self.days and "groundbreaking" in self.days:
            return (self.days["groundbreaking"] - self.days["contact"]).days
        return None

    @property
    def lead_working_days(self) -> int | None:
        if "contact" in self.days and "groundbreaking" in self.days:
            return working_days(self.days["contact"], self.days["groundbreaking"]).days
        return None

    @property
    def approval_days(self) -> int | None:
        """Working days the four approval stages took together (filing to the construction
        permit), against the reform's budget of 100; None until the permit is issued."""
        if "construction_permit" not in self.days:
            return None
        return sum(self.durations.get(stage, 0) for stage in DEFAULT_LIMITS)

    def overdue(self, today: dt.date,
                limits: Mapping[str, int] = DEFAULT_LIMITS) -> Overdue | None:
        return _overdue(self.days, today, limits)


def measure(events: Sequence[Event]) -> Measured:
    days = first_days(events)
    return Measured(days, _durations(days),
                    [event.stage for event in events if event.returned],
                    {event.stage: event.department for event in events if not event.returned})


def lead_times(measured: Iterable[Measured]) -> list[int]:
    """Calendar days from first contact to groundbreaking of every project that broke
    ground."""
    return [item.lead_time for item in measured if item.lead_time is not None]


def percentile(values: Sequence[float], share: float) -> float | None:
    return float(np.percentile(values, share * 100)) if len(values) else None


def funnel(measured: Iterable[Measured]) -> list[tuple[str, int]]:
    """Projects that reached contact, signing, groundbreaking and production."""
    counts: Counter[str] = Counter()
    for item in measured:
        for code, _name in FUNNEL:
            counts[code] += code in item.days
    return [(name, counts[code]) for code, name in FUNNEL]


def waiting_by(measured: Iterable[Measured], key: str = "stage",
               until: str = "groundbreaking") -> list[tuple[str, float, int]]:
    """Where projects wait longest: per stage up to ``until`` (or per department that
    delivered it), the median working days and the number of projects, longest first."""
    waits: dict[str, list[int]] = defaultdict(list)
    for item in measured:
        for stage, days in item.durations.items():
            if ORDER[stage] > ORDER[until]:
                continue
            label = NAMES[stage] if key == "stage" else item.departments.get(stage) or "—"
            waits[label].append(days)
    rows = [(label, float(statistics.median(values)), len(values))
            for label, values in waits.items()]
    return sorted(rows, key=lambda row: -row[1])
