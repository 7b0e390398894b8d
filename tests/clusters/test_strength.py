"""Cluster strength: location quotients summed in the database equal the firm-by-firm sums,
and the remembered stars follow their inputs."""

from __future__ import annotations

import pytest

from acupoint.clusters import assessing, strength
from acupoint.registry.models import AnnualData, Cluster
from tests.conftest import CITY_YEARS

pytestmark = pytest.mark.django_db
YEAR = CITY_YEARS[1]


def test_location_quotients_equal_firm_by_firm_sums():
    rows = list(AnnualData.objects.filter(year=YEAR).values_list(
        "enterprise__industry_code", "enterprise__cluster_id", "revenue"))
    city = sum(revenue or 0 for _, _, revenue in rows)
    found = strength.location_quotients(YEAR)
    checked = 0
    for cluster in Cluster.objects.all():
        leading = tuple(cluster.leading_industries)
        own = [(code, revenue or 0) for code, owner, revenue in rows if owner == cluster.pk]
        own_total = sum(revenue for _, revenue in own)
        own_leading = sum(revenue for code, revenue in own if code.startswith(leading))
        city_leading = sum(revenue or 0 for code, _, revenue in rows if code.startswith(leading))
        if not own_total or not city_leading:
            continue
        expected = (own_leading / own_total) / (city_leading / city)
        assert found[cluster.code][0] == pytest.approx(expected, rel=1e-9)
        checked += 1
    assert checked >= 3


def test_remembered_stars_follow_their_inputs():
    codes = set(Cluster.objects.values_list("code", flat=True))
    table = assessing.period_table(YEAR, str(YEAR), codes, codes)
    miit, base = strength._stars(strength._ipc(table))
    again, _ = strength._stars(strength._ipc(table))
    assert again == miit and set(base) == codes
    halved = table.set_column(table.schema.get_field_index("revenue"), "revenue",
                              [[(value or 0) / 1000 for value in table["revenue"].to_pylist()]])
    smaller, _ = strength._stars(strength._ipc(halved))
    assert any(smaller[code]["score"] != miit[code]["score"] for code in codes)
