"""A unit's figures against its published targets: a district's class shares against the
evaluation's quotas (A at most 20%, D at least 5%), a cluster's growth and concentration
against the plan's 10% and 70%."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from acupoint.clusters.actions import do_assess, do_publish_assessment
from acupoint.dashboard.unit import figures, plan_targets, quota_targets
from tests.conftest import CITY_YEARS, computed_run

pytestmark = pytest.mark.django_db


def test_quotas_cap_the_top_class_and_floor_the_bottom_one():
    spec = {"classes": {"levels": [{"name": "A", "top": 0.2}, {"name": "B", "top": 0.75},
                                   {"name": "C"}, {"name": "D", "bottom": 0.05}]}}
    a_share, d_share = quota_targets(spec, Counter({"A": 30, "B": 50, "C": 17, "D": 3,
                                                    "T": 40}))
    assert (a_share.value, a_share.goal, a_share.at_most, a_share.met) == (0.3, 0.2, True,
                                                                          False)
    assert (d_share.value, d_share.goal, d_share.at_most, d_share.met) == (0.03, 0.05, False,
                                                                          False)
    assert quota_targets(spec, Counter())[0].met is None


def test_a_cluster_s_growth_and_concentration_against_the_plan():
    growth, concentration = plan_targets({"revenue": 220.0, "revenue_before": 200.0,
                                          "leading_revenue": 165.0})
    assert growth.value == pytest.approx(0.1) and growth.met
    assert concentration.value == pytest.approx(0.75) and concentration.met
    assert plan_targets({"revenue": 0})[0].value is None


def test_the_district_and_the_cluster_see_their_targets(users):
    run = computed_run(users, publish=True)
    officer = users["huangdao"]
    view = figures(officer)
    grades = Counter(run.results.filter(district=officer.district).values_list("grade",
                                                                                flat=True))
    classed = sum(count for grade, count in grades.items() if grade and grade != "T")
    assert view.targets[0].value == pytest.approx(grades["A"] / classed)
    client = Client()
    client.force_login(officer)
    assert 'id="unit-targets"' in client.get(reverse("dashboard:overview")).content.decode()
    do_publish_assessment(None, do_assess(None, year=CITY_YEARS[1], fund=Decimal("5000")))
    manager = users["cluster"]
    client.force_login(manager)
    page = client.get(reverse("dashboard:overview")).content.decode()
    assert 'class="plan-targets"' in page and "70%" in page
