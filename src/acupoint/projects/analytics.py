"""Where projects wait: lead times against the 3-month record, the approval stages against
the reform's 100 working days, the funnel, waits by stage and department, loops, and the
comparison by district and year. Django only supplies the histories; the engine measures."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from acupoint.engine.process import (
    APPROVAL_BUDGET,
    NAMES,
    RECORD_LEAD_TIME,
    RECORD_WORKING_DAYS,
    Event,
    approval_days,
    first_days,
    funnel,
    lead_times,
    loops,
    overdue,
    percentile,
    waiting_by,
)
from acupoint.projects import selectors
from acupoint.projects.models import Project
from acupoint.workdays import working_days


@dataclass
class Spread:
    """Median and 90th percentile of a list of durations, and how many met a target."""

    count: int
    median: float | None
    p90: float | None
    within: int
    target: int

    @classmethod
    def of(cls, values: list[int], target: int) -> Spread:
        return cls(len(values), percentile(values, 0.5), percentile(values, 0.9),
                   sum(value <= target for value in values), target)

    @property
    def share_within(self) -> float | None:
        return self.within / self.count if self.count else None


@dataclass
class Comparison:
    """Median lead time (calendar days) by district and year of groundbreaking."""

    years: list[int]
    rows: list[tuple[str, list[tuple[int, float | None]]]]
    records: list[dict] = field(default_factory=list)


@dataclass
class Analytics:
    projects: int
    lead_time: Spread
    lead_working_days: Spread
    approval: Spread
    funnel: list[tuple[str, int]]
    by_stage: list[tuple[str, float, int]]
    by_department: list[tuple[str, float, int]]
    loops: list[tuple[str, int, int]]
    comparison: Comparison
    overdue_now: int
    fast_tracked: tuple[Spread, Spread]
    lead_times: list[int]


def working_lead_time(events: list[Event]) -> int | None:
    days = first_days(events)
    if "contact" in days and "groundbreaking" in days:
        return working_days(days["contact"], days["groundbreaking"]).days
    return None


def _comparison(projects: list[Project], histories: dict[int, list[Event]]) -> Comparison:
    values: dict[tuple[str, int], list[int]] = defaultdict(list)
    for project in projects:
        days = first_days(histories.get(project.pk, []))
        if "contact" in days and "groundbreaking" in days:
            values[(project.district.name, days["groundbreaking"].year)].append(
                (days["groundbreaking"] - days["contact"]).days)
    years = sorted({year for _district, year in values})
    districts = sorted({district for district, _year in values})
    rows = [(district, [(year, statistics.median(values[(district, year)])
                         if values.get((district, year)) else None) for year in years])
            for district in districts]
    records = [{"district": district, "year": str(year), "median": statistics.median(found),
                "projects": len(found)} for (district, year), found in sorted(values.items())]
    return Comparison(years, rows, records)


def analyse(queryset: QuerySet[Project], today: dt.date) -> Analytics:
    projects = list(queryset.select_related("district"))
    histories = selectors.histories(queryset)
    every = [histories.get(project.pk, []) for project in projects]
    record_days = RECORD_LEAD_TIME.days
    calendar = lead_times(every)
    working = [days for days in map(working_lead_time, every) if days is not None]
    approvals = [days for days in map(approval_days, every) if days is not None]
    returned = Counter(stage for events in every for stage in loops(events))
    looped_projects = Counter(stage for events in every for stage in set(loops(events)))
    stage_limits = selectors.limits()
    late = sum(overdue(events, today, stage_limits) is not None
               for project, events in zip(projects, every, strict=True)
               if project.status == Project.Status.ACTIVE)
    fast, usual = [], []
    for project, events in zip(projects, every, strict=True):
        found = lead_times([events])
        (fast if project.methods else usual).extend(found)
    return Analytics(
        projects=len(projects),
        lead_time=Spread.of(calendar, record_days),
        lead_working_days=Spread.of(working, RECORD_WORKING_DAYS),
        approval=Spread.of(approvals, APPROVAL_BUDGET),
        funnel=funnel(every),
        by_stage=waiting_by(every, "stage"),
        by_department=waiting_by(every, "department"),
        loops=[(NAMES.get(stage, stage), count, looped_projects[stage])
               for stage, count in returned.most_common()],
        comparison=_comparison(projects, histories),
        overdue_now=late,
        fast_tracked=(Spread.of(fast, record_days), Spread.of(usual, record_days)),
        lead_times=calendar)
