"""Working days in China: official public holidays and the weekend days worked in their
place (chinese-calendar). Years the package does not know yet (it knows each year once the
State Council publishes its schedule) are counted Monday to Friday, and the result says so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def working_days(start: dt.date, end: dt.date) -> WorkingDays:
    """Working days after ``start`` up to and including ``end`` (0 if ``end`` ≤ ``start``)."""
    days, exact = 0, True
    day = start + dt.timedelta(days=1)
    while day <= end:
        working, known = is_workday(day)
        days += working
        exact = exact and known
        day += dt.timedelta(days=1)
    return WorkingDays(days, exact)
