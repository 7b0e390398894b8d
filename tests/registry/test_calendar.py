"""The holiday schedule the bureau enters for a year the shipped calendar does not know yet:
read line by line from the notice's wording, refused whole with every problem by line, and
used at once by every working-day count, which stops calling itself approximate.

The year is the first one the installed calendar does not know, so the tests keep their
meaning when a newer calendar release knows more years."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from acupoint import workdays
from acupoint.accounts.models import AuditEntry
from acupoint.projects import selectors
from acupoint.registry import actions, calendar
from acupoint.registry.models import CalendarDay
from tests.projects.test_actions import make_project

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = workdays.known_through() + 1
FIRST_SUNDAY_OF_MARCH = next(D(YEAR, 3, day) for day in range(1, 8)
                             if D(YEAR, 3, day).weekday() == 6)
NOTICE = f"""{YEAR}-01-01 休 元旦
{YEAR}-02-01 至 {YEAR}-02-07 休 春节
{FIRST_SUNDAY_OF_MARCH.isoformat()} 班 调休
{YEAR}-3-31 上班
"""


def weekdays(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days after ``start`` up to and including ``end``."""
    return sum((start + dt.timedelta(days=offset)).weekday() < 5
               for offset in range(1, (end - start).days + 1))


def taken_off(start: dt.date, end: dt.date) -> int:
    """Weekdays of the notice's holidays in the span, less its make-up days there."""
    holidays = [D(YEAR, 1, 1), *(D(YEAR, 2, day) for day in range(1, 8))]
    made_up = [FIRST_SUNDAY_OF_MARCH, D(YEAR, 3, 31)]
    inside = [day for day in holidays if start < day <= end and day.weekday() < 5]
    return len(inside) - sum(start < day <= end and day.weekday() >= 5 for day in made_up)


@pytest.fixture(autouse=True)
def _forget_entered_schedules():
    yield
    workdays.use_published({})


def test_a_notice_is_read_into_days_and_bad_lines_are_named():
    entries, problems = calendar.parse(YEAR, NOTICE)
    assert problems == []
    assert [entry.day for entry in entries if not entry.working] == [
        D(YEAR, 1, 1), *(D(YEAR, 2, day) for day in range(1, 8))]
    assert [entry.day for entry in entries if entry.working] == [FIRST_SUNDAY_OF_MARCH,
                                                                 D(YEAR, 3, 31)]
    with translation.override("en"):
        _entries, problems = calendar.parse(YEAR, f"{YEAR}-02-30 休\n春节放假\n"
                                                  f"{YEAR - 1}-12-31 休\n{YEAR}-01-01 休\n"
                                                  f"{YEAR}-01-01 班")
    assert [problem.split(":")[0] for problem in problems] == [
        "Line 1", "Line 2", "Line 3", "Line 5"]
    assert calendar.parse(YEAR, "\n \n")[1]


def test_an_entered_year_is_counted_exactly_and_a_bad_one_keeps_nothing(users):
    start, end = D(YEAR, 1, 20), D(YEAR, 3, 10)
    before = workdays.working_days(start, end)
    assert not before.exact and before.days == weekdays(start, end)
    with pytest.raises(ValidationError) as refused:
        actions.do_enter_calendar(users["admin"], YEAR, NOTICE + f"{YEAR}-13-01 休\n节后")
    assert len(refused.value.messages) == 2 and not CalendarDay.objects.exists()
    with pytest.raises(PermissionDenied):
        actions.do_enter_calendar(users["huangdao"], YEAR, NOTICE)
    assert actions.do_enter_calendar(users["admin"], YEAR, NOTICE) == 10
    after = workdays.working_days(start, end)
    assert after.exact and after.days == weekdays(start, end) - taken_off(start, end)
    assert taken_off(start, end) >= 4  # at least four weekdays of the festival, one made up
    assert AuditEntry.objects.filter(action="registry.calendar", object_id=str(YEAR)).exists()
    assert actions.do_enter_calendar(users["admin"], YEAR, f"{YEAR}-01-01 休") == 1
    assert CalendarDay.objects.count() == 1  # the year's schedule is replaced whole


def test_a_project_waiting_into_an_unknown_year_is_marked_approximate_until_entered(users):
    first_contact = D(YEAR - 1, 11, 2)
    project = make_project(users["admin"], first_contact=min(first_contact, dt.date.today()))
    today = D(YEAR, 3, 10)
    before = selectors.card(project, selectors.limits(), today)
    assert not before.exact
    actions.do_enter_calendar(users["admin"], YEAR, NOTICE)
    after = selectors.card(project, selectors.limits(), today)
    assert after.exact
    assert after.waited == before.waited - taken_off(D(YEAR - 1, 12, 31), today)


def test_the_calendar_page_shows_what_is_known_and_takes_the_bureau_s_schedule(users):
    client = Client()
    client.force_login(users["admin"])
    page = client.get(reverse("registry:calendar")).content.decode()
    assert str(workdays.known_through()) in page
    assert "每年国务院" in page  # the yearly routine, in the bureau's language
    bad = client.post(reverse("registry:calendar"), {"year": YEAR, "text": f"{YEAR}-02-30 休"},
                      follow=True)
    assert "第 1 行" in bad.content.decode() and not CalendarDay.objects.exists()
    client.post(reverse("registry:calendar"), {"year": YEAR, "text": NOTICE})
    assert CalendarDay.objects.count() == 10
    assert f"<td>{YEAR}</td>" in client.get(reverse("registry:calendar")).content.decode()
    officer = Client()
    officer.force_login(users["huangdao"])
    assert 'id="calendar-form"' in officer.get(reverse("registry:calendar")).content.decode()
    officer.post(reverse("registry:calendar"), {"year": YEAR, "text": f"{YEAR}-01-04 休"})
    assert CalendarDay.objects.count() == 10
