"""Investment projects in working days: holidays and make-up weekends, warnings that never
refuse a real history, overdue stages, analytics, and event logs that pm4py reads."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acupoint.engine.eventlog import Trace, ocel, write_ocel, write_xes
from acupoint.engine.process import (
    STAGES,
    Approval,
    Event,
    approval_time,
    funnel,
    lead_times,
    measure,
    overdue,
    percentile,
    stage_durations,
    stage_warnings,
    waiting_by,
)
from acupoint.workdays import add_working_days, is_workday, known_through, working_days

D = dt.date


@pytest.mark.parametrize(("start", "end", "days"), [
    # Spring Festival 2024: 10–17 Feb off; Sunday 4 Feb and Sunday 18 Feb worked.
    (D(2024, 2, 2), D(2024, 2, 5), 2),     # Sat 3 off, Sun 4 worked, Mon 5
    (D(2024, 2, 9), D(2024, 2, 19), 2),    # the holiday, then Sun 18 and Mon 19
    # National Day 2024: 1–7 Oct off; Sunday 29 Sep and Saturday 12 Oct worked.
    (D(2024, 9, 27), D(2024, 10, 8), 3),   # Sun 29 and Mon 30 Sep, then Tue 8 Oct
    (D(2024, 10, 11), D(2024, 10, 14), 2),  # Sat 12 Oct worked, Mon 14
    # National Day 2023: 29 Sep–6 Oct off; Saturday 7 and Sunday 8 Oct worked.
    (D(2023, 9, 28), D(2023, 10, 9), 3),   # Sat 7, Sun 8, Mon 9
    # Spring Festival 2023: 21–27 Jan off; Saturday 28 and Sunday 29 Jan worked.
    (D(2023, 1, 20), D(2023, 1, 30), 3),   # Sat 28, Sun 29, Mon 30
    # National Day and Mid-Autumn 2025: 1–8 Oct off; Sunday 28 Sep and Saturday 11 Oct worked.
    (D(2025, 9, 26), D(2025, 10, 9), 4),   # Sun 28, Mon 29, Tue 30 Sep, then Thu 9 Oct
    (D(2025, 10, 10), D(2025, 10, 13), 2),  # Sat 11 Oct worked, Mon 13
    # Spring Festival 2026: 15–23 Feb off; Saturday 14 and Saturday 28 Feb worked.
    (D(2026, 2, 13), D(2026, 2, 24), 2),   # Sat 14, then Tue 24
    (D(2026, 2, 27), D(2026, 3, 2), 2),    # Sat 28 Feb worked, Mon 2 Mar
    # Mid-Autumn (Fri 25 Sep) and National Day 2026 (1–7 Oct) off; Sunday 20 Sep and
    # Saturday 10 Oct worked.
    (D(2026, 9, 18), D(2026, 10, 9), 10),  # Sun 20, 21–24, 28–30 Sep, Thu 8 and Fri 9 Oct
])
def test_working_days_across_spring_festival_and_national_day(start, end, days):
    counted = working_days(start, end)
    assert counted.days == days and counted.exact


def test_the_2025_spring_festival_counts_its_make_up_days():
    # Spring Festival 2025: 28 Jan–4 Feb off; Sunday 26 Jan and Saturday 8 Feb worked.
    # 24 Jan (Fri) → 5 Feb (Wed): Sun 26 and Mon 27 worked, 28 Jan–4 Feb off, then 5 Feb.
    assert working_days(D(2025, 1, 24), D(2025, 2, 5)).days == 3
    assert working_days(D(2025, 2, 7), D(2025, 2, 10)).days == 2  # Sat 8 Feb worked, Mon 10


@given(st.dates(D(2022, 1, 1), D(2028, 12, 31)), st.integers(0, 900))
def test_working_days_equal_the_days_counted_one_by_one(start, span):
    end = start + dt.timedelta(days=span)
    days = [start + dt.timedelta(days=offset) for offset in range(1, span + 1)]
    counted = working_days(start, end)
    assert counted.days == sum(is_workday(day)[0] for day in days)
    assert counted.exact == all(is_workday(day)[1] for day in days)


@given(st.dates(D(2022, 1, 1), D(2027, 12, 31)), st.integers(1, 300))
def test_adding_working_days_lands_on_a_working_day_that_far_away(start, count):
    end = add_working_days(start, count)
    assert is_workday(end)[0]
    assert working_days(start, end).days == count


def test_years_without_an_official_schedule_count_weekdays_and_say_so():
    year = known_through() + 1  # the first year the installed calendar does not know
    counted = working_days(D(year, 1, 1), D(year, 1, 20))
    assert not counted.exact
    assert counted.days == sum(D(year, 1, day).weekday() < 5 for day in range(2, 21))
    assert working_days(D(year - 1, 1, 1), D(year - 1, 1, 20)).exact


HISTORY = [Event("contact", D(2024, 3, 1), "市投促局"), Event("negotiation", D(2024, 3, 8)),
           Event("signing", D(2024, 3, 20), "市投促局"),
           Event("registration", D(2024, 3, 25), "市场监管局"),
           Event("land_planning", D(2024, 5, 6), "自然资源局"),
           Event("works_permit", D(2024, 5, 6), "自然资源局"),
           Event("construction_permit", D(2024, 5, 6), "住房城乡建设局"),
           Event("groundbreaking", D(2024, 5, 8))]
# The same project's approvals as the government handled them: land and planning accepted on
# 2 April, with a correction asked on 8 April and the file completed on 15 April; the works
# and construction permits accepted on 29 April; all decided on 6 May (拿地即开工).
APPROVALS = [Approval("land_planning", D(2024, 4, 2), D(2024, 5, 6),
                      ((D(2024, 4, 8), D(2024, 4, 15)),)),
             Approval("works_permit", D(2024, 4, 29), D(2024, 5, 6)),
             Approval("construction_permit", D(2024, 4, 29), D(2024, 5, 6))]


@given(st.dates(D(2023, 1, 1), D(2026, 6, 30)),
       st.lists(st.tuples(st.booleans(), st.integers(0, 40)), min_size=10, max_size=10),
       st.randoms(use_true_random=False))
def test_a_history_in_stage_order_has_no_order_warning_and_durations_add_up(
        start, steps, random):
    """Whichever stages a project skips and in whatever order its events are stored, a
    history whose days follow the stage order is never called out of order, and its stage
    durations add up to the working days from its first to its last stage."""
    events, day = [], start
    for (code, _name), (reached, gap) in zip(STAGES, steps, strict=True):
        day += dt.timedelta(days=gap)
        if reached:
            events.append(Event(code, day))
    random.shuffle(events)
    assert "out_of_order" not in {warning.kind for warning in stage_warnings(events)}
    days = sorted(event.day for event in events)
    if days:
        assert sum(stage_durations(events).values()) == working_days(days[0], days[-1]).days


def test_land_and_construction_permit_on_one_day_is_allowed():
    assert stage_warnings(HISTORY) == []
    durations = stage_durations(HISTORY)
    assert durations["construction_permit"] == 0 and durations["works_permit"] == 0
    # 25 Mar → 6 May 2024: Qingming (4–6 Apr, 7 Apr worked) and May Day (1–5 May, 28 Apr and
    # 11 May worked) in between.
    assert durations["land_planning"] == working_days(D(2024, 3, 25), D(2024, 5, 6)).days


def test_the_approval_clock_counts_the_governments_days_without_corrections():
    land = APPROVALS[0]
    # 2 Apr → 6 May is 21 working days; 8 → 15 Apr (the applicant completing its file) is 5.
    assert working_days(D(2024, 4, 2), D(2024, 5, 6)).days == 21
    assert working_days(D(2024, 4, 8), D(2024, 4, 15)).days == 5
    assert land.working_days(D(2024, 6, 1)).days == 16
    assert approval_time(APPROVALS, D(2024, 6, 1)).days == 16 + 2 * working_days(
        D(2024, 4, 29), D(2024, 5, 6)).days
    # A correction still awaited stops the clock until today.
    awaited = Approval("land_planning", D(2024, 4, 2), None, ((D(2024, 4, 8), None),))
    assert awaited.paused and awaited.working_days(D(2024, 6, 3)).days == 3


def test_out_of_order_holiday_and_missing_stages_are_warned_not_refused():
    history = [Event("contact", D(2024, 3, 1)), Event("signing", D(2024, 2, 20)),
               Event("land_planning", D(2024, 10, 3))]
    messages = [warning.message for warning in stage_warnings(history)]
    assert any("签约 (2024-02-20) is dated before 接洽" in message for message in messages)
    assert any("2024-10-03, not a working day" in message for message in messages)
    assert any("洽谈 is missing" in message for message in messages)
    assert stage_durations(history)  # still measured


def test_an_approval_is_overdue_past_its_local_limit_or_the_reforms_total():
    under_review = [Approval("land_planning", D(2024, 4, 2))]
    # Nothing is overdue while no application is under review: no government clock runs.
    assert overdue([], D(2025, 1, 1)) is None
    # 3 Apr, 7 Apr (worked), 8–12, 15–19, 22–26, 28 Apr (worked), 29, 30: 20 working days.
    assert overdue(under_review, D(2024, 4, 30)) is None  # no local limit, 20 of 100 days
    late = overdue(under_review, D(2024, 4, 30), {"land_planning": 15})
    assert late is not None and (late.stage, late.basis, late.limit) == (
        "land_planning", "stage", 15) and late.working_days == 20
    past = overdue(under_review, D(2024, 9, 2))
    assert past is not None and past.basis == "budget" and past.limit == 100
    assert past.working_days == working_days(D(2024, 4, 2), D(2024, 9, 2)).days > 100
    decided = [Approval("land_planning", D(2024, 4, 2), D(2024, 9, 2))]
    assert overdue(decided, D(2024, 12, 31)) is None  # decided: nothing waits


def test_analytics_lead_time_funnel_loops_and_waiting():
    returned = [*HISTORY[:4], Event("land_planning", D(2024, 4, 9), "自然资源局",
                                    returned=True),
                Event("land_planning", D(2024, 4, 16), "自然资源局")]
    measured = [measure(HISTORY, APPROVALS),
                measure(returned, [Approval("land_planning", D(2024, 4, 2), D(2024, 4, 16)),
                                   Approval("works_permit", D(2024, 4, 17))]),
                measure(HISTORY[:3])]
    assert lead_times(measured) == [(D(2024, 5, 8) - D(2024, 3, 1)).days]
    assert measured[0].lead_working_days == working_days(D(2024, 3, 1), D(2024, 5, 8)).days
    assert measured[0].approval_days == approval_time(APPROVALS, D(2024, 5, 6)).days
    assert measured[1].approval_days is None  # the works permit is still under review
    assert funnel(measured) == [("接洽", 3), ("签约", 3), ("开工", 1), ("投产", 0)]
    assert measured[1].returned == ["land_planning"]
    assert stage_durations(returned)["land_planning"] == working_days(D(2024, 3, 25),
                                                                      D(2024, 4, 16)).days
    slowest = waiting_by(measured)
    assert slowest[0][0] == "立项用地规划许可"
    # 自然资源局 delivered both of the first project's planning stages and the second's one.
    assert dict((label, count) for label, _median, count in waiting_by(
        measured, "department"))["自然资源局"] == 3
    assert percentile([10, 20, 30, 40], 0.5) == 25 and percentile([], 0.9) is None


def test_event_logs_are_read_by_pm4py(tmp_path):
    import pm4py
    traces = [Trace("P001", HISTORY, {"district": "黄岛", "industry": "3612"}),
              Trace("P002", [*HISTORY[:5], Event("land_planning", D(2024, 4, 9), "自然资源局",
                                                 returned=True)], {"district": "城阳"})]
    xes, json_path = tmp_path / "projects.xes", tmp_path / "projects.jsonocel"
    write_xes(traces, xes)
    write_ocel(traces, json_path)
    log = pm4py.read_xes(str(xes))
    assert set(log["case:concept:name"]) == {"P001", "P002"}
    assert len(log) == len(HISTORY) + 6
    assert "立项用地规划许可" in set(log["concept:name"])
    assert set(log[log["case:concept:name"] == "P001"]["org:resource"].dropna()) >= {
        "市投促局", "自然资源局"}
    objects = pm4py.read_ocel2_json(str(json_path))
    assert len(objects.events) == len(HISTORY) + 6
    assert {"project", "department"} <= set(objects.objects["ocel:type"])
    assert ocel(traces)["events"][0]["relationships"][0] == {"objectId": "P001",
                                                             "qualifier": "project"}


@given(st.dates(D(2023, 1, 1), D(2026, 6, 30)), st.integers(0, 150),
       st.lists(st.tuples(st.integers(0, 150), st.integers(0, 20)), max_size=4))
def test_the_approval_clock_is_the_span_less_the_corrections(accepted, length, pauses):
    """Whatever corrections an application had, the government's days are the working days
    from acceptance to decision less those the applicant spent on its file, never below 0."""
    decided = accepted + dt.timedelta(days=length)
    spans, cursor = [], accepted
    for gap, span in sorted(pauses):
        start = max(cursor, accepted + dt.timedelta(days=gap))
        stop = min(start + dt.timedelta(days=span), decided)
        if start >= decided:
            break
        spans.append((start, stop))
        cursor = stop
    approval = Approval("land_planning", accepted, decided, tuple(spans))
    counted = approval.working_days(D(2027, 1, 1)).days
    paused = sum(working_days(start, stop).days for start, stop in spans)
    assert counted == working_days(accepted, decided).days - paused >= 0
