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
    Measured,
    funnel,
    lead_times,
    measure,
    percentile,
    waiting_by,
)
from acupoint.projects import selectors
from acupoint.projects.models import Project


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


def _comparison(projects: list[Project], measured: list[Measured]) -> Comparison:
    values: dict[tuple[str, int], list[int]] = defaultdict(list)
    for project, item in zip(projects, measured, strict=True):
        if item.lead_time is not None:
            values[(project.district.name, item.days["groundbreaking"].year)].append(
                item.lead_time)
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
    under_way = selectors.approvals(queryset)
    measured = [measure(histories.get(project.pk, []), under_way.get(project.pk, []))
                for project in projects]
    record_days = RECORD_LEAD_TIME.days
    calendar = lead_times(measured)
    returned = Counter(stage for item in measured for stage in item.returned)
    looped_projects = Counter(stage for item in measured for stage in set(item.returned))
    stage_limits = selectors.limits()
    active = [item for project, item in zip(projects, measured, strict=True)
              if project.status == Project.Status.ACTIVE]
    fast = lead_times(item for project, item in zip(projects, measured, strict=True)
                      if project.methods)
    usual = lead_times(item for project, item in zip(projects, measured, strict=True)
                       if not project.methods)
    return Analytics(
        projects=len(projects),
        lead_time=Spread.of(calendar, record_days),
        lead_working_days=Spread.of([item.lead_working_days for item in measured
                                     if item.lead_working_days is not None],
                                    RECORD_WORKING_DAYS),
        approval=Spread.of([item.approval_days for item in measured
                            if item.approval_days is not None], APPROVAL_BUDGET),
        funnel=funnel(measured),
        by_stage=waiting_by(measured, "stage"),
        by_department=waiting_by(measured, "department"),
        loops=[(NAMES.get(stage, stage), count, looped_projects[stage])
               for stage, count in returned.most_common()],
        comparison=_comparison(projects, measured),
        overdue_now=sum(item.overdue(today, stage_limits) is not None for item in active),
        fast_tracked=(Spread.of(fast, record_days), Spread.of(usual, record_days)),
        lead_times=calendar)
