"""The demo's work in progress: every brand selection state, a published cluster assessment,
and an enterprise user whose firm belongs to its cluster's leading industries."""

from __future__ import annotations

from collections import Counter

import pytest

from acupoint.brands.models import Entry, Selection
from acupoint.clusters.models import Assessment
from acupoint.demo import brands, ladder, race
from acupoint.demo.loader import demo_enterprise

pytestmark = pytest.mark.django_db


def test_brand_selections_are_seeded_in_every_state_once(users):
    ladder.seed(count=200)
    made = brands.seed(users["admin"])
    assert made == brands.PER_SELECTION * 3
    assert set(Selection.objects.values_list("status", flat=True)) == set(Selection.Status.values)
    states = Counter(Entry.objects.values_list("status", flat=True))
    assert set(states) == set(Entry.Status.values)
    assert brands.seed(users["admin"]) == 0


def test_a_cluster_assessment_is_published_for_the_year_before_the_latest():
    race.publish_assessment()
    published = Assessment.objects.get(status=Assessment.Status.PUBLISHED)
    assert published.results.count() > 0
    race.publish_assessment()
    assert Assessment.objects.count() == 1


def test_the_demo_enterprise_makes_what_its_cluster_makes():
    firm = demo_enterprise()
    assert firm.cluster is not None
    assert firm.industry_code.startswith(tuple(firm.cluster.leading_industries))
