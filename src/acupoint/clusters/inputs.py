"""The cluster-year table the creation standards (and later the race) read, aggregated from
the registry's member enterprises: one row per cluster for the year asked."""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa

from acupoint.registry.geometry import boundary_problem
from acupoint.registry.models import AnnualData, Cluster

NEW_PROJECT_YEARS = 3  # a member founded this recently counts as a new industrial project


def _leading(industry_code: str, codes: list[str]) -> bool:
    return any(industry_code.startswith(code) for code in codes)


def build(year: int) -> pa.Table:
    clusters = {cluster.pk: cluster for cluster in Cluster.objects.all()}
    sums: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    rows = (AnnualData.objects.filter(year=year, enterprise__cluster__isnull=False)
            .values_list("enterprise__cluster_id", "enterprise__industry_code",
                         "enterprise__land_mu", "enterprise__founded", "revenue", "tax",
                         "fixed_asset_investment"))
    for cluster_id, industry_code, land, founded, revenue, tax, investment in rows.iterator(
            chunk_size=5000):
        total = sums[cluster_id]
        total["members"] += 1
        total["revenue"] += revenue or 0.0
        total["tax"] += tax or 0.0
        total["land_mu"] += land or 0.0
        if _leading(industry_code or "", clusters[cluster_id].leading_industries):
            total["leading_revenue"] += revenue or 0.0
        if founded is not None and year - founded.year < NEW_PROJECT_YEARS:
            total["new_investment"] += investment or 0.0
            total["new_land_mu"] += land or 0.0
    codes = sorted(clusters.values(), key=lambda cluster: cluster.code)
    figures = ("members", "revenue", "tax", "land_mu", "leading_revenue", "new_investment",
               "new_land_mu")
    table = {
        "cluster": [cluster.code for cluster in codes],
        "year": pa.array([year] * len(codes), pa.int32()),
        **{name: [sums[cluster.pk].get(name, 0.0) if cluster.pk in sums else None
                  for cluster in codes] for name in figures},
        "has_management_body": [int(bool(cluster.management_body.strip())) for cluster in codes],
        "has_creation_plan": [int(cluster.has_creation_plan) for cluster in codes],
        "has_development_plan": [int(cluster.has_development_plan) for cluster in codes],
        "boundary_valid": [int(cluster.boundary is not None
                               and boundary_problem(cluster.boundary) is None)
                           for cluster in codes],
    }
    return pa.table(table)
