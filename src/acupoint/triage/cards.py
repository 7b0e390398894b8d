"""An enterprise's evaluation card, put together from its stored result and the run's spec:
indicators against benchmarks, contributions, vetoes, robustness, amounts and the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from acupoint.engine.provenance import described, scorecard_placeholders
from acupoint.registry.fields import BY_CODE
from acupoint.site import charts
from acupoint.triage.models import EvaluationResult
from acupoint.triage.reports import class_labels


@dataclass
class IndicatorRow:
    code: str
    name: str
    unit: str
    raw: float | None
    benchmark: float | None
    benchmark_kind: str
    normalised: float | None
    weight: float | None
    contribution: float | None


@dataclass
class Placing:
    """Where a firm stands in its evaluation unit, as a reader should say it: its rank (firms
    on the same score share the best of their ranks), how many share it, and the share of the
    unit it belongs to counted from the nearer end (前 10%, or 后 5%)."""

    rank: int
    size: int
    tied: int  # other firms on the same score
    top: bool
    share: float


def placing(result: EvaluationResult) -> Placing | None:
    if result.score is None or not result.unit_size:
        return None
    unit = (result.details or {}).get("unit", "")
    same_unit = EvaluationResult.objects.filter(run_id=result.run_id, details__unit=unit)
    rank = same_unit.filter(score__gt=result.score).count() + 1
    tied = same_unit.filter(score=result.score).count() - 1
    size = result.unit_size
    top = rank - 1 < size / 2
    return Placing(rank, size, max(tied, 0), top, rank / size if top else (size - rank + 1) / size)


@dataclass
class Card:
    result: EvaluationResult
    class_label: str
    placing: Placing | None
    indicators: list[IndicatorRow]
    vetoes: list[dict[str, str]]
    adjustments: list[dict[str, Any]]
    amounts: list[dict[str, Any]]
    fragile: bool
    chart: dict | None
    rules: dict[str, Any] = field(default_factory=dict)
    # Local values (待定参数) the class and score rest on, in words; an amount's own are with it.
    placeholders: list[str] = field(default_factory=list)
    # The published classes the consecutive years in D were counted from (year, class or None).
    published_before: list[tuple[str, str | None]] = field(default_factory=list)


def rules(spec_data: dict) -> dict[str, Any]:
    """The published class rules an enterprise may read: indicators and weights, quotas,
    vetoes, protections and the prices that follow from each class."""
    classes = spec_data.get("classes") or {}
    return {
        "name": spec_data.get("name", ""), "reference": spec_data.get("reference", ""),
        "indicators": [{"name": item.get("name", item["code"]), "unit": item.get("unit", ""),
                        "weight": item.get("weight")}
                       for item in spec_data.get("indicators", [])],
        "levels": classes.get("levels", []),
        "within": [unit_label(name) for name in classes.get("within", [])],
        "gates": [{"reason": gate.get("reason", gate.get("name", "")),
                   "when": gate.get("when", "")} for gate in spec_data.get("gates", [])],
        "consequences": [{**item, "words": _consequence_words(item)}
                         for item in spec_data.get("consequences", [])],
        "priority_lists": spec_data.get("priority_lists", []),
    }


def unit_label(column: str) -> str:
    """What an evaluation unit is split by, in words (区市, 规上/规下), never a column name."""
    labels = {"district": _("district"), "admin_district": _("district"),
              "above_scale": _("above or below designated size"),
              "industry_code": _("industry")}
    return labels.get(column) or str(getattr(BY_CODE.get(column), "label", column))


def _consequence_words(item: dict) -> str:
    """A price or relief as a reader sees it: the rates by class in units, or the policy
    clause it follows."""
    if item.get("kind") == "clause":
        return _("as published in %(source)s") % {"source": item.get("source", "")}
    unit = f"{item.get('unit', '')}/{_unit_of(item.get('per'))}"
    return "；".join(f"{grade} {' / '.join(f'{rate:g}' for rate in rates)} {unit}"
                    for grade, rates in (item.get("rates") or {}).items())


def _unit_of(code: str | None) -> str:
    """The unit a consumption column is counted in (千瓦时, 立方米), not its name."""
    column = BY_CODE.get(code or "")
    return str(column.unit.label) if column and column.unit else ""


def card(result: EvaluationResult, *, show_unit_means: bool) -> Card:
    spec = result.run.spec_data
    details = result.details or {}
    means = (result.run.meta.get("unit_means", {}).get(details.get("unit", ""), {})
             if show_unit_means else {})
    indicators = []
    for item in spec.get("indicators", []):
        values = details.get("indicators", {}).get(item["code"], [None] * 5)
        raw, benchmark, normalised, weight, contribution = values
        kind = _("benchmark") if benchmark is not None else ""
        if benchmark is None and item["code"] in means:
            benchmark, kind = means[item["code"]], _("unit average")
        indicators.append(IndicatorRow(item["code"], item.get("name", item["code"]),
                                       item.get("unit", ""), raw, benchmark, kind, normalised,
                                       weight, contribution))
    gates = spec.get("gates", [])
    vetoes = [{"name": gates[index].get("name", ""), "reason": gates[index].get("reason", "")}
              for index in details.get("gates", []) if index < len(gates)]
    adjustments = [spec.get("adjustments", [])[index] for index in details.get("adjustments", [])
                   if index < len(spec.get("adjustments", []))]
    basis = details.get("basis", {})
    scoring, by_amount = scorecard_placeholders(spec)
    amounts = [{"name": item.get("label") or item["name"], "unit": item.get("unit", ""),
                "per": _unit_of(item.get("per")),
                "consumption": basis.get(item["name"], [None, None])[0],
                "level": basis.get(item["name"], [None, None])[1],
                "value": result.amounts.get(item["name"]),
                "placeholders": described(by_amount.get(item["name"], []))}
               for item in spec.get("consequences", [])
               if result.amounts.get(item["name"])]
    points = [{"indicator": row.name, "points": row.contribution} for row in indicators
              if row.contribution is not None]
    return Card(
        result=result, class_label=class_labels(result.run).get(result.grade, result.grade),
        placing=placing(result),
        indicators=indicators, vetoes=vetoes, adjustments=adjustments, amounts=amounts,
        fragile=(result.robustness is not None
                 and result.robustness < settings.ACUPOINT_FRAGILE_BELOW),
        chart=charts.contributions(points, _("Points in the score")) if points else None,
        rules=rules(spec), placeholders=described(scoring),
        published_before=[(year, entry[0] if entry else None) for year, entry in
                          (details.get("published_before") or {}).items()]
        if result.grade == "D" else [])
