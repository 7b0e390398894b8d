"""Each role lands on its own workbench: the enterprise on its standing and next steps, a
district officer and a cluster manager on their to-dos and targets, the bureau on its queue
across capabilities, a participant on its consultations and its department's queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from acupoint.clusters.actions import do_assess, do_publish_assessment
from acupoint.dashboard.enterprise import timeline, weakest
from acupoint.dashboard.todos import previous_quarter
from acupoint.policies import actions as policies
from acupoint.policies.models import PolicyClause
from acupoint.triage.cards import IndicatorRow
from acupoint.triage.models import Appeal
from tests.conftest import CITY_YEARS, computed_run

pytestmark = pytest.mark.django_db


def _page(user) -> str:
    browser = Client()
    browser.force_login(user)
    response = browser.get(reverse("dashboard:overview"))
    assert response.status_code == 200
    return response.content.decode()


def _todo(page: str, key: str) -> int:
    marker = f'data-todo="{key}"'
    assert marker in page, key
    after = page.split(marker, 1)[1]
    return int(after.split('class="todo-count">', 1)[1].split("<", 1)[0].replace(",", ""))


def test_the_enterprise_sees_its_class_policies_applications_and_ladder(users):
    firm_user = users["enterprise"]
    run = computed_run(users, publish=True)
    result = run.results.get(enterprise=firm_user.enterprise)
    clause = PolicyClause.objects.get(key="demo-manufacturing/digital-transformation")
    policies.do_apply(firm_user, firm_user.enterprise, clause, day=dt.date.today())
    page = _page(firm_user)
    assert f'id="bench-grade">{result.grade or "—"}<' in page
    assert reverse("triage:card", args=[run.pk, firm_user.enterprise.credit_code]) in page
    assert clause.title in page and 'class="steps"' in page
    assert 'id="bench-ladder"' in page and reverse(
        "cultivation:ladder", args=[firm_user.enterprise.credit_code]) in page
    assert "city-figures" not in page  # the enterprise is not handed the city's counts


def test_the_indicator_with_most_points_left_is_the_one_to_raise():
    rows = [IndicatorRow("tax", "亩均税收", "万元/亩", 10, 30, "", 0.4, 0.4, 16),
            IndicatorRow("rd", "研发投入强度", "%", 1, 3, "", 0.1, 0.1, 1),
            IndicatorRow("pollution", "单位排放增加值", "万元/吨", 50, 40, "", 1.0, 0.5, 50)]
    # 0.4 × 0.6 = 0.24 left on 亩均税收, 0.1 × 0.9 = 0.09 on R&D, none on emissions.
    assert weakest(rows).name == "亩均税收"
    assert weakest([rows[2]]) is None
    on_100 = [IndicatorRow(row.code, row.name, row.unit, row.raw, row.benchmark, "",
                           row.normalised * 100, row.weight, row.contribution) for row in rows]
    assert weakest(on_100, ceiling=100).name == "亩均税收"  # a 0–100 minmax scale


def test_an_application_s_timeline_follows_its_status(users):
    firm_user = users["enterprise"]
    clause = PolicyClause.objects.get(key="demo-manufacturing/digital-transformation")
    application = policies.do_apply(firm_user, firm_user.enterprise, clause,
                                    day=dt.date(2024, 9, 27))
    assert [step.done for step in timeline(application)] == [True, False, False]
    policies.do_decide_application(users["admin"], application, "approved",
                                   dt.date(2024, 10, 8))
    application.refresh_from_db()
    assert [(step.done, step.day) for step in timeline(application)][1] == (
        True, dt.date(2024, 10, 8))


def test_the_district_officer_sees_appeals_to_check_and_the_classes_of_its_firms(users):
    officer = users["huangdao"]
    run = computed_run(users, publish=True)
    before = _todo(_page(officer), "appeals")
    own = run.results.filter(district=officer.district).first()
    Appeal.objects.create(run=run, enterprise=own.enterprise, year=run.year, field="land_mu",
                          claimed_value=1.0, reason="面积有误")
    page = _page(officer)
    assert _todo(page, "appeals") == before + 1
    grades = run.results.filter(district=officer.district).values_list("grade", flat=True)
    for grade in {grade for grade in grades if grade}:
        assert f"{grade} 类（{run.year}）" in page


def test_the_cluster_manager_sees_the_binding_standards_and_the_report_due(users):
    manager = users["cluster"]
    assessment = do_assess(None, year=CITY_YEARS[1], fund=Decimal("5000"))
    do_publish_assessment(None, assessment)
    page = _page(manager)
    result = assessment.results.get(cluster=manager.cluster)
    assert f'data-cluster="{manager.cluster.code}"' in page
    assert page.count('<li class="met">') + page.count('<li class="not-met">') >= len(
        result.binding)
    assert _todo(page, "reports") == 1
    assert previous_quarter(dt.date(2026, 12, 5)) == "2026Q3"
    assert previous_quarter(dt.date(2027, 2, 1)) == "2026Q4"


def test_the_bureau_sees_its_queue_and_the_city(users):
    firm_user = users["enterprise"]
    clause = PolicyClause.objects.get(key="demo-manufacturing/digital-transformation")
    page = _page(users["analyst"])
    waiting = _todo(page, "applications")
    policies.do_apply(firm_user, firm_user.enterprise, clause, day=dt.date.today())
    page = _page(users["analyst"])
    assert _todo(page, "applications") == waiting + 1
    assert 'id="enterprise-count"' in page
    for key in ("demands", "comments", "appeals", "escalations", "recognitions", "expiring"):
        _todo(page, key)


def test_a_department_member_sees_its_queue_and_consultations(users):
    from acupoint.projects.models import Department

    land = Department.objects.get(code="natural-resources")
    land.members.add(users["ziran"])
    page = _page(users["ziran"])
    assert 'id="open-consultations"' in page and "department-queue" in page
    assert land.name in page
