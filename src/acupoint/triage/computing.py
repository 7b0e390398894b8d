"""Evaluating a run: the spec it stored, on the registry's figures, with every firm's
explanation and class robustness ready to store. Nothing here writes to the database."""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ibis
import numpy as np
import pyarrow as pa
from django.conf import settings

from acupoint.engine.explain import figure_columns, indicator_figures
from acupoint.engine.scorecard import (
    EVALUATED,
    GROUP_SIZE,
    POSITION,
    Evaluation,
    adjustment_flag,
    evaluate,
)
from acupoint.engine.spec import Spec, spec_from_data
from acupoint.engine.uncertainty import analyse
from acupoint.registry.models import Enterprise
from acupoint.triage import history, inputs

logger = logging.getLogger(__name__)


def enterprise_ids(district_id: int | None) -> dict[str, int]:
    """The scope's firms by credit code (one scan: an IN list of 100,000 codes costs the
    database more to plan than reading the whole table)."""
    firms = Enterprise.objects.all() if district_id is None else Enterprise.objects.filter(
        district_id=district_id)
    return dict(firms.values_list("credit_code", "pk"))


@dataclass
class Computed:
    inputs_sha256: str
    rows: list[dict]
    meta: dict


def unit_key(row: dict, within: list[str]) -> str:
    """The evaluation unit (county × size class) a firm is ranked in, as one string."""
    return "|".join(str(row.get(name)) for name in within)


def evaluate_year(table: Any, spec: Spec, year: int) -> tuple[Evaluation, Evaluation]:
    """The evaluation computed once into a DuckDB table, so every later read (results,
    explanations, counts, uncertainty) is a scan rather than the whole pipeline again, with
    the places where formulas gave nulls kept as flag columns; and the same restricted to
    ``year``: earlier years only feed the streaks, and the uncertainty analysis takes one
    period at a time."""
    con = ibis.duckdb.connect()
    built = evaluate(con.create_table("inputs", table), spec)
    flags = {f"_hazard_flag_{index}": hazard.where
             for index, (_key, hazard) in enumerate(built.hazards)}
    stored = con.create_table("evaluated", built.unchecked_table.mutate(**flags))
    hazards = [(key, dataclasses.replace(hazard, where=stored[name]))
               for (key, hazard), name in zip(built.hazards, flags, strict=True)]
    whole = dataclasses.replace(built, unchecked_table=stored, hazards=hazards,
                                keys_checked=False)
    whole.table  # noqa: B018 - refuses duplicate keys, on the stored table
    if not spec.period:
        return whole, whole
    current = stored.filter(stored[spec.period] == year)
    return whole, dataclasses.replace(whole, unchecked_table=current)


def robustness(evaluation: Evaluation, draws: int) -> dict[str, float]:
    """Share of random re-weightings (and other normalisations and aggregations) in which each
    firm keeps its class; empty when the spec has no quota classes or nobody is scored."""
    spec = evaluation.spec
    if draws <= 0 or spec.classes is None or spec.classes.method != "quota":
        return {}
    try:
        result = analyse(evaluation, draws=draws, seed=0, workers=2)
    except ValueError:  # no scored firm: nothing to draw
        return {}
    if result.class_kept is None:
        return {}
    return {str(key): float(kept) for key, kept in zip(result.keys, result.class_kept,
                                                        strict=True)}


def _figures(values: np.ndarray) -> list[float | None]:
    """Rounded to 6 decimals, NaN as None (Arrow converts in C, not per value in Python)."""
    return pa.array(np.round(values, 6), from_pandas=True).to_pylist()


