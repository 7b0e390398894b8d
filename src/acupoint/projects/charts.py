"""The project pages' charts as Vega-Lite specs: a project's Gantt timeline, the lead-time
distribution against the record, the funnel and the district-by-year comparison."""

from __future__ import annotations

import datetime as dt

import altair as alt
from django.utils.translation import gettext as _

from acupoint.engine.process import NAMES, ORDER, Event, first_days, next_stage
from acupoint.site.charts import ISO_DAY, fitted
from acupoint.workdays import working_days

STATE_COLOURS = {"done": "#1f5d99", "late": "#c0392b", "waiting": "#e0a800",
                 "overdue": "#c0392b"}


def gantt(events: list[Event], limits: dict[str, int], today: dt.date,
          labels: dict[str, str]) -> dict:
    """Each stage as a bar from the stage before it to the day it was reached (red past its
    limit), the stage now awaited up to today, and returned stages as crosses. ``labels``
    names the states in the user's language (done, late, waiting, overdue, returned)."""
    days = first_days(events)
    reached = sorted(days, key=lambda stage: ORDER[stage])
    bars, previous = [], None
    for stage in reached:
        start = days[previous] if previous else days[stage]
        taken = working_days(start, days[stage]).days
        late = stage in limits and taken > limits[stage]
        bars.append({"stage": NAMES[stage], "order": ORDER[stage], "start": start.isoformat(),
                     "end": days[stage].isoformat(), "working_days": taken,
                     "limit": limits.get(stage), "state": labels["late" if late else "done"]})
        previous = stage
    awaited = next_stage(reached[-1]) if reached else None
    if awaited and days[reached[-1]] < today:
        waited = working_days(days[reached[-1]], today).days
        late = awaited in limits and waited > limits[awaited]
        bars.append({"stage": NAMES[awaited], "order": ORDER[awaited],
                     "start": days[reached[-1]].isoformat(), "end": today.isoformat(),
                     "working_days": waited, "limit": limits.get(awaited),
                     "state": labels["overdue" if late else "waiting"]})
    returns = [{"stage": NAMES.get(event.stage, event.stage), "day": event.day.isoformat(),
                "department": event.department, "state": labels["returned"]}
               for event in events if event.returned]
    states = [labels[key] for key in ("done", "late", "waiting", "overdue")]
    colour = alt.Color("state:N", title=None, scale=alt.Scale(
        domain=states, range=[STATE_COLOURS[key] for key in
                              ("done", "late", "waiting", "overdue")]))
    order = [NAMES[code] for code in sorted(NAMES, key=ORDER.get)]
    y = alt.Y("stage:N", sort=order, title=None)
    layers = [
        alt.Chart(alt.Data(values=bars)).mark_bar(height=14).encode(
            y=y, x=alt.X("start:T", title=None, axis=alt.Axis(format=ISO_DAY, labelAngle=-30)),
            x2="end:T", color=colour,
            tooltip=[alt.Tooltip("stage:N", title=_("Stage")),
                     alt.Tooltip("start:T", format=ISO_DAY, title=_("From")),
                     alt.Tooltip("end:T", format=ISO_DAY, title=_("To")),
                     alt.Tooltip("working_days:Q", title=_("Working days")),
                     alt.Tooltip("limit:Q", title=_("Time limit (working days)")),
                     alt.Tooltip("state:N", title=" ")]),
        alt.Chart(alt.Data(values=bars)).mark_tick(thickness=2, color="#222").encode(
            y=y, x="end:T"),
    ]
    if returns:
        layers.append(alt.Chart(alt.Data(values=returns)).mark_point(
            shape="cross", size=90, color="#c0392b", filled=True).encode(
            y=y, x="day:T", tooltip=[alt.Tooltip("stage:N", title=_("Stage")),
                                     alt.Tooltip("day:T", format=ISO_DAY, title=_("Date")),
                                     alt.Tooltip("department:N", title=_("Department")),
                                     alt.Tooltip("state:N", title=" ")]))
    return fitted(alt.layer(*layers).properties(width="container", height=alt.Step(24)))


def lead_time_histogram(days: list[int], record: int, titles: dict[str, str]) -> dict:
    """Calendar days from first contact to groundbreaking, with the record as a rule."""
    bars = alt.Chart(alt.Data(values=[{"days": value} for value in days])).mark_bar(
        color="#1f5d99").encode(
        x=alt.X("days:Q", bin=alt.Bin(step=15), title=titles["days"]),
        y=alt.Y("count():Q", title=titles["projects"]))
    rule = alt.Chart(alt.Data(values=[{"days": record, "label": titles["record"]}])).mark_rule(
        color="#c0392b", strokeWidth=2).encode(
        x="days:Q", tooltip=[alt.Tooltip("label:N", title=" "),
                             alt.Tooltip("days:Q", title=titles["days"])])
    return fitted(alt.layer(bars, rule).properties(width="container", height=220))


def comparison(records: list[dict], titles: dict[str, str]) -> dict:
    """Median lead time by district (rows) and year (columns), the number of projects in
    the tooltip."""
    base = alt.Chart(alt.Data(values=records)).encode(
        x=alt.X("year:O", title=None), y=alt.Y("district:N", title=None))
    cells = base.mark_rect().encode(
        color=alt.Color("median:Q", title=titles["median"],
                        scale=alt.Scale(scheme="orangered")),
        tooltip=[alt.Tooltip("district:N", title=_("District")),
                 alt.Tooltip("year:O", title=_("Year")),
                 alt.Tooltip("median:Q", format=".0f", title=titles["median"]),
                 alt.Tooltip("projects:Q", title=_("Projects"))])
    text = base.mark_text(fontSize=11).encode(text=alt.Text("median:Q", format=".0f"))
    return fitted(alt.layer(cells, text).properties(width="container", height=alt.Step(24)))
