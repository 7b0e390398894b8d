"""Fifty clients at once against a live server on PostgreSQL: every "only one" and every limit
holds, and nobody is answered with a server error."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.conftest import load_city_and_users

pytestmark = pytest.mark.django_db(transaction=True)
CLIENTS = 50


class Browser:
    """A signed-in client of the live server: its session and CSRF cookies, over urllib."""

    def __init__(self, base: str, user) -> None:
        login = Client()
        login.force_login(user)
        self.base = base
        self.csrf = secrets.token_hex(16)
        self.cookie = (f"{settings.SESSION_COOKIE_NAME}="
                       f"{login.cookies[settings.SESSION_COOKIE_NAME].value}; "
                       f"{settings.CSRF_COOKIE_NAME}={self.csrf}")

    def post(self, path: str, data: dict) -> int:
        request = urllib.request.Request(
            f"{self.base}{path}", data=urllib.parse.urlencode(data).encode(), method="POST",
            headers={"Cookie": self.cookie, "X-CSRFToken": self.csrf,
                     "Referer": f"{self.base}{path}"})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            error.read()
            return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def at_once(send, count: int = CLIENTS) -> Counter:
    """``send(index)`` from ``count`` threads released together; the answers' statuses."""
    barrier = threading.Barrier(count)
    statuses: list[int] = []

    def client(index: int) -> None:
        barrier.wait()
        statuses.append(send(index))

    threads = [threading.Thread(target=client, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(statuses)


def no_server_errors(statuses: Counter) -> bool:
    """Every client was answered, and none with a server error."""
    return sum(statuses.values()) == CLIENTS and not any(status >= 500 for status in statuses)


@pytest.fixture
def city(live_server, city_dir):
    if connection.vendor != "postgresql":
        pytest.skip("fifty clients at once are tested on PostgreSQL (the second pass of "
                    "make test)")
    load_city_and_users(city_dir)
    from acupoint.accounts.models import User

    return live_server.url, {user.username: user for user in User.objects.all()}


def test_one_vote_per_account(city):
    from acupoint.brands.models import Vote
    from tests.brands.test_brands import _shortlisted

    base, users = city
    selection, (entry, _other) = _shortlisted(users)
    today = dt.date.today()
    type(selection).objects.filter(pk=selection.pk).update(vote_opens=today, vote_closes=today)
    voter = Browser(base, users["analyst"])
    statuses = at_once(lambda index: voter.post(f"/brands/entries/{entry.pk}/vote", {}))
    assert no_server_errors(statuses), statuses
    assert Vote.objects.filter(selection=selection, voter=users["analyst"]).count() == 1


def test_one_application_per_clause(city):
    from acupoint.policies.models import Application, Match

    base, users = city
    firm = users["enterprise"].enterprise
    match = Match.objects.filter(enterprise=firm, status="eligible").first()
    manager = Browser(base, users["enterprise"])
    path = f"/policies/enterprise/{firm.credit_code}/apply/{match.clause_id}"
    statuses = at_once(lambda index: manager.post(path, {}))
    assert no_server_errors(statuses), statuses
    assert Application.objects.filter(enterprise=firm, clause=match.clause_id).count() == 1


def test_one_open_cultivation_application_per_rung(city):
    from acupoint.cultivation.models import Application

    base, users = city
    firm = users["enterprise"].enterprise
    manager = Browser(base, users["enterprise"])
    statuses = at_once(lambda index: manager.post(
        f"/cultivation/enterprise/{firm.credit_code}/apply", {"rung": "innovative_sme"}))
    assert no_server_errors(statuses), statuses
    assert Application.objects.filter(enterprise=firm, rung="innovative_sme").count() == 1


def _open_round(users):
    from acupoint.cocreation import actions
    from acupoint.cocreation.models import Round
    from tests.cocreation.test_actions import draft_with_clauses

    draft = draft_with_clauses(users)
    today = dt.date.today()
    return actions.do_open_round(users["admin"], draft, kind=Round.Kind.PUBLIC, opens=today,
                                 closes=today + dt.timedelta(days=30), public=True)


def test_identical_comments_are_recorded_once(city):
    from acupoint.cocreation.models import Comment

    base, users = city
    consultation = _open_round(users)
    clause = consultation.version.clauses.first()
    author = Browser(base, users["enterprise"])
    statuses = at_once(lambda index: author.post(
        f"/cocreation/rounds/{consultation.pk}/comments",
        {"clause": clause.pk, "text": "建议把补助比例提高到百分之三十"}))
    assert no_server_errors(statuses), statuses
    assert Comment.objects.filter(round=consultation).count() == 1


def test_the_hourly_comment_limit_holds(city):
    from acupoint.cocreation.actions import HOURLY_COMMENTS
    from acupoint.cocreation.models import Comment

    base, users = city
    consultation = _open_round(users)
    clause = consultation.version.clauses.first()
    author = Browser(base, users["enterprise"])
    statuses = at_once(lambda index: author.post(
        f"/cocreation/rounds/{consultation.pk}/comments",
        {"clause": clause.pk, "text": f"第{index}条意见：建议细化第{index}项申报材料"}))
    assert no_server_errors(statuses), statuses
    assert Comment.objects.filter(round=consultation).count() == HOURLY_COMMENTS
