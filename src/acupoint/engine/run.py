"""Score a file with a spec (or a bare framework) end to end: the CLI's and the apps' entry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acupoint.engine import backends
from acupoint.engine.explain import Explanation, explain
from acupoint.engine.periods import cagr, transitions
from acupoint.engine.scorecard import Evaluation, evaluate
from acupoint.engine.spec import Spec, apply_framework, check_structure, load_spec, read_framework
from acupoint.engine.uncertainty import Uncertainty, analyse


@dataclass
class ScoreRun:
    evaluation: Evaluation
    rows: int
    meta: dict[str, Any]
    explanation: Explanation | None = None
    uncertainty: Uncertainty | None = None


def framework_spec(framework: Path, entity: str, normalise: str = "minmax",
                   aggregate: str = "arithmetic") -> Spec:
    """An index built the way the JRC/OECD handbook describes: normalise, weigh, aggregate."""
    spec = Spec.model_validate({
        "name": framework.stem, "entity": entity, "framework": str(framework),
        "normalise": {"method": normalise}, "aggregate": {"method": aggregate},
    })
    spec._source = str(framework)
    apply_framework(spec, read_framework(framework))
    check_structure(spec)
    return spec


def guess_entity(columns: list[str]) -> str:
    for name in ("credit_code", "uCode", "code", "id"):
        if name in columns:
            return name
    return columns[0]


def score_file(data: Path, out: Path, spec_path: Path | None = None,
               framework: Path | None = None, entity: str | None = None,
               normalise: str = "minmax", aggregate: str = "arithmetic",
               backend: str = "duckdb", meta_out: Path | None = None,
               explain_id: str | None = None, draws: int = 0, seed: int = 0,
               sensitivity_samples: int = 0, trends_out: Path | None = None) -> ScoreRun:
    con = backends.connect(backend)
    table = backends.load(con, data)
    if spec_path is not None:
        overrides = {"framework": str(framework.resolve())} if framework else None
        spec = load_spec(spec_path, overrides=overrides)
    elif framework is not None:
        spec = framework_spec(framework, entity or guess_entity(list(table.columns)),
                              normalise, aggregate)
    else:
        raise ValueError("give --spec, or --framework to build an index from a framework file")
    if explain_id is not None and spec.entity in table.columns:
        explain_id = _typed_key(table, spec.entity, explain_id)
    evaluation = evaluate(table, spec)
    rows = evaluation.write(out)
    meta = evaluation.meta()
    if spec.period and spec.classes:
        meta["transitions"] = transitions(evaluation)
    if trends_out is not None:
        backends.write(cagr(evaluation), trends_out)
    run = ScoreRun(evaluation, rows, meta)
    if draws:
        run.uncertainty = analyse(evaluation, draws=draws, seed=seed,
                                  sensitivity_samples=sensitivity_samples)
        meta["uncertainty"] = {"draws": draws, "seed": seed,
                               "sensitivity": run.uncertainty.sensitivity}
    if explain_id is not None:
        run.explanation = explain(evaluation, explain_id)
        if run.uncertainty is not None and run.explanation.score is not None:
            run.explanation.robustness = run.uncertainty.for_entity(explain_id)
        meta["explanation"] = run.explanation.as_dict()
    if meta_out is not None:
        meta_out.write_text(json.dumps(meta, ensure_ascii=False, indent=2, default=str),
                            encoding="utf-8")
    return run


def _typed_key(table: Any, name: str, text: str) -> Any:
    """Entity ids arrive as text on the command line; match the column's type."""
    dtype = table[name].type()
    if dtype.is_integer():
        return int(text)
    if dtype.is_floating():
        return float(text)
    return text
