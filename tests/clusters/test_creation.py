"""The creation standards on the demo city: the verdict for each cluster is exactly whether
all five binding conditions hold on its members' figures, computed here independently."""

from __future__ import annotations

from pathlib import Path

import ibis
import pytest

import acupoint.specs
from acupoint.clusters import inputs
from acupoint.engine.scorecard import evaluate
from acupoint.engine.spec import load_spec
from acupoint.registry.models import AnnualData, Cluster
from tests.conftest import CITY_YEARS

pytestmark = pytest.mark.django_db
SPEC = Path(acupoint.specs.__file__).parent / "clusters" / "creation_2019.yaml"
YEAR = CITY_YEARS[1]


def expected(cluster: Cluster) -> bool:
    rows = list(AnnualData.objects.filter(year=YEAR, enterprise__cluster=cluster)
                .select_related("enterprise"))
    revenue = sum(row.revenue or 0 for row in rows)
    tax = sum(row.tax or 0 for row in rows)
    land = sum(row.enterprise.land_mu or 0 for row in rows)
    leading = sum(row.revenue or 0 for row in rows if any(
        row.enterprise.industry_code.startswith(code) for code in cluster.leading_industries))
    new = [row for row in rows if row.enterprise.founded
           and YEAR - row.enterprise.founded.year < 3]
    new_land = sum(row.enterprise.land_mu or 0 for row in new)
    intensity = (sum(row.fixed_asset_investment or 0 for row in new) / new_land
                 if new_land else None)
    m2 = land * 666.67
    return bool(
        intensity is not None and intensity >= 280
        and (tax / land >= 20 or (revenue * 1e4 / m2 >= 4500 and tax * 1e4 / m2 >= 200))
        and revenue and leading / revenue >= 0.5
        and cluster.management_body and cluster.has_creation_plan
        and cluster.has_development_plan and cluster.boundary)


def test_each_cluster_is_judged_on_its_members():
    table = inputs.build(YEAR)
    clusters = list(Cluster.objects.order_by("code"))
    assert table["cluster"].to_pylist() == [cluster.code for cluster in clusters]
    evaluation = evaluate(ibis.duckdb.connect().create_table("clusters", table),
                          load_spec(SPEC))
    verdicts = {row["cluster"]: row["class"] for row in evaluation.result_arrow().to_pylist()}
    want = {cluster.code: "达标" if expected(cluster) else "未达标" for cluster in clusters}
    assert verdicts == want


def test_a_cluster_without_plans_or_boundary_fails_whatever_its_figures():
    cluster = Cluster.objects.order_by("code").first()
    cluster.has_creation_plan = False
    cluster.boundary = None
    cluster.save()
    table = inputs.build(YEAR).to_pylist()
    row = next(row for row in table if row["cluster"] == cluster.code)
    assert (row["has_creation_plan"], row["boundary_valid"]) == (0, 0)
    assert row["members"] == AnnualData.objects.filter(year=YEAR,
                                                       enterprise__cluster=cluster).count()
