"""Evaluate a scorecard spec on a table: one Ibis expression from raw data to classes.

Every step adds columns and nothing is materialised until the caller asks, so DuckDB or Spark
plans the whole evaluation as one query. Entities a gate excludes stay in the table but sit in
their own window partition (``_evaluated`` is false), so they never shift a minimum, a
benchmark or a quota.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa

from acupoint.engine import backends, rewards
from acupoint.engine import weights as weighting
from acupoint.engine.expr import ExpressionError, Hazard, Scope, parse
from acupoint.engine.spec import Consequence, Indicator, Level, Spec

logger = logging.getLogger(__name__)

EVALUATED = "_evaluated"
POSITION = "_position"
GROUP_SIZE = "_group_size"
AVAILABILITY = "availability"
BEFORE_GATES = "_class_before_gates"
ADJUSTMENT = "adjustment"


# Decimals of a score (on 0–100) that ranks and quotas tell apart.
RANK_DECIMALS = 9


class EngineError(ValueError):
    """The spec and the data do not fit together; the message names the spec's line and key."""


def column(code: str, stage: str) -> str:
    return f"{code}__{stage}"


def adjustment_flag(index: int) -> str:
    return f"_adjustment_{index}"


def criterion_column(index: int) -> str:
    """1 / 0: whether criterion ``index`` of a ``count`` classification holds for the row."""
    return f"_criterion_{index}"


def eligible_column(name: str) -> str:
    return f"_eligible_{name}"


@dataclass
class Hierarchy:
    """Indicators and aggregates as a tree, with each node's weight within its siblings."""

    spec: Spec
    node_weights: dict[str, float] = field(default_factory=dict)
    ahp: dict[str, weighting.AhpResult] = field(default_factory=dict)

    @cached_property
    def children(self) -> dict[str, list[str]]:
        children: dict[str, list[str]] = {aggregate.code: [] for aggregate in self.spec.aggregates}
        for indicator in self.spec.indicators:
            children[indicator.parent].append(indicator.code)
        for aggregate in self.spec.aggregates:
            if aggregate.parent:
                children[aggregate.parent].append(aggregate.code)
        return children

    @cached_property
    def root(self) -> str:
        return next(item.code for item in self.spec.aggregates if not item.parent)

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        return {indicator.code: indicator for indicator in self.spec.indicators}

    @cached_property
    def parent(self) -> dict[str, str | None]:
        parents: dict[str, str | None] = {item.code: item.parent for item in self.spec.aggregates}
        parents.update({item.code: item.parent for item in self.spec.indicators})
        return parents

    def by_depth(self) -> list[list[str]]:
        """Aggregates grouped by depth, deepest first: each group needs only the ones before."""

        def depth(code: str) -> int:
            steps, parent = 0, self.parent[code]
            while parent:
                steps, parent = steps + 1, self.parent[parent]
            return steps

        depths: dict[int, list[str]] = {}
        for code in self.children:
            depths.setdefault(depth(code), []).append(code)
        return [depths[level] for level in sorted(depths, reverse=True)]

    def leaf_weights(self) -> dict[str, float]:
        """Each indicator's weight in the final score: the product down its path."""
        result = {}
        for code in self.indicators:
            weight, node = 1.0, code
            while node != self.root:
                weight *= self.node_weights[node]
                node = self.parent[node]  # type: ignore[assignment]
            result[code] = weight
        return result

    def path(self, code: str) -> list[str]:
        nodes = [code]
        while nodes[-1] != self.root:
            nodes.append(self.parent[nodes[-1]])  # type: ignore[arg-type]
        return nodes


