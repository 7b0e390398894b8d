"""The cluster-year table the creation standards and the race read, aggregated from the
registry's member enterprises: one row per cluster for the year asked."""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa

from acupoint.clusters.hightech import is_hightech
from acupoint.registry.geometry import boundary_problem
from acupoint.registry.models import AnnualData, Cluster

NEW_PROJECT_YEARS = 3  # a member founded this recently counts as a new industrial project
FIGURES = ("members", "revenue", "tax", "land_mu", "leading_revenue", "new_investment",
           "new_land_mu", "value_added", "employees", "rd_spend", "hightech_revenue",
           "energy_tce", "emissions", "exports", "accidents")


def _leading(industry_code: str, codes: list[str]) -> bool:
    return any(industry_code.startswith(code) for code in codes)


def member_sums(year: int, clusters: dict[int, Cluster]) -> dict[int, dict[str, float]]:
    """Sums over each cluster's members that report for ``year`` (missing figures count 0)."""
    sums: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    rows = (AnnualData.objects.filter(year=year, enterprise__cluster__isnull=False)
            .values_list("enterprise__cluster_id", "enterprise__industry_code",
                         "enterprise__land_mu", "enterprise__founded", "revenue", "tax",
                         "fixed_asset_investment", "value_added", "employees", "rd_spend",
                         "energy_tce", "emissions", "exports", "major_accident"))
    for (cluster_id, industry_code, land, founded, revenue, tax, investment, value_added,
         employees, rd_spend, energy, emissions, exports, accident) in rows.iterator(
            chunk_size=5000):
        total = sums[cluster_id]
        revenue = revenue or 0.0
        total["members"] += 1
        total["revenue"] += revenue
        total["tax"] += tax or 0.0
        total["land_mu"] += land or 0.0
        total["value_added"] += value_added or 0.0
        total["employees"] += employees or 0
        total["rd_spend"] += rd_spend or 0.0
        total["energy_tce"] += energy or 0.0
        total["emissions"] += emissions or 0.0
        total["exports"] += exports or 0.0
        total["accidents"] += int(bool(accident))
        if _leading(industry_code or "", clusters[cluster_id].leading_industries):
            total["leading_revenue"] += revenue
        if is_hightech(industry_code or ""):
            total["hightech_revenue"] += revenue
        if founded is not None and year - founded.year < NEW_PROJECT_YEARS:
            total["new_investment"] += investment or 0.0
            total["new_land_mu"] += land or 0.0
    return sums


def build(year: int) -> pa.Table:
    """One row per cluster: member sums (null where no member reports), the revenue of the
    year before, and the cluster's own binding facts as 1 / 0."""
    clusters = {cluster.pk: cluster for cluster in Cluster.objects.all()}
    sums = member_sums(year, clusters)
    before = member_sums(year - 1, clusters)
    ordered = sorted(clusters.values(), key=lambda cluster: cluster.code)
    table = {
        "cluster": [cluster.code for cluster in ordered],
        "year": pa.array([year] * len(ordered), pa.int32()),
        **{name: pa.array([sums[cluster.pk].get(name, 0.0) if cluster.pk in sums else None
                           for cluster in ordered], pa.float64()) for name in FIGURES},
        **{f"{name}_before": pa.array([before[cluster.pk][name] if cluster.pk in before
                                       else None for cluster in ordered], pa.float64())
           for name in ("revenue", "value_added")},
        "has_management_body": [int(bool(cluster.management_body.strip())) for cluster in ordered],
        "has_creation_plan": [int(cluster.has_creation_plan) for cluster in ordered],
        "has_development_plan": [int(cluster.has_development_plan) for cluster in ordered],
        "boundary_valid": [int(cluster.boundary is not None
                               and boundary_problem(cluster.boundary) is None)
                           for cluster in ordered],
    }
    return pa.table(table)
