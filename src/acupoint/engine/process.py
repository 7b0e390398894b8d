"""Investment projects as sequences of dated stages, measured in working days (青岛速度).

A project's history is a list of stage events (接洽 … 投产). Real projects loop: a stage can
be returned and done again, and approvals can run in parallel (拿地即开工: the land and
planning permits and the construction permit on the same day), so the order is checked and
warned about, never enforced. Durations count working days with China's official holidays
and make-up working weekends (`acupoint.workdays`).

The approval reform (Shandong: 112 items cut to 73 in four stages, 立项用地规划许可, 工程建设
许可, 施工许可 and 竣工验收, in at most 100 working days) counts the government's time: from
the day a complete application is accepted (受理) to the decision (办结), the days the
applicant spends completing its file (补正) left out; not the gap between two events. The
reform publishes no split of the 100 days between the stages: a per-stage limit is a local
setting.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from acupoint.workdays import WorkingDays, is_workday, working_days

# (code, Chinese name), in the order a project goes through them.
STAGES: list[tuple[str, str]] = [
    ("contact", "接洽"), ("negotiation", "洽谈"), ("signing", "签约"),
    ("registration", "注册"), ("land_planning", "立项用地规划许可"),
    ("works_permit", "工程建设许可"), ("construction_permit", "施工许可"),
    ("groundbreaking", "开工"), ("completion", "竣工验收"), ("production", "投产"),
]
ORDER = {code: position for position, (code, _name) in enumerate(STAGES)}
NAMES = dict(STAGES)
# The reform's four approval stages, and their total in working days of government time.
APPROVAL_STAGES = ("land_planning", "works_permit", "construction_permit", "completion")
APPROVAL_BUDGET = 100
APPROVAL_BUDGET_SOURCE = "山东省工程建设项目审批制度改革：4 个阶段，审批时间合计不超过 100 个工作日"
# No per-stage limit is published: none is shipped; a bureau sets its own (a local setting).
DEFAULT_LIMITS: dict[str, int] = {}
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
class Approval:
    """One approval handled by the government: a complete application accepted (受理) on a
    day, decided (办结) on another, and the spans in which the applicant was completing its
    file (补正: from the request to the day the materials were complete), when the clock
    stops. A stage returned and applied for again is a second approval of the stage."""

    stage: str
    accepted: dt.date
    decided: dt.date | None = None
    pauses: tuple[tuple[dt.date, dt.date | None], ...] = ()

    def working_days(self, today: dt.date) -> WorkingDays:
        """Government working days so far (to the decision, or to ``today``)."""
        end = self.decided or today
        total = working_days(self.accepted, end)
        paused, exact = 0, total.exact
        for start, stop in self.pauses:
            counted = working_days(max(start, self.accepted), min(stop or end, end))
            paused, exact = paused + counted.days, exact and counted.exact
        return WorkingDays(max(total.days - paused, 0), exact)

    @property
    def paused(self) -> bool:
        """Waiting for the applicant: a correction requested and not yet complete."""
        return any(stop is None for _start, stop in self.pauses)


@dataclass(frozen=True)
class Overdue:
    """An approval past its limit: the stage's own (a local setting, ``basis`` stage) or the
    reform's total for the four stages (``basis`` budget)."""

    stage: str
    started: dt.date
    working_days: int
    limit: int
    basis: str = "stage"


def next_stage(stage: str) -> str | None:
    """The stage that follows ``stage`` (the first stage when ``stage`` is empty)."""
    position = ORDER.get(stage, -1) + 1
    return STAGES[position][0] if position < len(STAGES) else None


def approval_time(approvals: Iterable[Approval], today: dt.date) -> WorkingDays:
    """The government's working days over a project's approvals so far."""
    days, exact = 0, True
    for approval in approvals:
        counted = approval.working_days(today)
        days, exact = days + counted.days, exact and counted.exact
    return WorkingDays(days, exact)


def overdue(approvals: Sequence[Approval], today: dt.date,
            limits: Mapping[str, int] = DEFAULT_LIMITS,
            budget: int = APPROVAL_BUDGET) -> Overdue | None:
    """The approval now under way, if it is past its stage's limit, or if the project's
    approvals together are past the reform's total. Nothing is overdue while no application
    is under way: the clock is the government's, not the investor's."""
    running = [approval for approval in approvals if approval.decided is None]
    if not running:
        return None
    current = max(running, key=lambda approval: approval.accepted)
    spent = current.working_days(today).days
    limit = limits.get(current.stage)
    if limit is not None and spent > limit:
        return Overdue(current.stage, current.accepted, spent, limit)
    total = approval_time(approvals, today).days
    if total > budget:
        return Overdue(current.stage, current.accepted, total, budget, "budget")
    return None


@dataclass(frozen=True)
class Measured:
    """One project's history measured once, for the analytics of many: the first day of each
    stage, the working days each took, the stages returned, who delivered each stage, and the
    government's time on its approvals."""

    days: Mapping[str, dt.date]
    durations: Mapping[str, int]
    returned: list[str]
    departments: Mapping[str, str]
    approvals: tuple[Approval, ...] = ()

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
        """The government's working days over the four approval stages, from each complete
        application to its decision with the 补正 spans left out; None until every approval
        under way is decided (the total of a finished reform budget)."""
        decided = [item for item in self.approvals if item.decided is not None]
        if not decided or len(decided) < len(self.approvals):
            return None
        return approval_time(decided, max(item.decided for item in decided)).days

    def overdue(self, today: dt.date,
                limits: Mapping[str, int] = DEFAULT_LIMITS) -> Overdue | None:
        return overdue(self.approvals, today, limits)


def measure(events: Sequence[Event], approvals: Sequence[Approval] = ()) -> Measured:
    days = first_days(events)
    return Measured(days, _durations(days),
                    [event.stage for event in events if event.returned],
                    {event.stage: event.department for event in events if not event.returned},
                    tuple(approvals))


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
