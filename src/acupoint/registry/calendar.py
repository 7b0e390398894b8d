"""The holiday schedules the bureau enters for years the shipped calendar does not know yet,
read from the State Council's notice as lines such as

    2027-01-01 休 元旦
    2027-02-06 至 2027-02-12 休 春节
    2027-02-14 班

and kept in step with `acupoint.workdays` in every process."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from acupoint import workdays
from acupoint.registry.models import CalendarDay

LINE = re.compile(r"^(?P<start>\d{4}-\d{1,2}-\d{1,2})"
                  r"(?:\s*(?:至|到|~|～)\s*(?P<end>\d{4}-\d{1,2}-\d{1,2}))?"
                  r"\s+(?P<kind>休|放假|班|上班)(?:\s+(?P<note>.*))?$")
WORKING = {"班": True, "上班": True, "休": False, "放假": False}
SYNC_EVERY = 30.0  # seconds between two looks at the table in one process
_last_sync = -SYNC_EVERY


@dataclass(frozen=True)
class Entry:
    day: dt.date
    working: bool
    note: str


def parse(year: int, text: str) -> tuple[list[Entry], list[str]]:
    """Every day a schedule's lines name, and every problem by line number."""
    entries: dict[dt.date, Entry] = {}
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        found = LINE.match(line)
        if found is None:
            problems.append(_("Line %(line)s: write a date or a range (2027-02-06 至 "
                              "2027-02-12), then 休 or 班: “%(text)s”") % {
                "line": number, "text": line[:60]})
            continue
        try:
            start = dt.date.fromisoformat(_padded(found["start"]))
            end = dt.date.fromisoformat(_padded(found["end"] or found["start"]))
        except ValueError:
            problems.append(_("Line %(line)s: no such date.") % {"line": number})
            continue
        if start.year != year or end.year != year or end < start:
            problems.append(_("Line %(line)s: the dates must lie in %(year)s, the first "
                              "not after the last.") % {"line": number, "year": year})
            continue
        working = WORKING[found["kind"]]
        day = start
        while day <= end:
            if day in entries and entries[day].working != working:
                problems.append(_("Line %(line)s: %(day)s is already given as the "
                                  "opposite.") % {"line": number, "day": day.isoformat()})
            entries[day] = Entry(day, working, (found["note"] or "").strip()[:100])
            day += dt.timedelta(days=1)
    if not entries and not problems:
        problems.append(_("The schedule is empty."))
    return sorted(entries.values(), key=lambda entry: entry.day), problems


def _padded(text: str) -> str:
    year, month, day = text.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def sync(force: bool = False) -> None:
    """Bring this process's working-day calendar in step with the entered schedules (one small
    query, at most every 30 seconds unless forced)."""
    global _last_sync
    now = time.monotonic()
    if not force and now - _last_sync < SYNC_EVERY:
        return
    schedules: dict[int, dict[dt.date, bool]] = defaultdict(dict)
    for day, working in CalendarDay.objects.values_list("day", "working"):
        schedules[day.year][day] = working
    workdays.use_published(schedules)
    _last_sync = now


def as_text(year: int) -> str:
    """A year's entered schedule written back in the lines it is entered as."""
    return "\n".join(f"{item.day.isoformat()} {'班' if item.working else '休'} {item.note}"
                     .rstrip() for item in CalendarDay.objects.filter(day__year=year))
