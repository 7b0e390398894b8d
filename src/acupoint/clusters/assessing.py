"""One period's race computed: the cluster-period table, the creation standards judged on it,
the guiding framework scored, the reward fund split, and every figure kept for the pages.

Members' enterprise data are annual, so a quarter reads its year's member figures beside the
quarter's own reports and expert scores."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
from django.utils.translation import gettext as _

import acupoint.specs
from acupoint.clusters import inputs
from acupoint.clusters.models import PILLARS, ExpertScore, PeriodFigures
from acupoint.engine.expr import parse
from acupoint.engine.scorecard import AVAILABILITY, column, criterion_column, evaluate
from acupoint.engine.spec import Consequence, Spec, load_spec

SPECS = Path(acupoint.specs.__file__).parent / "clusters"
CREATION_SPEC = SPECS / "creation_2019.yaml"
RACE_SPEC = SPECS / "race_2019.yaml"
REPORTED = ("invention_patents", "innovation_platforms", "signed_investment",
            "actual_investment")


def expert_column(pillar: str) -> str:
    return f"expert_{pillar}"


@dataclass
class Outcome:
    cluster: str
    members: int
    figures: dict[str, Any]
    binding: list[dict[str, Any]]
    binding_met: bool
    racing: bool
    score: float | None = None
    rank: int | None = None
    grade: str = ""
    availability: float = 0.0
    pillars: dict[str, float | None] = field(default_factory=dict)
    indicators: dict[str, list] = field(default_factory=dict)
    reward: Decimal = Decimal("0")
    reward_basis: str = ""


@dataclass
class Computed:
    outcomes: list[Outcome]
    missing_expert: list[tuple[str, str]]  # (cluster, pillar) with no score entered
    missing_reports: list[str]  # clusters with no report for the period
    without_members: list[str]


def period_table(year: int, period: str, racing: set[str], assessed: set[str]) -> pa.Table:
    """One row per assessed cluster: member sums, the period's report, the expert scores."""
    reports = {report.cluster.code: report for report in
               PeriodFigures.objects.filter(period=period).select_related("cluster")}
    experts = {(code, pillar): score for code, pillar, score in
               ExpertScore.objects.filter(period=period)
               .values_list("cluster__code", "pillar", "score")}
    base = inputs.build(year)
    table = base.filter(pa.array([code in assessed for code in base["cluster"].to_pylist()]))
    codes = table["cluster"].to_pylist()
    columns = {"period": pa.array([period] * len(codes), pa.string()),
               "racing": pa.array([float(code in racing) for code in codes], pa.float64())}
    for name in REPORTED:
        values = [getattr(reports[code], name) if code in reports else None for code in codes]
        columns[name] = pa.array([None if value is None else float(value)
                                  for value in values], pa.float64())
    for pillar, _label in PILLARS:
        columns[expert_column(pillar)] = pa.array([experts.get((code, pillar))
                                                   for code in codes], pa.float64())
    for name, values in columns.items():
        table = table.append_column(name, values)
    return table


def criteria_verdicts(table: ibis.Table, spec: Spec) -> dict[str, dict[str, Any]]:
    """Per cluster: the class of a ``count`` spec, and each criterion met or not with the
    figures it reads (the creation standards, the demonstration-base thresholds)."""
    evaluation = evaluate(table, spec)
    derived = set(spec.formulas)
    criteria = spec.classes.criteria if spec.classes else []
    verdicts: dict[str, dict[str, Any]] = {}
    for row in evaluation.table.to_pyarrow().to_pylist():
        verdicts[row["cluster"]] = {"class": row.get("class"), "criteria": [{
            "name": criterion.name,
            "met": bool(row[criterion_column(index)]),
            "figures": {name: row.get(name) for name in sorted(parse(criterion.when).names)
                        if name in derived or name in row},
        } for index, criterion in enumerate(criteria)]}
    return verdicts


