"""How strong each cluster is beside the race: location quotients of its leading industries,
European-Cluster-Observatory-style stars, the MIIT-style star rating, the demonstration-base
thresholds, and the plan's targets."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import ibis
import pyarrow as pa
from django.db.models import Sum

from acupoint.accounts import scoping
from acupoint.clusters import assessing
from acupoint.clusters.models import Assessment
from acupoint.engine.backends import typed_empty_columns
from acupoint.engine.provenance import scorecard_placeholders
from acupoint.engine.scorecard import evaluate
from acupoint.engine.spec import load_spec, resolved_data
from acupoint.registry.models import AnnualData, Cluster

MIIT_SPEC = assessing.SPECS / "miit_stars.yaml"


def star_placeholders() -> list:
    """The local values (待定参数) the MIIT-style stars rest on: the rating's rules are not
    published in full."""
    return scorecard_placeholders(resolved_data(MIIT_SPEC))[0]
BASE_SPEC = assessing.SPECS / "demonstration_base.yaml"
ECO_SPECIALISATION_LQ = 2.0  # the Observatory's specialisation star
ECO_TOP_SHARE = 0.10  # size and focus stars: the top tenth of clusters
YI = 10_000  # 万元 per 亿元
# Targets to 2021 of the 2019–2021 plan: clusters by revenue band (亿元), growth, concentration.
BAND_TARGETS = ((100, None, 10), (300, 500, 5), (500, 1000, 3), (1000, None, 3))
GROWTH_TARGET = 0.10
CONCENTRATION_TARGET = 0.70


@dataclass
class Strength:
    cluster: str
    name: str
    revenue_lq: float | None
    employment_lq: float | None
    eco_stars: dict[str, bool] = field(default_factory=dict)
    miit_stars: str | None = None
    miit_score: float | None = None
    base: dict[str, Any] = field(default_factory=dict)
    # Stars that rest on another cluster's unpublished inputs are not shown to the user.
    withheld: bool = False

    @property
    def eco_count(self) -> int:
        return sum(self.eco_stars.values())


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def location_quotients(year: int) -> dict[str, tuple[float | None, float | None]]:
    """(revenue LQ, employment LQ) of each cluster's leading industries against the city:
    (the cluster's leading share) ÷ (the city's share in the same industries)."""
    clusters = list(Cluster.objects.all())
    city = {"revenue": 0.0, "employees": 0.0}
    city_leading = defaultdict(lambda: {"revenue": 0.0, "employees": 0.0})
    own = defaultdict(lambda: {"revenue": 0.0, "employees": 0.0, "leading_revenue": 0.0,
                               "leading_employees": 0.0})
    # Summed by industry and cluster in the database: a few hundred groups, not every firm.
    rows = (AnnualData.objects.filter(year=year)
            .values_list("enterprise__industry_code", "enterprise__cluster_id")
            .annotate(revenue=Sum("revenue"), employees=Sum("employees")).order_by())
    for code, cluster_id, revenue, employees in rows:
        revenue, employees = revenue or 0.0, employees or 0
        city["revenue"] += revenue
        city["employees"] += employees
        for cluster in clusters:
            leading = code.startswith(tuple(cluster.leading_industries))
            if leading:
                city_leading[cluster.pk]["revenue"] += revenue
                city_leading[cluster.pk]["employees"] += employees
            if cluster_id == cluster.pk:
                own[cluster.pk]["revenue"] += revenue
                own[cluster.pk]["employees"] += employees
                if leading:
                    own[cluster.pk]["leading_revenue"] += revenue
                    own[cluster.pk]["leading_employees"] += employees
    result = {}
    for cluster in clusters:
        mine, base = own[cluster.pk], city_leading[cluster.pk]
        quotients = []
        for measure in ("revenue", "employees"):
            local = _ratio(mine[f"leading_{measure}"], mine[measure])
            overall = _ratio(base[measure], city[measure])
            quotients.append(local / overall if local is not None and overall else None)
        result[cluster.code] = (quotients[0], quotients[1])
    return result


def _top(values: dict[str, float]) -> set[str]:
    """The top tenth (at least one) of the clusters by value."""
    ranked = sorted(values, key=lambda code: -values[code])
    return set(ranked[:max(1, math.ceil(len(ranked) * ECO_TOP_SHARE))])


def assess(year: int, user) -> list[Strength]:
    """Every cluster's strength in ``year`` as ``user`` may see it.

    The bureau sees it from the year's reports and expert scores as they stand. Anyone else
    sees it from what the year's published assessment recorded; before it is published, the
    stars of a cluster rest on its unpublished reports and scores and are shown only to the
    cluster's own manager and district."""
    clusters = {cluster.code: cluster for cluster in Cluster.objects.all()}
    published = (None if scoping.is_bureau(user) else Assessment.objects.filter(
        period=str(year), status=Assessment.Status.PUBLISHED).first())
    if published is not None:
        table = published_table(published)
        open_to_user = set(clusters)
    else:
        table = assessing.period_table(year, str(year), set(clusters), set(clusters))
        open_to_user = set(scoping.clusters_with_inputs(user).values_list("code", flat=True))
    rows = {row["cluster"]: row for row in table.to_pylist()}
    quotients = location_quotients(year)
    district_employment = defaultdict(float, AnnualData.objects.filter(year=year).values_list(
        "enterprise__district_id").annotate(employees=Sum("employees")).order_by())
    employment = {code: row["employees"] or 0.0 for code, row in rows.items()}
    focus = {code: _ratio(employment[code],
                          district_employment[clusters[code].district_id] or 0) or 0.0
             for code in rows}
    big, focused = _top(employment), _top(focus)
    miit, base = _stars(_ipc(table))
    strengths = []
    for code in sorted(rows):
        revenue_lq, employment_lq = quotients[code]
        strengths.append(Strength(
            cluster=code, name=clusters[code].name, revenue_lq=revenue_lq,
            employment_lq=employment_lq,
            eco_stars={"size": code in big,
                       "specialisation": (employment_lq or 0) >= ECO_SPECIALISATION_LQ,
                       "focus": code in focused},
            **({"withheld": True} if code not in open_to_user else {
                "miit_stars": miit[code].get("class"), "miit_score": miit[code].get("score"),
                "base": base[code]})))
    return strengths


