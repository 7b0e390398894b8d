"""Working days in China: official public holidays and the weekend days worked in their
place (chinese-calendar). Years the package does not know yet (it knows each year once the
State Council publishes its schedule and a release follows) are counted Monday to Friday, and
the result says so, until the bureau enters the year's schedule (`use_published`)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

import chinese_calendar


class WorkingDays(NamedTuple):
    days: int
    exact: bool  # False: some year's official schedule was not known; weekends only


# Schedules the bureau entered, by year: the holidays and the make-up working days; the
# other days of such a year follow the weekday rule. They take precedence over the package.
_published: dict[int, dict[dt.date, bool]] = {}


def use_published(schedules: Mapping[int, Mapping[dt.date, bool]]) -> bool:
    """Replace the entered schedules (all years at once); True when anything changed."""
    fresh = {year: dict(days) for year, days in schedules.items()}
    if fresh == _published:
        return False
    _published.clear()
    _published.update(fresh)
    _year.cache_clear()
    return True


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(whether ``day`` is a working day, whether the official schedule decided it)."""
    entered = _published.get(day.year)
    if entered is not None:
        return entered.get(day, day.weekday() < 5), True
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


@lru_cache(maxsize=64)
def _year(year: int) -> tuple[tuple[int, ...], bool, int]:
    """Working days of ``year`` counted up to and including each day, whether the official
    schedule was known for the whole year, and the ordinal of 1 January."""
    counts, total, exact = [], 0, True
    day = dt.date(year, 1, 1)
    while day.year == year:
        working, known = is_workday(day)
        total += working
        exact = exact and known
        counts.append(total)
        day += dt.timedelta(days=1)
    return tuple(counts), exact, dt.date(year, 1, 1).toordinal()


def _through(day: dt.date) -> int:
    """Working days from the start of ``day``'s year up to and including ``day``."""
    counts, _exact, first = _year(day.year)
    return counts[day.toordinal() - first]


def working_days(start: dt.date, end: dt.date) -> WorkingDays:
    """Working days after ``start`` up to and including ``end`` (0 if ``end`` ≤ ``start``)."""
    if end <= start:
        return WorkingDays(0, True)
    days = _through(end) - _through(start)
    exact = True
    for year in range(start.year, end.year):
        counts, known, _first = _year(year)
        days += counts[-1]
        exact = exact and known
    exact = exact and _year(end.year)[1]
    return WorkingDays(days, exact)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day ``days`` working days after ``start`` (``start`` itself when ``days`` ≤ 0)."""
    if days <= 0:
        return start
    year, target = start.year, _through(start) + days
    while True:
        counts = _year(year)[0]
        if target <= counts[-1]:
            return dt.date(year, 1, 1) + dt.timedelta(days=bisect_left(counts, target))
        target -= counts[-1]
        year += 1


def known_through() -> int:
    """The last year whose official schedule the package knows."""
    year = 2003
    while True:
        try:
            chinese_calendar.is_workday(dt.date(year + 1, 1, 1))
        except NotImplementedError:
            return year
        year += 1