def compute(year: int, period: str, race: Spec, fund: Decimal, racing: set[str],
            assessed: set[str]) -> Computed:
    creation = load_spec(CREATION_SPEC)
    arrow = period_table(year, period, racing, assessed)
    con = ibis.duckdb.connect()
    binding = {code: verdict["criteria"] for code, verdict in
               criteria_verdicts(con.create_table("creation", arrow), creation).items()}
    arrow = arrow.append_column("binding_met", pa.array(
        [float(all(item["met"] for item in binding[code]))
         for code in arrow["cluster"].to_pylist()], pa.float64()))
    pool = _reward_pool(race)
    if pool is not None:
        pool.pool = float(fund)
    evaluation = evaluate(con.create_table("race", arrow), race)
    scored = {row["cluster"]: row for row in evaluation.result_arrow().to_pylist()}
    full = {row["cluster"]: row for row in evaluation.table.to_pyarrow().to_pylist()}
    pillar_codes = [code for code, _label in PILLARS]
    outcomes = []
    for source in arrow.to_pylist():
        code = source["cluster"]
        row, detail = scored[code], full[code]
        outcome = Outcome(
            cluster=code, members=int(source["members"] or 0),
            figures={key: value for key, value in source.items()
                     if key not in ("cluster", "period", "year")},
            binding=binding[code], binding_met=bool(source["binding_met"]),
            racing=bool(source["racing"]), score=row["score"], rank=row["rank"],
            grade=row.get("class") or "", availability=float(row.get(AVAILABILITY) or 0),
            pillars={pillar: row.get(pillar) for pillar in pillar_codes},
            indicators={item.code: [detail.get(item.code), detail.get(column(item.code, "norm"))]
                        for item in race.indicators})
        if pool is not None:
            outcome.reward = Decimal(str(row.get(pool.name) or 0)).quantize(Decimal("0.01"))
        outcomes.append(outcome)
    if pool is not None:
        explain_rewards(outcomes, pool, race)
    return Computed(
        outcomes=outcomes,
        missing_expert=[(item["cluster"], pillar) for item in arrow.to_pylist()
                        for pillar in pillar_codes if item[expert_column(pillar)] is None],
        missing_reports=[item["cluster"] for item in arrow.to_pylist()
                         if all(item[name] is None for name in REPORTED)],
        without_members=[item["cluster"] for item in arrow.to_pylist() if not item["members"]])


def _reward_pool(race: Spec) -> Consequence | None:
    return next((item for item in race.consequences if item.kind == "pool"), None)


def explain_rewards(outcomes: list[Outcome], pool: Consequence, race: Spec) -> None:
    """The arithmetic of each share, in the words of the rule that made it."""
    paid = [outcome for outcome in outcomes if outcome.reward > 0]
    fund = Decimal(str(pool.pool or 0))
    if pool.split == "rank_tiers":
        for outcome in paid:
            outcome.reward_basis = _("rank %(rank)d → %(amount)s 万元 by the tier table") % {
                "rank": outcome.rank, "amount": f"{outcome.reward:,.2f}"}
        return
    cap = Decimal(str(pool.cap)) if pool.cap is not None else None
    capped = [outcome for outcome in paid if cap is not None and outcome.reward == cap]
    free = [outcome for outcome in paid if outcome not in capped]
    total_scores = sum(outcome.score for outcome in paid)
    free_scores = sum(outcome.score for outcome in free)
    capped_total = sum((outcome.reward for outcome in capped), Decimal("0"))
    for outcome in capped:
        offer = fund * Decimal(str(outcome.score / total_scores))
        outcome.reward_basis = _(
            "%(fund)s × %(score).2f ÷ %(total).2f = %(offer)s, above the cap: %(cap)s") % {
            "fund": f"{fund:,.2f}", "score": outcome.score, "total": total_scores,
            "offer": f"{offer:,.2f}", "cap": f"{cap:,.2f}"}
    for outcome in free:
        outcome.reward_basis = _(
            "(%(fund)s − %(capped)s capped) × %(score).2f ÷ %(total).2f = %(amount)s") % {
            "fund": f"{fund:,.2f}", "capped": f"{capped_total:,.2f}", "score": outcome.score,
            "total": free_scores, "amount": f"{outcome.reward:,.2f}"}
    threshold = race.values.get("reward_threshold")
    for outcome in outcomes:
        if outcome.reward > 0:
            continue
        if not outcome.racing:
            outcome.reward_basis = _("not in the race")
        elif not outcome.binding_met:
            outcome.reward_basis = _("binding standards not all met")
        elif outcome.score is None:
            outcome.reward_basis = _("not scored")
        elif threshold is not None and outcome.score < float(threshold):
            outcome.reward_basis = _("score below %(threshold)s") % {"threshold": threshold}
