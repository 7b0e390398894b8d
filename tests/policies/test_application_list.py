"""The bureau's list of policy applications: every application reachable by paging, those
waiting for a decision first, filters by status, policy, district, dates and a search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from acupoint.policies import actions
from acupoint.policies.models import Application, PolicyClause

pytestmark = pytest.mark.django_db


def _list(user, **query) -> str:
    browser = Client()
    browser.force_login(user)
    response = browser.get(reverse("policies:applications"), query)
    assert response.status_code == 200
    return response


def test_a_new_application_is_first_to_decide_and_found_by_filters(users, settings):
    settings.ACUPOINT_PAGE_SIZE = 5
    firm_user = users["enterprise"]
    firm = firm_user.enterprise
    clause = PolicyClause.objects.get(key="demo-manufacturing/digital-transformation")
    application = actions.do_apply(firm_user, firm, clause, day=dt.date(2024, 9, 27))
    analyst = users["analyst"]
    waiting = _list(analyst, status="submitted").context["page"]
    assert waiting.object_list[0].status in ("submitted", "pending")
    assert application.pk in {item.pk for item in waiting.paginator.object_list}
    assert all(item.status in ("submitted", "pending")
               for item in waiting.paginator.object_list)
    everything = _list(analyst).context["page"]
    assert everything.paginator.count == Application.objects.count() > 5
    last = _list(analyst, page=everything.paginator.num_pages).context["page"]
    assert len(last.object_list) == everything.paginator.count - 5 * (
        everything.paginator.num_pages - 1)
    found = _list(analyst, q=firm.credit_code, policy=clause.document.policy_id,
                  district=firm.district.code, since="2024-09-01", until="2024-09-30")
    assert [item.pk for item in found.context["page"]] == [application.pk]
    assert not list(_list(analyst, q=firm.credit_code, until="2024-09-26").context["page"])
    assert "application-filters" in found.content.decode()


def test_a_district_officer_lists_only_its_district(users):
    officer = users["huangdao"]
    page = _list(officer).context["page"]
    assert {item.enterprise.district_id for item in page.paginator.object_list} <= {
        officer.district_id}
