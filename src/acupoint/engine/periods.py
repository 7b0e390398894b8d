"""Across periods: growth rates (CAGR) and class transition matrices."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from acupoint.engine.scorecard import EngineError, Evaluation


def cagr(evaluation: Evaluation, columns: list[str] | None = None) -> ir.Table:
    """Per entity and column: first and last value and the compound annual growth rate.

    CAGR = (last / first)^(1 / (last period − first period)) − 1, null when the first value is
    not positive, the last is negative, or there is only one period.
    """
    spec = evaluation.spec
    if not spec.period:
        raise EngineError(f"{spec.where('trends')}: trends need a period column")
    table = evaluation.table
    names = columns or spec.trends or ["score"]
    missing = [name for name in names if name not in table.columns]
    if missing:
        raise EngineError(f"{spec.where('trends')}: no column {missing} in the evaluation")
    period = table[spec.period]
    measures: dict[str, Any] = {"first_period": period.min(), "last_period": period.max()}
    for name in names:
        value = table[name].cast("float64")
        measures[f"{name}_first"] = value.argmin(period)
        measures[f"{name}_last"] = value.argmax(period)
    summary = table.group_by(spec.entity).aggregate(**measures)
    years = (summary.last_period - summary.first_period).cast("float64")
    growth = {}
    for name in names:
        first, last = summary[f"{name}_first"], summary[f"{name}_last"]
        ratio = last / first.nullif(0)
        valid = (first > 0) & (last >= 0) & (years > 0)
        growth[f"{name}_cagr"] = ibis.ifelse(valid, ratio ** (1.0 / years.nullif(0)) - 1,
                                             ibis.null())
    return summary.mutate(**growth).order_by(spec.entity)


def transitions(evaluation: Evaluation) -> dict[str, dict[str, int]]:
    """How many entities moved from each class to each class between consecutive periods."""
    spec = evaluation.spec
    if not spec.period or not spec.classes:
        raise EngineError(f"{spec.where('classes')}: transitions need a period and classes")
    table = evaluation.table
    window = ibis.window(group_by=table[spec.entity], order_by=table[spec.period])
    previous_period = table[spec.period].lag().over(window)
    moved = table.mutate(
        previous=ibis.ifelse(previous_period == table[spec.period] - 1,
                             table["class"].lag().over(window), ibis.null()))
    moved = moved.filter(moved.previous.notnull())
    counts = moved.group_by(["previous", "class"]).aggregate(n=moved.count())
    matrix: dict[str, dict[str, int]] = {}
    for row in counts.to_pyarrow().to_pylist():
        matrix.setdefault(row["previous"], {})[row["class"]] = int(row["n"])
    return matrix
