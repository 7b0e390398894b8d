"""Working days in China: official public holidays and the weekend days worked in their
place (chinese-calendar). Years the package does not know yet (it knows each year once the
State Council publishes its schedule) are counted Monday to Friday, and the result says so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar


@dataclass(frozen=True)
class WorkingDays:
    days: int
    exact: bool  # False: some year's official schedule was not known; weekends only


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(whether ``day`` is a working day, whether the official schedule decided it)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


@lru_cache(maxsize=64)
def _year(year: int) -> tuple[tuple[int, ...], bool]:
    """Working days of ``year`` counted up to and including each day, and whether the official
    schedule was known for the whole year."""
    counts, total, exact = [], 0, True
    day = dt.date(year, 1, 1)
    while day.year == year:
        working, known = is_workday(day)
        total += working
        exact = exact and known
        counts.append(total)
        day += dt.timedelta(days=1)
    return tuple(counts), exact


def _through(day: dt.date) -> int:
    """Working days from the start of ``day``'s year up to and including ``day``."""
    return _year(day.year)[0][day.timetuple().tm_yday - 1]


def working_days(start: dt.date, end: dt.date) -> WorkingDays:
    """Working days after ``start`` up to and including ``end`` (0 if ``end`` ≤ ``start``)."""
    if end <= start:
        return WorkingDays(0, True)
    days = _through(end) - _through(start)
    exact = True
    for year in range(start.year, end.year):
        counts, known = _year(year)
        days += counts[-1]
        exact = exact and known
    exact = exact and _year(end.year)[1]
    return WorkingDays(days, exact)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The day ``days`` working days after ``start`` (``start`` itself when ``days`` ≤ 0)."""
    day = start
    while days > 0:
        day += dt.timedelta(days=1)
        days -= is_workday(day)[0]
    return day