def explained(evaluation: Evaluation, table: pa.Table) -> list[dict]:
    """What the evaluation card needs of each row's explanation, for all rows at once: per
    indicator [raw, benchmark, normalised, effective weight, contribution], the gates that
    fired and the bonus/penalty items applied. Names and texts come from the spec."""
    spec = evaluation.spec
    columns = {name: table[name].to_numpy(zero_copy_only=False).astype(float)
               for name in figure_columns(evaluation) if name in table.column_names}
    figures = indicator_figures(evaluation, columns)
    parts = ("raw", "benchmark", "normalised", "weight", "contribution")
    values = {code: list(zip(*(_figures(figures[code][part]) for part in parts), strict=True))
              for code in figures}
    fired = [table[f"_gate_{index}"].to_pylist() for index in range(len(spec.gates))]
    applied = [table[adjustment_flag(index)].to_pylist()
               for index in range(len(spec.adjustments))]
    evaluated = table[EVALUATED].to_pylist()
    return [{
        "indicators": {code: list(values[code][row]) for code in values},
        "gates": [index for index, flags in enumerate(fired) if flags[row]],
        "adjustments": [index for index, flags in enumerate(applied) if flags[row]],
        "evaluated": bool(evaluated[row]),
    } for row in range(table.num_rows)]


def compute(run: Any, progress: Callable[[int], None] | None = None,
            spec_data: dict | None = None, draws: int | None = None,
            correction: Callable[[pa.Table], pa.Table] | None = None) -> Computed:
    """Evaluate ``run`` (its stored spec, or ``spec_data`` for a what-if) on current data,
    with ``draws`` uncertainty draws for class robustness (the configured number if None);
    ``correction`` changes the inputs first (an appeal's figure, to preview its effect)."""
    report = progress or (lambda percent: None)
    logger.info("evaluating run %s: %s over %s", run.pk, run.spec_name, run.year)
    spec = spec_from_data(spec_data or run.spec_data, run.spec_name)
    earlier = range(run.year - inputs.HISTORY_YEARS, run.year)
    published = history.published_classes(years=earlier)
    table = inputs.build(run.year, run.district_id, published)
    if correction is not None:
        table = correction(table)
    ids = enterprise_ids(run.district_id)
    report(15)
    evaluation, current = evaluate_year(table, spec, run.year)
    full = current.table.to_pyarrow()
    report(40)
    result = current.result_arrow()  # earlier years only fed the streaks
    draws = settings.ACUPOINT_ROBUSTNESS_DRAWS if draws is None else draws
    kept = robustness(current, draws)
    report(60)
    within = spec.classes.within if spec.classes else []
    amount_names = [item.name for item in spec.consequences]
    inputs_used = [name for name in full.column_names
                   if not name.startswith("_") or name in (POSITION, GROUP_SIZE)]
    sources = {str(row[spec.entity]): (index, row)
               for index, row in enumerate(full.select(inputs_used).to_pylist())}
    details_of = explained(current, full)
    sums: dict[str, dict[str, list[float]]] = {}
    rows = []
    for row in result.to_pylist():
        key = str(row[spec.entity])
        index, source = sources[key]
        details = details_of[index]
        unit = details["unit"] = unit_key(source, within)
        details["basis"] = {item.name: [source.get(item.per), source.get(item.level)
                                        if item.level else None]
                            for item in spec.consequences if item.per}
        # The published classes the consecutive years were counted from (class, run), or
        # None for a year with nothing published.
        classes = published.get(ids.get(key), {})
        details["published_before"] = {str(year): list(classes[year]) if year in classes
                                       else None for year in reversed(earlier)}
        if details["evaluated"]:
            for code, values in details["indicators"].items():
                if values[0] is not None and math.isfinite(values[0]):
                    sums.setdefault(unit, {}).setdefault(code, []).append(values[0])
        rows.append({
            "credit_code": key, "district": source.get("district"),
            "above_scale": None if source.get("above_scale") is None
            else bool(source["above_scale"]),
            "score": row["score"], "rank": row["rank"],
            "rank_in_group": row.get("rank_in_group"), "grade": row.get("class") or "",
            "availability": row["availability"],
            "amounts": {name: row[name] for name in amount_names if name in row},
            "position": None if source.get(POSITION) is None or row["score"] is None
            else int(source[POSITION]) + 1,
            "unit_size": source.get(GROUP_SIZE), "robustness": kept.get(key),
            "details": details,
        })
    meta = evaluation.meta()
    meta["unit_means"] = {unit: {code: sum(values) / len(values)
                                 for code, values in codes.items()}
                          for unit, codes in sums.items()}
    meta["robustness_draws"] = draws if kept else 0
    return Computed(inputs.fingerprint(table), rows, json.loads(json.dumps(meta, default=str)))