def _ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


@lru_cache(maxsize=32)
def _stars(table_ipc: bytes) -> tuple[dict[str, dict], dict[str, dict]]:
    """The MIIT-style stars and the demonstration-base verdicts of a table of cluster inputs,
    remembered by the table's bytes: the engine compiles its expressions for a second or so
    even for a dozen clusters, and the same inputs give the same stars."""
    table = pa.ipc.open_stream(table_ipc).read_all()
    data = ibis.duckdb.connect().create_table("strength", table)
    miit = {row["cluster"]: row for row in
            evaluate(data, load_spec(MIIT_SPEC)).result_arrow().to_pylist()}
    return miit, assessing.criteria_verdicts(data, load_spec(BASE_SPEC))


def published_table(assessment: Assessment) -> pa.Table:
    """The inputs a published assessment recorded, one row per cluster, as the period's
    table has them: what the public record says, whatever changed since."""
    rows = [{"cluster": result.cluster.code, "period": assessment.period,
             "year": assessment.year, **result.figures}
            for result in assessment.results.select_related("cluster")]
    return typed_empty_columns(pa.Table.from_pylist(rows), {})


@dataclass
class Targets:
    year: int
    growth: dict[str, float | None]
    total_growth: float | None
    bands: list[tuple[str, int, int]]  # (band, clusters now, target)
    concentration: float | None
    growth_target: float = GROWTH_TARGET
    concentration_target: float = CONCENTRATION_TARGET


def targets(year: int) -> Targets:
    table: pa.Table = assessing.inputs.build(year)
    rows = [row for row in table.to_pylist() if row["members"]]
    growth = {row["cluster"]: (row["revenue"] / row["revenue_before"] - 1
                               if row["revenue_before"] else None) for row in rows}
    revenue = sum(row["revenue"] for row in rows)
    before = sum(row["revenue_before"] or 0 for row in rows)
    bands = []
    for low, high, target in BAND_TARGETS:
        count = sum(1 for row in rows if row["revenue"] / YI >= low
                    and (high is None or row["revenue"] / YI < high))
        label = f"≥ {low} 亿" if high is None else f"{low}–{high} 亿"
        bands.append((label, count, target))
    leading = sum(row["leading_revenue"] for row in rows)
    return Targets(year, growth, revenue / before - 1 if before else None, bands,
                   _ratio(leading, revenue))
