"""What-if: two evaluations of the same entities compared — who changes class, what it costs.

An analyst edits weights, quotas or benchmarks in a draft; before publishing, the draft is
compared with the evaluation it would replace: the entities whose class changes (and how),
the from → to matrix, and the change in every surcharge and relief.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa

from acupoint.engine.scorecard import EngineError, Evaluation


@dataclass
class Comparison:
    changes: pa.Table
    matrix: dict[str, dict[str, int]]
    amounts: dict[str, dict[str, float]]

    @property
    def changed(self) -> int:
        return self.changes.num_rows


def compare(before: Evaluation, after: Evaluation) -> Comparison:
    """``after`` against ``before``: both must score the same entities (same key columns)."""
    if before.keys != after.keys:
        raise EngineError(f"cannot compare evaluations keyed by {before.keys} and {after.keys}")
    if not (before.spec.classes and after.spec.classes):
        raise EngineError("comparing evaluations needs classes in both specs")
    keys = before.keys
    left = before.table.select(*keys, class_before="class", score_before="score")
    right = after.table.select(*keys, class_after="class", score_after="score")
    joined = left.join(right, keys, how="outer")
    joined = joined.select(
        *[ibis.coalesce(joined[key], joined[f"{key}_right"]).name(key) for key in keys],
        "class_before", "class_after", "score_before", "score_after")
    moved = joined.filter(joined.class_before.fill_null("∅") != joined.class_after.fill_null("∅"))
    counts = joined.group_by(["class_before", "class_after"]).aggregate(n=joined.count())
    matrix: dict[str, dict[str, int]] = {}
    for row in counts.to_pyarrow().to_pylist():
        matrix.setdefault(str(row["class_before"]), {})[str(row["class_after"])] = int(row["n"])
    return Comparison(changes=moved.order_by(keys).to_pyarrow(), matrix=matrix,
                      amounts=_amounts(before, after))


def _amounts(before: Evaluation, after: Evaluation) -> dict[str, dict[str, float]]:
    names = list(dict.fromkeys(
        item.name for evaluation in (before, after) for item in evaluation.spec.consequences
        if item.kind != "pool"))
    result: dict[str, dict[str, float]] = {}
    for name in names:
        totals = [_total(evaluation, name) for evaluation in (before, after)]
        result[name] = {"before": totals[0], "after": totals[1],
                        "change": totals[1] - totals[0]}
    return result


def _total(evaluation: Evaluation, name: str) -> float:
    if name not in evaluation.table.columns:
        return 0.0
    value: Any = evaluation.table[name].sum().to_pyarrow().as_py()
    return float(value or 0.0)
