"""Why an entity got its score and class: every gate, indicator, weight and rule, with figures.

Contributions use the weights as re-normalised for this entity's missing values, so under
arithmetic aggregation they and the triggered bonus/penalty items add up to the score exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from acupoint.engine.scorecard import (
    AVAILABILITY,
    EVALUATED,
    GROUP_SIZE,
    POSITION,
    EngineError,
    Evaluation,
    adjustment_flag,
    column,
)


@dataclass
class IndicatorLine:
    code: str
    name: str
    unit: str
    direction: int
    raw: float | None
    benchmark: float | None
    treated: float | None
    normalised: float | None
    weight: float
    effective_weight: float
    contribution: float | None


@dataclass
class GateLine:
    when: str
    reason: str
    action: str
    triggered: bool


@dataclass
class AdjustmentLine:
    when: str
    reason: str
    points: float
    triggered: bool


@dataclass
class Explanation:
    entity: Any
    period: Any
    score: float | None
    availability: float
    rank: int | None
    rank_in_group: int | None
    class_: str | None
    class_rule: str
    gates: list[GateLine] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)
    adjustments: list[AdjustmentLine] = field(default_factory=list)
    aggregates: dict[str, float | None] = field(default_factory=dict)
    robustness: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["class"] = data.pop("class_")
        return data


def explain(evaluation: Evaluation, entity: Any, period: Any = None) -> Explanation:
    spec = evaluation.spec
    table = evaluation.table
    rows = table.filter(table[spec.entity] == entity)
    if spec.period and period is not None:
        rows = rows.filter(rows[spec.period] == period)
    if spec.period:
        rows = rows.order_by(rows[spec.period].desc())
    found = rows.limit(1).to_pyarrow().to_pylist()
    if not found:
        raise EngineError(f"no entity '{entity}'" + (f" in period {period}" if period else ""))
    return explain_row(evaluation, found[0])


def explain_row(evaluation: Evaluation, row: dict[str, Any]) -> Explanation:
    """The explanation of one row of ``evaluation.table`` already fetched."""
    spec = evaluation.spec
    hierarchy = evaluation.hierarchy
    figures = indicator_figures(evaluation, {name: np.array([_nan_if_none(row.get(name))])
                                             for name in figure_columns(evaluation)})
    indicators = [IndicatorLine(
        code, indicator.name, indicator.unit, indicator.direction,
        *(_number(figures[code][part][0]) for part in ("raw", "benchmark", "treated",
                                                       "normalised")),
        hierarchy.node_weights[code], float(figures[code]["weight"][0]),
        _number(figures[code]["contribution"][0]))
        for code, indicator in hierarchy.indicators.items()]
    gates = [GateLine(gate.when, gate.reason, _action(gate.then), bool(row.get(f"_gate_{i}")))
             for i, gate in enumerate(spec.gates)]
    return Explanation(
        entity=row[spec.entity], period=row.get(spec.period) if spec.period else None,
        score=_number(row.get("score")), availability=float(row.get(AVAILABILITY) or 0),
        rank=row.get("rank"), rank_in_group=row.get("rank_in_group"),
        class_=row.get("class"), class_rule=_class_rule(evaluation, row, gates),
        gates=gates, indicators=indicators,
        adjustments=[AdjustmentLine(item.when, item.reason, item.points,
                                    bool(row.get(adjustment_flag(index))))
                     for index, item in enumerate(spec.adjustments)],
        aggregates={code: _number(row.get(code)) for code in hierarchy.children},
    )


def figure_columns(evaluation: Evaluation) -> list[str]:
    """The columns of ``evaluation.table`` that :func:`indicator_figures` reads."""
    hierarchy = evaluation.hierarchy
    names = [name for code in hierarchy.indicators for name in
             (code, column(code, "benchmark"), column(code, "treated"), column(code, "norm"))]
    return names + [code for code in hierarchy.children if code not in hierarchy.indicators]


def indicator_figures(evaluation: Evaluation, columns: Mapping[str, np.ndarray]
                      ) -> dict[str, dict[str, np.ndarray]]:
    """For every row at once and each indicator: raw, benchmark, treated and normalised value,
    effective weight and contribution (NaN where missing).

    ``columns`` holds the :func:`figure_columns` as float arrays (NaN for null). The weight is
    the indicator's share of the score with the weights re-normalised, level by level, over
    the values this row has; under arithmetic aggregation the contributions add up to the
    score before bonus and penalty points.
    """
    hierarchy = evaluation.hierarchy
    size = len(next(iter(columns.values()))) if columns else 0
    missing = np.full(size, np.nan)

    def present(code: str) -> np.ndarray:
        name = column(code, "norm") if code in hierarchy.indicators else code
        return ~np.isnan(columns.get(name, missing))

    share: dict[str, np.ndarray] = {}
    for members in hierarchy.children.values():
        available = {member: present(member) for member in members}
        total = sum(hierarchy.node_weights[m] * available[m] for m in members)
        for member in members:
            with np.errstate(divide="ignore", invalid="ignore"):
                share[member] = np.where(available[member] & (total > 0),
                                         hierarchy.node_weights[member] / total, 0.0)
    arithmetic = evaluation.spec.aggregate.method == "arithmetic"
    figures = {}
    for code in hierarchy.indicators:
        weight = np.ones(size)
        for node in hierarchy.path(code)[:-1]:
            weight = weight * share[node]
        normalised = columns.get(column(code, "norm"), missing)
        figures[code] = {
            "raw": columns.get(code, missing),
            "benchmark": columns.get(column(code, "benchmark"), missing),
            "treated": columns.get(column(code, "treated"), missing),
            "normalised": normalised, "weight": weight,
            "contribution": normalised * weight if arithmetic else missing,
        }
    return figures


def _nan_if_none(value: Any) -> float:
    return np.nan if value is None else float(value)


def _number(value: Any) -> float | None:
    return float(value) if value is not None and math.isfinite(float(value)) else None


def _action(then: Any) -> str:
    if then.exclude:
        return "exclude"
    if then.max_class:
        return f"at most {then.max_class}"
    if then.min_class:
        return f"at least {then.min_class}"
    return f"class {then.class_}"


def _class_rule(evaluation: Evaluation, row: dict[str, Any], gates: list[GateLine]) -> str:
    spec = evaluation.spec
    classes = spec.classes
    if classes is None:
        return "no classes defined"
    if not row.get(EVALUATED):
        reasons = [gate.reason for gate in gates if gate.triggered and gate.action == "exclude"]
        return f"not evaluated ({classes.excluded}): " + "; ".join(reasons)
    if row.get("score") is None and classes.method != "count":
        return (f"no score: data available for {row.get(AVAILABILITY, 0):.0%} of indicators, "
                f"below the minimum {spec.aggregate.min_availability:.0%}")
    if classes.method == "quota":
        within = "、".join(f"{name}={row.get(name)}" for name in classes.within) or "all"
        text = (f"quota: position {row.get(POSITION, 0) + 1} of {row.get(GROUP_SIZE)} "
                f"within {within}; " + ", ".join(
                    f"{level.name}: top {level.top:.0%}" if level.top is not None else
                    f"{level.name}: bottom {level.bottom:.0%}" if level.bottom is not None else
                    f"{level.name}: the rest" for level in classes.levels))
    elif classes.method == "threshold":
        text = "score thresholds: " + ", ".join(
            f"{level.name} ≥ {level.min_score:g}" if level.min_score is not None
            else f"{level.name} otherwise" for level in classes.levels)
    else:
        text = (f"criteria met: {row.get('criteria_met')} of {len(classes.criteria)}; " +
                ", ".join(f"{level.name} ≥ {level.min_met}" if level.min_met is not None
                          else f"{level.name} otherwise" for level in classes.levels))
    applied = [f"{gate.reason} ({gate.action})" for gate in gates
               if gate.triggered and gate.action != "exclude"]
    return text + ("; gates: " + "; ".join(applied) if applied else "")