@dataclass
class Evaluation:
    """The evaluation as an Ibis table plus everything needed to explain it.

    Entity keys must be unique. They are checked before the table is first used, or, when the
    result goes straight from DuckDB to a Parquet file, in that file afterwards (see
    :meth:`write`), which is deleted if they are not.
    """

    spec: Spec
    unchecked_table: ir.Table
    hierarchy: Hierarchy
    hazards: list[tuple[str, Hazard]]
    weights_scope: str = "fixed"
    keys_checked: bool = False

    @property
    def table(self) -> ir.Table:
        if not self.keys_checked:
            duplicates = (self.unchecked_table.group_by(self.keys)
                          .aggregate(n=self.unchecked_table.count())
                          .filter(lambda t: t.n > 1).limit(5).to_pyarrow().to_pylist())
            self._refuse_duplicates(duplicates)
        return self.unchecked_table

    @property
    def keys(self) -> list[str]:
        return [self.spec.entity, *([self.spec.period] if self.spec.period else [])]

    def _refuse_duplicates(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            shown = ", ".join(str({key: row[key] for key in self.keys}) for row in rows)
            raise EngineError(f"{self.spec.where('entity')}: duplicate entity keys: {shown}")
        self.keys_checked = True

    def write(self, path: str | Path) -> int:
        """Write the result (.parquet, .csv or .xlsx); returns the number of rows."""
        path = Path(path)
        backend = self.unchecked_table._find_backend()
        streamed = (not self.pools and not self.keys_checked and backend.name == "duckdb"
                    and path.suffix.lower() == ".parquet")
        if not streamed:
            return backends.write(self.result_arrow() if self.pools else self.result(), path)
        rows = backends.write(self._ordered(self.unchecked_table), path)
        try:
            self._refuse_duplicates(_duplicate_keys(backend.con, path, self.keys))
        except EngineError:
            path.unlink()
            raise
        return rows

    @property
    def weights(self) -> dict[str, float]:
        return self.hierarchy.leaf_weights()

    def output_columns(self) -> list[str]:
        spec = self.spec
        names = [spec.entity, *([spec.period] if spec.period else [])]
        names += [name for name in dict.fromkeys(spec.groups + (spec.classes.within
                  if spec.classes else [])) if name not in names]
        names += ["score", "rank"]
        if spec.groups:
            names.append("rank_in_group")
        if spec.classes:
            names.append("class")
        names += [streak.name for streak in spec.streaks]
        names += [f"{streak.name}_status" for streak in spec.streaks if streak.status]
        names += [item.name for item in spec.consequences if item.kind != "pool"]
        names.append(AVAILABILITY)
        if spec.adjustments:
            names.append(ADJUSTMENT)
        names += [code for code in self.hierarchy.children if code != self.hierarchy.root]
        return names

    @property
    def pools(self) -> list[Consequence]:
        return [item for item in self.spec.consequences if item.kind == "pool"]

    def result(self) -> ir.Table:
        """The result as a table; reward pools need :meth:`result_arrow`."""
        return self._ordered(self.table)

    def _ordered(self, table: ir.Table) -> ir.Table:
        extra = [eligible_column(pool.name) for pool in self.pools]
        return table.select(*self.output_columns(), *extra).order_by(self.keys[::-1])

    def totals(self, by: list[str] | None = None) -> ir.Table:
        """Entities and the sum of every consequence (surcharges, reliefs) per group and class:
        what a price or tax measure raises or gives up, district by district."""
        spec = self.spec
        keys = [*([spec.period] if spec.period else []), *(by if by is not None else spec.groups),
                *(["class"] if spec.classes else [])]
        table = self.table
        amounts = {item.name: table[item.name].sum() for item in spec.consequences
                   if item.kind != "pool"}
        return table.group_by(keys).aggregate(entities=table.count(), **amounts).order_by(keys)

    def result_arrow(self) -> pa.Table:
        """The materialised result with each reward pool split within each period."""
        arrow = self.result().to_pyarrow()
        if not self.pools:
            return arrow
        periods = (arrow[self.spec.period].to_numpy(zero_copy_only=False) if self.spec.period
                   else np.zeros(arrow.num_rows))
        scores = np.asarray(arrow["score"].to_numpy(zero_copy_only=False), float)
        for pool in self.pools:
            name = eligible_column(pool.name)
            eligible = np.asarray(arrow[name].to_numpy(zero_copy_only=False), bool)
            amounts = np.zeros(arrow.num_rows)
            for period in np.unique(periods):
                rows = np.flatnonzero(periods == period)
                amounts[rows] = rewards.allocate(pool, scores[rows], eligible[rows])
            arrow = arrow.drop_columns([name]).append_column(pool.name, pa.array(amounts))
        return arrow

    def methods(self) -> dict[str, Any]:
        spec = self.spec
        return {
            "normalise": spec.normalise.method, "range": list(spec.normalise.range),
            "weights": spec.weights.method, "weights_scope": self.weights_scope,
            "aggregate": spec.aggregate.method,
            "classes": spec.classes.method if spec.classes else None,
            "winsorise": spec.treat.winsorise.model_dump() if spec.treat.winsorise else None,
            "impute": spec.treat.impute.model_dump() if spec.treat.impute else None,
            "ahp_consistency_ratio": {code: round(result.consistency_ratio, 6)
                                      for code, result in self.hierarchy.ahp.items()},
        }

    def counts(self) -> dict[str, Any]:
        """Entities, evaluated, scored, class sizes, missing values and nulls from formulas."""
        # Window functions (lag, group means) may sit inside a hazard: compute them as columns
        # first, since SQL cannot put a window inside an aggregate.
        table = self.table.mutate(**{f"_hazard_{index}": hazard.where
                                     for index, (_key, hazard) in enumerate(self.hazards)})
        measures: dict[str, Any] = {
            "entities": table.count(),
            "evaluated": table[EVALUATED].cast("int64").sum(),
            "scored": table["score"].notnull().cast("int64").sum(),
        }
        for code in self.hierarchy.indicators:
            measures[f"missing:{code}"] = (table[EVALUATED] & table[code].isnull()).cast(
                "int64").sum()
        for index in range(len(self.hazards)):
            measures[f"hazard:{index}"] = table[f"_hazard_{index}"].cast("int64").sum()
        row = table.aggregate(**{_safe(name): value for name, value in measures.items()})
        values = row.to_pyarrow().to_pylist()[0]
        by_name = {name: int(values[_safe(name)] or 0) for name in measures}
        counts: dict[str, Any] = {
            "entities": by_name["entities"], "evaluated": by_name["evaluated"],
            "excluded": by_name["entities"] - by_name["evaluated"],
            "scored": by_name["scored"],
            "not_scored": by_name["evaluated"] - by_name["scored"],
            "missing": {code: by_name[f"missing:{code}"] for code in self.hierarchy.indicators},
            "nulls_from_formulas": {},
        }
        for index, (key, hazard) in enumerate(self.hazards):
            label = f"{key}: {hazard.kind} in '{hazard.source}'"
            total = counts["nulls_from_formulas"].get(label, 0) + by_name[f"hazard:{index}"]
            counts["nulls_from_formulas"][label] = total
        if self.spec.classes:
            sizes = table.group_by("class").aggregate(n=table.count()).to_pyarrow().to_pylist()
            counts["classes"] = {str(item["class"]): int(item["n"]) for item in
                                 sorted(sizes, key=lambda item: str(item["class"]))}
        return counts

    def meta(self) -> dict[str, Any]:
        return {
            "spec": self.spec.name,
            "weights": {code: round(weight, 12) for code, weight in self.weights.items()},
            "node_weights": {code: round(weight, 12) for code, weight in
                             self.hierarchy.node_weights.items()},
            "methods": self.methods(),
            "counts": self.counts(),
        }


def _safe(name: str) -> str:
    return "m_" + "".join(char if char.isalnum() else "_" for char in name)


def evaluate(data: ir.Table, spec: Spec, params: Mapping[str, Any] | None = None) -> Evaluation:
    """Build the whole evaluation of ``spec`` over ``data`` as one Ibis expression."""
    logger.debug("building the evaluation of spec %r", spec.name)
    return _Builder(data, spec, {**spec.values, **(params or {})}).build()


class _Builder:
    def __init__(self, data: ir.Table, spec: Spec, params: dict[str, Any]) -> None:
        self.spec = spec
        self.params = params
        self.table = data
        self.hazards: list[tuple[str, Hazard]] = []
        self.hierarchy = Hierarchy(spec)
        self.period = [spec.period] if spec.period else []
        self.excluding = any(gate.then.exclude for gate in spec.gates)

    # -- helpers ---------------------------------------------------------------------------
    def compile(self, source: str, *path: str | int) -> Any:
        """A formula over the current table; group statistics stay within the period."""
        scope = Scope(self.table, self.params, self.spec.entity, self.spec.period, self.period)
        try:
            value = parse(source).compile(scope)
        except ExpressionError as error:
            raise EngineError(f"{self.spec.where(*path)}: {error}") from None
        key = ".".join(str(part) for part in path)
        self.hazards.extend((key, hazard) for hazard in scope.hazards)
        return value

    def partition(self, *extra: str) -> list[str]:
        """Period, evaluated or not (only when a gate can exclude), and the given columns.

        Partitioning by a constant still costs a hash of every row, so it is left out when no
        gate excludes anyone.
        """
        return [*self.period, *([EVALUATED] if self.excluding else []), *extra]

    def window(self, *extra: str, order_by: Any = None) -> Any:
        group_by = self.partition(*extra)
        return ibis.window(group_by=[self.table[name] for name in group_by], order_by=order_by)

    def ranking_window(self, *extra: str, order_by: Any = None) -> Any:
        """Windows over scores need no evaluated partition: null scores sort last."""
        group_by = [*self.period, *extra]
        return ibis.window(group_by=[self.table[name] for name in group_by], order_by=order_by)

    def require_columns(self, names: list[str], *path: str | int) -> None:
        for name in names:
            if name not in self.table.columns:
                close = difflib.get_close_matches(name, list(self.table.columns), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise EngineError(f"{self.spec.where(*path)}: no column '{name}' in the data"
                                  f"{hint}")

    # -- steps -----------------------------------------------------------------------------
    def build(self) -> Evaluation:
        spec = self.spec
        self.require_columns([spec.entity, *self.period], "entity")
        self.require_columns(spec.groups, "groups")
        self.clean_inputs()
        formulas = [(name, formula, ("derive", name)) for name, formula in spec.formulas.items()]
        formulas += [(item.code, item.formula, ("indicators", index, "formula"))
                     for index, item in enumerate(spec.indicators) if item.formula]
        self.derive(formulas)
        self.require_columns([indicator.code for indicator in spec.indicators], "indicators")
        self.gates()
        self.treat()
        self.normalise()
        self.weigh()
        self.aggregate()
        self.rank()
        if spec.classes:
            self.classify()
        self.streaks()
        self.consequences()
        return Evaluation(spec, self.table, self.hierarchy, self.hazards,
                          "pooled over all periods" if spec.weights.method in DATA_DRIVEN
                          and spec.period else spec.weights.method)

    def derive(self, formulas: list[tuple[str, str, tuple]]) -> None:
        """Add derived columns, as few SELECTs as their dependencies allow.

        Formulas that do not use each other go into one step, so the backend computes their
        group statistics in one window pass rather than one pass each.
        """
        batch: dict[str, Any] = {}
        for name, formula, path in formulas:
            if parse(formula).names & set(batch):
                self.table = self.table.mutate(**batch)
                batch = {}
            batch[name] = self.compile(formula, *path)
        if batch:
            self.table = self.table.mutate(**batch)

    def clean_inputs(self) -> None:
        """Make every backend read the data alike before anything is computed.

        NaN means missing: Spark keeps NaN as a number (larger than any other), so floating
        columns get NULL in its place. Yes/no columns become 1/0, as specs write them
        (``major_accident == 1``) whether the data came from a database or a spreadsheet.
        """
        cleaned = {}
        for name, dtype in self.table.schema().items():
            value = self.table[name]
            if dtype.is_floating():
                cleaned[name] = ibis.ifelse(value.isnan(), ibis.null(), value)
            elif dtype.is_boolean():
                cleaned[name] = value.cast("int8")
        if cleaned:
            self.table = self.table.mutate(**cleaned)

    def gates(self) -> None:
        flags = {}
        for index, gate in enumerate(self.spec.gates):
            flags[f"_gate_{index}"] = self.compile(gate.when, "gates", index, "when").fill_null(
                False)
        for index, item in enumerate(self.spec.adjustments):
            flags[adjustment_flag(index)] = self.compile(
                item.when, "adjustments", index, "when").fill_null(False)
        excluded = [flags[f"_gate_{index}"] for index, gate in enumerate(self.spec.gates)
                    if gate.then.exclude]
        evaluated = ~ibis.or_(*excluded) if excluded else ibis.literal(True)
        self.table = self.table.mutate(**flags, **{EVALUATED: evaluated})

    def treat(self) -> None:
        treat = self.spec.treat
        values = {}
        for code in self.hierarchy.indicators:
            value = self.table[code].cast("float64")
            if treat.winsorise and (treat.winsorise.lower > 0 or treat.winsorise.upper < 1):
                lower = value.quantile(treat.winsorise.lower).over(self.window())
                upper = value.quantile(treat.winsorise.upper).over(self.window())
                value = value.clip(lower=lower, upper=upper)
            values[column(code, "treated")] = value
        self.table = self.table.mutate(**values)
        if treat.impute:
            self.require_columns(treat.impute.by, "treat", "impute", "by")
            imputed = {}
            for code in self.hierarchy.indicators:
                name = column(code, "treated")
                statistic = getattr(self.table[name], treat.impute.method)()
                imputed[name] = self.table[name].coalesce(
                    statistic.over(self.window(*treat.impute.by)))
            self.table = self.table.mutate(**imputed)

    def normalise(self) -> None:
        spec = self.spec
        low, high = spec.normalise.range
        values = {}
        for index, (code, indicator) in enumerate(self.hierarchy.indicators.items()):
            method = indicator.normalise or spec.normalise.method
            x = self.table[column(code, "treated")]
            window = self.window(*spec.normalise.within)
            sign = indicator.direction
            if method == "minmax":
                least, most = x.min().over(window), x.max().over(window)
                span = (most - least).nullif(0)
                share = ((x - least) / span) if sign == 1 else ((most - x) / span)
                value = ibis.ifelse(span.isnull() & x.notnull(), (low + high) / 2,
                                    low + share * (high - low))
            elif method == "zscore":
                centre, spread = spec.normalise.mean_sd
                deviation = x.std().over(window).nullif(0)
                z = sign * (x - x.mean().over(window)) / deviation
                value = ibis.ifelse(deviation.isnull() & x.notnull(), centre, centre + spread * z)
            elif method in ("rank", "percentile"):
                order = x if sign == 1 else -x
                value = self._rank_normalise(x, order, method, low, high)
            elif method == "goalposts":
                if not indicator.goalposts:
                    raise EngineError(f"{spec.where('indicators', index)}: goalposts needs "
                                      "goalposts: [low, high] on the indicator")
                worst, best = indicator.goalposts if sign == 1 else indicator.goalposts[::-1]
                share = ((x - worst) / (best - worst)).clip(lower=0, upper=1)
                value = low + share * (high - low)
            elif method == "benchmark_ratio":
                value = self._benchmark_ratio(index, indicator, x, values)
            else:
                norm = (x * x).sum().over(window).sqrt().nullif(0)
                value = x / norm
            values[column(code, "norm")] = value.cast("float64")
        self.table = self.table.mutate(**values)

    def _rank_normalise(self, x: Any, order: Any, method: str, low: float, high: float) -> Any:
        """rank: 1 … n (ties share the lowest); percentile: (rank − 1)/(n − 1) over the range."""
        partition = self.partition(*self.spec.normalise.within)
        group_by = [self.table[name] for name in partition] + [x.isnull()]
        window = ibis.window(group_by=group_by, order_by=order)
        position = ibis.rank().over(window)
        if method == "rank":
            return ibis.ifelse(x.isnull(), ibis.null(), position + 1)
        size = x.count().over(ibis.window(group_by=[self.table[n] for n in partition]))
        share = position / (size - 1).nullif(0)
        return ibis.ifelse(x.isnull(), ibis.null(),
                           low + share.fill_null(0.5) * (high - low))

    def _benchmark_ratio(self, index: int, indicator: Indicator, x: Any,
                         values: dict[str, Any]) -> Any:
        benchmark_spec = indicator.benchmark
        if benchmark_spec is None:
            raise EngineError(f"{self.spec.where('indicators', index)}: benchmark_ratio needs "
                              "a benchmark: {value: …} or {stat: mean, by: [industry]}")
        self.require_columns(benchmark_spec.by, "indicators", index, "benchmark", "by")
        if benchmark_spec.value is not None:
            benchmark = ibis.literal(benchmark_spec.value)
        else:
            window = self.window(*benchmark_spec.by)
            statistic = {"mean": x.mean(), "median": x.median(), "max": x.max(),
                         "quantile": x.quantile(benchmark_spec.q or 0.5)}[benchmark_spec.stat]
            benchmark = statistic.over(window) * benchmark_spec.k
        values[column(indicator.code, "benchmark")] = benchmark.cast("float64")
        points = indicator.points if indicator.points is not None else 100.0
        ratio = x / benchmark.nullif(0) if indicator.direction == 1 else benchmark / x.nullif(0)
        value = ratio * points
        return value.clip(upper=indicator.cap) if indicator.cap is not None else value

    # -- weights ---------------------------------------------------------------------------
    def weigh(self) -> None:
        spec = self.spec
        hierarchy = self.hierarchy
        method = spec.weights.method
        given = {item.code: item.weight for item in spec.indicators}
        given.update({item.code: item.weight for item in spec.aggregates})
        for parent, members in hierarchy.children.items():
            leaves = all(member in hierarchy.indicators for member in members)
            if method in DATA_DRIVEN and leaves:
                continue
            if method == "ahp":
                vector = self._ahp(parent, members)
            elif method == "equal" or any(given[member] is None for member in members):
                vector = np.full(len(members), 1.0 / len(members))
            else:
                vector = weighting.normalise_sum(np.array([given[m] for m in members], float))
            hierarchy.node_weights.update(zip(members, vector.tolist(), strict=True))
        if method in DATA_DRIVEN:
            self._data_driven(method)

    def _ahp(self, parent: str, members: list[str]) -> np.ndarray:
        matrices = self.spec.weights.matrix
        matrix = matrices.get(parent) if isinstance(matrices, dict) else matrices
        if matrix is None:
            return np.full(len(members), 1.0 / len(members))
        try:
            result = weighting.ahp(matrix)
        except ValueError as error:
            raise EngineError(f"{self.spec.where('weights', 'matrix')}: {error}") from None
        if len(result.weights) != len(members):
            raise EngineError(f"{self.spec.where('weights', 'matrix')}: '{parent}' has "
                              f"{len(members)} members {members} but the matrix has "
                              f"{len(result.weights)} rows")
        if result.consistency_ratio > weighting.CONSISTENCY_LIMIT and not (
            self.spec.weights.allow_inconsistent
        ):
            raise EngineError(
                f"{self.spec.where('weights', 'matrix')}: the judgements of '{parent}' are "
                f"inconsistent (CR = {result.consistency_ratio:.3f} > 0.1); revise them or set "
                "allow_inconsistent: true")
        self.hierarchy.ahp[parent] = result
        return result.weights

    def _data_driven(self, method: str) -> None:
        """Entropy, CRITIC and PCA from one aggregate query over the normalised values."""
        codes = list(self.hierarchy.indicators)
        table = self.table.filter(self.table[EVALUATED])
        norms = [table[column(code, "norm")] for code in codes]
        measures: dict[str, Any] = {}
        for i, value in enumerate(norms):
            measures[f"n{i}"] = value.count()
            measures[f"s{i}"] = value.sum()
            measures[f"l{i}"] = ibis.ifelse(value > 0, value * value.ln(), 0).sum()
            measures[f"v{i}"] = value.std(how="pop")
            for j in range(i + 1, len(norms)):
                measures[f"c{i}_{j}"] = value.corr(norms[j], how="pop")
        row = table.aggregate(**measures).to_pyarrow().to_pylist()[0]
        size = len(codes)
        correlation = np.eye(size)
        for i in range(size):
            for j in range(i + 1, size):
                value = row[f"c{i}_{j}"]
                correlation[i, j] = correlation[j, i] = np.nan if value is None else value
        for members in self.hierarchy.children.values():
            if not all(member in self.hierarchy.indicators for member in members):
                continue
            picks = [codes.index(member) for member in members]
            if method == "entropy":
                vector = weighting.entropy(np.array([row[f"n{i}"] for i in picks], float),
                                           np.array([row[f"s{i}"] or 0 for i in picks], float),
                                           np.array([row[f"l{i}"] or 0 for i in picks], float))
            elif method == "critic":
                vector = weighting.critic(np.array([row[f"v{i}"] or 0 for i in picks], float),
                                          correlation[np.ix_(picks, picks)])
            else:
                vector = weighting.pca(correlation[np.ix_(picks, picks)])
            self.hierarchy.node_weights.update(zip(members, vector.tolist(), strict=True))

    # -- aggregation -----------------------------------------------------------------------
    def aggregate(self) -> None:
        spec = self.spec
        hierarchy = self.hierarchy
        low, high = spec.normalise.range
        method = spec.aggregate.method
        if method == "geometric":
            self._refuse_negative()
        leaves = [self.table[code].notnull().cast("float64") for code in hierarchy.indicators]
        availability = sum(leaves[1:], leaves[0]) / len(leaves)
        levels = hierarchy.by_depth()
        for depth, nodes in enumerate(levels):
            values = {node: self._aggregate_node(node, method, low, high) for node in nodes}
            if depth == len(levels) - 1:
                enough = self.table[EVALUATED] & (availability >= spec.aggregate.min_availability)
                values[AVAILABILITY] = availability
                score = values[hierarchy.root]
                if spec.adjustments:
                    points = [ibis.ifelse(self.table[adjustment_flag(index)], item.points, 0.0)
                              for index, item in enumerate(spec.adjustments)]
                    values[ADJUSTMENT] = sum(points[1:], points[0])
                    score = score + values[ADJUSTMENT]
                values["score"] = ibis.ifelse(enough, score, ibis.null())
            self.table = self.table.mutate(**values)

    def _aggregate_node(self, node: str, method: str, low: float, high: float) -> Any:
        hierarchy = self.hierarchy
        members = hierarchy.children[node]
        values = [self.table[column(m, "norm") if m in hierarchy.indicators else m]
                  for m in members]
        weights = [hierarchy.node_weights[m] for m in members]
        if method == "arithmetic":
            return _weighted_mean(values, weights)
        if method == "geometric":
            return _weighted_geometric_mean(values, weights)
        directions = [hierarchy.indicators[m].direction if m in hierarchy.indicators
                      and self.spec.normalise.method == "vector" else 1 for m in members]
        return self._topsis(values, weights, directions, low, high)

    def _refuse_negative(self) -> None:
        lows = self.table.filter(self.table[EVALUATED]).aggregate(**{
            f"m{i}": self.table[column(code, "norm")].min()
            for i, code in enumerate(self.hierarchy.indicators)}).to_pyarrow().to_pylist()[0]
        negative = [code for i, code in enumerate(self.hierarchy.indicators)
                    if lows[f"m{i}"] is not None and lows[f"m{i}"] < 0]
        if negative:
            raise EngineError(
                f"{self.spec.where('aggregate', 'method')}: geometric aggregation needs values "
                f"≥ 0 but {negative} have negative normalised values; use minmax with a range "
                "such as [1, 100]")

    def _topsis(self, values: list[Any], weights: list[float], directions: list[int],
                low: float, high: float) -> Any:
        """Closeness to the ideal: d⁻/(d⁺ + d⁻); 0.5 when every value is the same.

        Weights are ≥ 0, so the ideal of w·x is w times the ideal of x, and each distance term
        is w²·(x − ideal)²: windows over plain columns, products instead of powers.
        """
        window = self.window()
        best_terms, worst_terms = [], []
        for value, weight, direction in zip(values, weights, directions, strict=True):
            top, bottom = value.max().over(window), value.min().over(window)
            best, worst = (top, bottom) if direction == 1 else (bottom, top)
            for terms, ideal in ((best_terms, best), (worst_terms, worst)):
                gap = value - ideal
                terms.append((gap * gap * (weight * weight)).fill_null(0))
        to_best = sum(best_terms[1:], best_terms[0]).sqrt()
        to_worst = sum(worst_terms[1:], worst_terms[0]).sqrt()
        closeness = (to_worst / (to_best + to_worst).nullif(0)).fill_null(0.5)
        present = ibis.or_(*[value.notnull() for value in values])
        return ibis.ifelse(present, low + closeness * (high - low), ibis.null())

    # -- ranks and classes -----------------------------------------------------------------
    def rank(self) -> None:
        """Ranks, and the quota's positions within groups, in one step (one sort per group).

        Scores are ranked to RANK_DECIMALS: beyond that, a score differs only by the order its
        sums were added in, and entities tied in fact would be ranked by their row order."""
        order = [ibis.desc(self.table.score.round(RANK_DECIMALS), nulls_first=False)]
        values = {"rank": self._rank(self.ranking_window(order_by=order))}
        if self.spec.groups:
            values["rank_in_group"] = self._rank(
                self.ranking_window(*self.spec.groups, order_by=order))
        classes = self.spec.classes
        if classes and classes.method == "quota":
            self.require_columns(classes.within, "classes", "within")
            by_key = [*order, self.table[self.spec.entity]]
            values[POSITION] = ibis.row_number().over(
                self.ranking_window(*classes.within, order_by=by_key))
            values[GROUP_SIZE] = self.table.score.count().over(
                self.ranking_window(*classes.within))
        self.table = self.table.mutate(**values)

    def _rank(self, window: Any) -> Any:
        return ibis.ifelse(self.table.score.notnull(), ibis.rank().over(window) + 1, ibis.null())

    def classify(self) -> None:
        classes = self.spec.classes
        assert classes is not None
        self.require_columns(classes.within, "classes", "within")
        levels = classes.levels
        if classes.method == "quota":
            label = self._quota(levels)
        elif classes.method == "threshold":
            label = _first_level([(self.table.score >= level.min_score, level.name)
                                  for level in levels if level.min_score is not None],
                                 levels[-1].name)
            label = ibis.ifelse(self.table.score.notnull(), label, ibis.null())
        else:
            met = [self.compile(item.when, "classes", "criteria", index).fill_null(False)
                   .cast("int64") for index, item in enumerate(classes.criteria)]
            self.table = self.table.mutate(criteria_met=sum(met[1:], met[0]),
                                           **{criterion_column(index): flag
                                              for index, flag in enumerate(met)})
            label = _first_level([(self.table.criteria_met >= level.min_met, level.name)
                                  for level in levels if level.min_met is not None],
                                 levels[-1].name)
        self.table = self.table.mutate(**{"class": label, BEFORE_GATES: label})
        self._apply_gates(levels, classes.excluded)

    def _quota(self, levels: list[Level]) -> Any:
        """Top shares are caps (rounded down), bottom shares are floors (rounded up).

        Positions within groups were numbered by :meth:`rank`."""
        position, size = self.table[POSITION], self.table[GROUP_SIZE]
        plan = QuotaPlan.of(levels)
        rules = [(position < quota_count(size, level.top, rounding), level.name)
                 for level, rounding in plan.tops]
        rules += [(self._bottom(index, level, rounding, levels), level.name)
                  for index, level, rounding in plan.bottoms]
        label = _first_level(rules, plan.default)
        return ibis.ifelse(self.table.score.notnull(), label, ibis.null())

    def _bottom(self, index: int, level: Level, rounding: str, levels: list[Level]) -> Any:
        """Whether an entity falls in a bottom share (e.g. D ≥ 5%).

        Entities a triggered ``min_class`` gate keeps above this level (new firms never D) do
        not count: the share is filled from the worst of the others, so the floor still holds.
        """
        size = self.table[GROUP_SIZE]
        count = quota_count(size, level.bottom, rounding)
        order = {item.name: position for position, item in enumerate(levels)}
        floors = [self.table[f"_gate_{gate_index}"]
                  for gate_index, gate in enumerate(self.spec.gates)
                  if gate.then.min_class and order[gate.then.min_class] < index]
        if not floors:
            return self.table[POSITION] >= size - count
        protected = ibis.or_(*floors)
        within = self.spec.classes.within if self.spec.classes else []
        worst_first = ibis.window(
            group_by=[self.table[name] for name in [*self.period, *within]] + [protected],
            order_by=[ibis.asc(self.table.score, nulls_first=False),
                      ibis.desc(self.table[self.spec.entity])])
        from_bottom = ibis.row_number().over(worst_first)
        return ~protected & (from_bottom < count)

    def _apply_gates(self, levels: list[Level], excluded: str) -> None:
        order = {level.name: index for index, level in enumerate(levels)}
        label = self.table["class"]
        for index, gate in enumerate(self.spec.gates):
            flag = self.table[f"_gate_{index}"]
            action = gate.then
            ordinal = _ordinal(label, order)
            if action.max_class:
                label = ibis.ifelse(flag & (ordinal < order[action.max_class]),
                                    action.max_class, label)
            elif action.min_class:
                label = ibis.ifelse(flag & (ordinal > order[action.min_class]),
                                    action.min_class, label)
            elif action.class_:
                label = ibis.ifelse(flag, action.class_, label)
        label = ibis.ifelse(self.table[EVALUATED], label, excluded)
        self.table = self.table.mutate(**{"class": label})

    # -- periods and consequences ----------------------------------------------------------
    def streaks(self) -> None:
        if not self.spec.streaks:
            return
        if not self.spec.period:
            raise EngineError(f"{self.spec.where('streaks')}: streaks need a period column")
        for index, streak in enumerate(self.spec.streaks):
            flag = self.compile(streak.when, "streaks", index, "when")
            if streak.prior:
                self.require_columns([streak.prior], "streaks", index, "prior")
                before = self.table[streak.prior].cast("int64").fill_null(0)
                count = ibis.ifelse(flag.fill_null(False), before + 1, 0)
                self.table = self.table.mutate(**{streak.name: count})
            else:
                self._streak(streak.name, flag)
            if streak.status:
                ordered = sorted(streak.status, key=lambda item: item.min, reverse=True)
                label = _first_level([(self.table[streak.name] >= item.min, item.label)
                                      for item in ordered], None)
                self.table = self.table.mutate(**{f"{streak.name}_status": label})

    def _streak(self, name: str, flag: Any) -> None:
        """Consecutive periods ending here in which ``flag`` held; a missing period breaks it.

        A row starts a new run when the flag fails or the entity has no row for the period
        just before; the streak is the number of flagged rows so far in the run.
        """
        def by_entity(*extra: Any) -> Any:
            return ibis.window(group_by=[self.table[self.spec.entity], *extra],
                              order_by=self.table[self.spec.period], rows=(None, 0))

        period = self.table[self.spec.period]
        self.table = self.table.mutate(_flag=flag.fill_null(False),
                                       _previous=period.lag().over(by_entity()))
        table = self.table
        starts = ~table._flag | table._previous.isnull() | (table[self.spec.period]
                                                             - table._previous != 1)
        self.table = table.mutate(_run=starts.cast("int64").sum().over(by_entity()))
        count = self.table._flag.cast("int64").sum().over(by_entity(self.table._run))
        self.table = self.table.mutate(**{name: count}).drop("_flag", "_previous", "_run")

    def consequences(self) -> None:
        for index, consequence in enumerate(self.spec.consequences):
            if consequence.kind == "pool":
                eligible = self.table.score.notnull()
                if consequence.eligible:
                    eligible = eligible & self.compile(consequence.eligible, "consequences",
                                                       index, "eligible").fill_null(False)
                self.table = self.table.mutate(**{eligible_column(consequence.name): eligible})
                continue
            if consequence.kind == "clause":
                applies = self.compile(consequence.when, "consequences", index, "when")
                value = self.compile(consequence.amount, "consequences", index, "amount")
                number = value if isinstance(value, ir.Value) else ibis.literal(value)
                amount = ibis.ifelse(applies.fill_null(False), number.cast("float64"), 0.0)
                self.table = self.table.mutate(**{consequence.name: amount.fill_null(0)})
                continue
            self.require_columns([consequence.per], "consequences", index, "per")
            if consequence.level:
                self.require_columns([consequence.level], "consequences", index, "level")
                level = self.table[consequence.level].fill_null(1).clip(lower=1)
            else:
                level = ibis.literal(1)
            rules = []
            for class_name, rates in consequence.rates.items():
                for step, rate in enumerate(rates, start=1):
                    at_level = level >= step if step == len(rates) else level == step
                    rules.append(((self.table["class"] == class_name) & at_level, rate))
            rate = _first_level(rules, 0.0)
            amount = (self.table[consequence.per].cast("float64") * rate).fill_null(0)
            self.table = self.table.mutate(**{consequence.name: amount})


DATA_DRIVEN = ("entropy", "critic", "pca")


def _duplicate_keys(con: Any, path: Path, keys: list[str]) -> list[dict[str, Any]]:
    """Up to five keys that occur more than once in a written Parquet file."""
    columns = ", ".join(f'"{key}"' for key in keys)
    query = (f"SELECT {columns} FROM read_parquet(?) GROUP BY ALL HAVING count(*) > 1 "
             f"ORDER BY ALL LIMIT 5")
    return con.sql(query, params=[str(path)]).to_arrow_table().to_pylist()


@dataclass(frozen=True)
class QuotaPlan:
    """How a quota reads its levels: the top shares in order (caps, rounded down unless the
    level says otherwise), the bottom shares (floors, rounded up) and the level for the rest.
    The pipeline and the Monte Carlo both classify from this one reading."""

    tops: list[tuple[Level, str]]
    bottoms: list[tuple[int, Level, str]]
    default: str

    @classmethod
    def of(cls, levels: list[Level]) -> QuotaPlan:
        rest = [level.name for level in levels if level.top is None and level.bottom is None]
        return cls(
            tops=[(level, level.rounding or "floor") for level in levels
                  if level.top is not None],
            bottoms=[(index, level, level.rounding or "ceil")
                     for index, level in enumerate(levels) if level.bottom is not None],
            default=rest[0] if rest else levels[-1].name)


def quota_count(size: Any, share: float, rounding: str) -> Any:
    """How many of ``size`` entities a share covers; ±1e-9 keeps 0.2 × 10 at 2, not 1.99….

    ``size`` is an Ibis column in the pipeline and a NumPy array in the Monte Carlo.
    """
    raw = size * share + {"floor": 1e-9, "ceil": -1e-9}.get(rounding, 0.0)
    if isinstance(raw, ir.Value):
        return getattr(raw, rounding if rounding != "nearest" else "round")()
    return {"floor": np.floor, "ceil": np.ceil}.get(rounding, np.round)(raw)


def _first_level(rules: list[tuple[Any, Any]], default: Any) -> Any:
    if not rules:
        return ibis.literal(default)
    return ibis.cases(*rules, else_=default)


def _ordinal(label: Any, order: dict[str, int]) -> Any:
    return ibis.cases(*[(label == name, index) for name, index in order.items()],
                      else_=len(order))


def _weighted_mean(values: list[Any], weights: list[float]) -> Any:
    """Σwᵢxᵢ / Σwᵢ over the members that have a value: missing data re-normalises weights."""
    numerator = sum((value * weight).fill_null(0) for value, weight in zip(values, weights,
                                                                          strict=True))
    denominator = sum(value.notnull().cast("float64") * weight
                      for value, weight in zip(values, weights, strict=True))
    return numerator / denominator.nullif(0)


def _weighted_geometric_mean(values: list[Any], weights: list[float]) -> Any:
    """Πxᵢ^wᵢ over the members that have a value; any zero makes the product zero."""
    logs = sum(ibis.ifelse(value > 0, value.ln() * weight, 0.0).fill_null(0.0)
               for value, weight in zip(values, weights, strict=True))
    present = sum(value.notnull().cast("float64") * weight
                  for value, weight in zip(values, weights, strict=True))
    has_zero = ibis.or_(*[(value == 0).fill_null(False) for value in values])
    mean = (logs / present.nullif(0)).exp()
    return ibis.ifelse(has_zero & present.notnull(), 0.0, mean)

