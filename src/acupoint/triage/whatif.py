"""What-if on a draft: other weights, quotas or benchmarks, evaluated on the same registry
data and compared with the draft's stored results before anyone publishes."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field

from acupoint.triage import inputs
from acupoint.triage.computing import Computed, compute
from acupoint.triage.models import Appeal, EvaluationRun


@dataclass
class Change:
    credit_code: str
    name: str
    district: str
    before: str
    after: str


@dataclass
class WhatIf:
    firms: int
    changes: list[Change]
    moves: list[tuple[str, str, int]]  # before, after, firms
    same_inputs: bool  # False: the registry changed since the draft, which also moves firms
    # name → label, total before and after
    amounts: dict[str, dict[str, float | str]] = field(default_factory=dict)


def adjusted_spec(spec_data: dict, *, weights: dict[str, float],
                  quotas: dict[str, float], benchmarks: dict[str, float]) -> dict:
    """The run's spec with the edited weights, quota shares (top or bottom, as the level
    declares) and benchmark values (a constant, or the multiple k of a group statistic)."""
    data = copy.deepcopy(spec_data)
    for indicator in data.get("indicators", []):
        code = indicator["code"]
        if code in weights and weights[code] != indicator.get("weight"):
            indicator["weight"] = weights[code]
            _mark_trial(indicator, "weight")
        benchmark = indicator.get("benchmark")
        key = "value" if benchmark and "value" in benchmark else "k"
        if code in benchmarks and benchmark and benchmarks[code] != benchmark.get(key):
            benchmark[key] = benchmarks[code]
            _mark_trial(benchmark, key)
    for level in (data.get("classes") or {}).get("levels", []):
        key = "top" if level.get("top") is not None else "bottom"
        if level["name"] in quotas and quotas[level["name"]] != level.get(key):
            level[key] = quotas[level["name"]]
            _mark_trial(level, key)
    return data


def _mark_trial(part: dict, key: str) -> None:
    """A value the analyst typed is nobody's published figure: a placeholder of the trial."""
    marks = part.get("placeholder")
    if isinstance(marks, str) and marks:
        return
    part["placeholder"] = {**(marks if isinstance(marks, dict) else {}),
                           key: "试算值：分析员在草稿上调整"}


def editable(spec_data: dict) -> dict[str, dict[str, float]]:
    """The current weights, quota shares and benchmarks a what-if form starts from."""
    indicators = spec_data.get("indicators", [])
    levels = (spec_data.get("classes") or {}).get("levels", [])
    return {
        "weights": {item["code"]: item.get("weight") for item in indicators
                    if item.get("weight") is not None},
        "quotas": {level["name"]: level.get("top") if level.get("top") is not None
                   else level["bottom"] for level in levels
                   if level.get("top") is not None or level.get("bottom") is not None},
        "benchmarks": {item["code"]: item["benchmark"].get("value", item["benchmark"].get("k"))
                       for item in indicators if item.get("benchmark")},
    }


def what_if(run: EvaluationRun, spec_data: dict) -> WhatIf:
    return compare(run, compute(run, spec_data=spec_data, draws=0), spec_data)


def appeal_effect(appeal: Appeal, value: float) -> WhatIf:
    """What accepting ``appeal`` with ``value`` would change: the run it supersedes evaluated
    again with the corrected figure, against that run's published classes. Quotas make other
    firms move too; this is what the analyst confirms before the new version is published."""
    run = latest_version(appeal.run)
    computed = compute(run, draws=0, correction=lambda table: inputs.corrected(
        table, appeal.enterprise.credit_code, appeal.year, appeal.field, value))
    return compare(run, computed, run.spec_data)


def latest_version(run: EvaluationRun) -> EvaluationRun:
    """The newest run in ``run``'s chain of corrected versions."""
    newest = run
    while (later := newest.superseded_by.order_by("-pk").first()) is not None:
        newest = later
    return newest


def compare(run: EvaluationRun, computed: Computed, spec_data: dict) -> WhatIf:
    """The classes and amounts of ``computed`` against those ``run`` stored."""
    stored = {code: (grade, amounts, name, district) for code, grade, amounts, name, district
              in run.results.values_list("enterprise__credit_code", "grade", "amounts",
                                         "enterprise__name", "district__name")}
    changes, moves = [], Counter()
    labels = {item["name"]: item.get("label") or item["name"]
              for item in spec_data.get("consequences", [])}
    names = list(labels)
    amounts = {name: {"label": labels[name], "before": 0.0, "after": 0.0} for name in names}
    for row in computed.rows:
        before = stored.get(row["credit_code"])
        if before is None:
            continue
        grade, old_amounts, name, district = before
        if grade != row["grade"]:
            changes.append(Change(row["credit_code"], name, district, grade, row["grade"]))
            moves[(grade, row["grade"])] += 1
        for key in names:
            amounts[key]["before"] += old_amounts.get(key) or 0.0
            amounts[key]["after"] += row["amounts"].get(key) or 0.0
    changes.sort(key=lambda change: (change.district, change.before, change.credit_code))
    return WhatIf(len(computed.rows), changes,
                  [(before, after, firms) for (before, after), firms in sorted(moves.items())],
                  computed.inputs_sha256 == run.inputs_sha256, amounts)
