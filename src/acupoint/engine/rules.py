"""Matching every clause against every enterprise at once.

A condition is true, false or unknown (null: a datum it needs is missing). A clause is
*eligible* when every condition holds, *ineligible* when one fails and *unknown* otherwise.
A *near miss* fails exactly one ordered comparison, by no more than the tolerance (10% by
default), and has nothing unknown.

All clauses × all enterprises is one Ibis expression over the profile table: per clause one
integer code (status, failed and unknown conditions as bit masks) and one amount. DuckDB (or
Spark) computes it column by column and streams it out in batches; each batch is turned into
one row per enterprise and clause that matters (eligible, unknown, near miss) with NumPy, so
a million enterprises × a thousand clauses never exist as a billion rows.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import logging
import operator
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from acupoint.engine.backends import (
    compiled_query,
    consumed_in_background,
    prefetched,
    record_batches,
    write,
)
from acupoint.engine.expr import Scope, parse
from acupoint.engine.policy import (
    ALREADY_GRANTED,
    KIND_TYPES,
    Catalogue,
    Clause,
    Condition,
    Library,
    Policy,
    conditions_of,
    granted_column,
)
from acupoint.engine.rowwise import compile_row

logger = logging.getLogger(__name__)

ELIGIBLE, INELIGIBLE, UNKNOWN = "eligible", "ineligible", "unknown"
ENTITY = "credit_code"
# Conditions per clause: their failed and unknown masks are 32-bit integers.
MAX_CONDITIONS = 30
CODE_INELIGIBLE, CODE_ELIGIBLE, CODE_UNKNOWN, CODE_NEAR = 0, 1, 2, 3
# What a matching keeps: every pair; the eligible, unknown and near-miss ones (an inbox, a
# reach count); or only the eligible ones, without their conditions (a payout list, a
# simulation), which is one column per clause instead of two per condition.
KEEPS = ("relevant", "all", "eligible")
_ORDERED = {ast.Lt: "<", ast.LtE: "≤", ast.Gt: ">", ast.GtE: "≥"}
_ARROW_TYPES = {"number": pa.float64(), "integer": pa.int64(), "bool": pa.bool_(),
                "text": pa.string(), "date": pa.string()}
# Text columns are dictionary-encoded: a batch's rows point into its enterprises, clauses and
# statuses instead of copying the text once per pair.
MATCH_SCHEMA = pa.schema([
    (ENTITY, pa.dictionary(pa.int32(), pa.string())),
    ("policy", pa.dictionary(pa.int32(), pa.string())),
    ("clause", pa.dictionary(pa.int32(), pa.string())),
    ("status", pa.dictionary(pa.int8(), pa.string())), ("amount", pa.float64()),
    ("failed", pa.int32()), ("unknown", pa.int32()), ("near_miss", pa.bool_())])


def prepare(table: ir.Table, catalogue: Catalogue, entity: str = ENTITY) -> ir.Table:
    """The profile table with every catalogue variable: missing ones as nulls (so clauses that
    need them say "unknown"), the rest cast to their kind, derived ones computed."""
    columns: dict[str, ir.Value] = {entity: table[entity].cast("string")}
    for name, variable in catalogue.variables.items():
        if variable.formula:
            continue
        kind = KIND_TYPES[variable.kind]
        column = table[name].cast(kind) if name in table.columns else ibis.null(kind)
        if variable.default is not None:
            column = column.fill_null(coerce(variable.default, variable.kind))
        columns[name] = column.name(name)
    for name in table.columns:
        if name.startswith(f"{ALREADY_GRANTED}:"):
            columns[name] = table[name].cast("float64").fill_null(0).name(name)
    prepared = table.select(**columns)
    for name, variable in catalogue.variables.items():
        if variable.formula:
            prepared = prepared.mutate(
                **{name: _as_float(parse(variable.formula).compile(Scope(prepared)))})
    return prepared


def _as_float(value: Any) -> ir.Value:
    return (value if isinstance(value, ir.Value) else ibis.literal(value)).cast("float64")


def _truth(value: Any) -> ir.BooleanValue:
    return value if isinstance(value, ir.Value) else ibis.literal(bool(value))


@dataclass(frozen=True)
class Comparison:
    """A condition of the form ``left op right`` with an order: what a near miss is made of."""

    left: str
    op: str
    right: str
    left_name: str | None


def comparison_of(condition: Condition) -> Comparison | None:
    """The condition as an ordered comparison of numbers, or None (text and dates compare in
    order too, but a date is not "within 10%" of another)."""
    node = parse(condition.when).tree.body
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1
            and type(node.ops[0]) in _ORDERED):
        return None
    left, right = node.left, node.comparators[0]
    if any(isinstance(side, ast.Constant) and isinstance(side.value, str)
           for side in (left, right)):
        return None
    return Comparison(ast.unparse(left), _ORDERED[type(node.ops[0])], ast.unparse(right),
                      left.id if isinstance(left, ast.Name) else None)


@dataclass(frozen=True)
class ClausePlan:
    """A clause ready to evaluate on one day: its conditions and the parameters in force."""

    policy: Policy
    clause: Clause
    conditions: list[Condition]
    comparisons: list[Comparison | None]
    params: dict[str, float | None]

    @property
    def key(self) -> str:
        return self.policy.key(self.clause)

    @classmethod
    def of(cls, policy: Policy, clause: Clause, day: dt.date) -> ClausePlan:
        conditions = conditions_of(clause)
        if len(conditions) > MAX_CONDITIONS:
            raise ValueError(f"{policy.key(clause)}: a clause may have at most "
                             f"{MAX_CONDITIONS} conditions")
        return cls(policy, clause, conditions, [comparison_of(item) for item in conditions],
                   {name: parameter.at(day) for name, parameter in policy.parameters.items()})

    def scope(self, table: ir.Table) -> Scope:
        # SQL's LEAST skips nulls: min(0.2 * unknown, 1000) must stay unknown, not be 1000.
        params = {name: ibis.null("float64") if value is None else float(value)
                  for name, value in self.params.items()}
        own = granted_column(self.key)
        aliases = {ALREADY_GRANTED: own} if own in table.columns else {}
        return Scope(table, params=params, unknown_spreads=True, aliases=aliases)

    def columns(self, table: ir.Table, tolerance: float) -> dict[str, ir.Value]:
        """Per condition its outcome (``o{k}``: true, false, or null when a datum is
        missing) and, for a comparison, whether the value lies within the tolerance of the
        threshold (``c{k}``); the status is decoded from them with NumPy."""
        scope = self.scope(table)
        columns: dict[str, ir.Value] = {}
        for index, condition in enumerate(self.conditions):
            # As 1/0/null bytes: NumPy reads them without unpacking Arrow's bit-packed booleans.
            columns[f"o{index}"] = _truth(parse(condition.when).compile(scope)).cast("int8")
            comparison = self.comparisons[index]
            if comparison is not None:
                left = _as_float(parse(comparison.left).compile(scope))
                columns[f"c{index}"] = self._close(comparison, scope, left, tolerance).cast(
                    "int8")
        return columns

    def verdict(self, table: ir.Table) -> ir.Value:
        """The clause's status in one column by SQL's three-valued AND: 1 when every condition
        holds, 0 when one fails, null when none fails and a datum is missing."""
        scope = self.scope(table)
        outcomes = [_truth(parse(condition.when).compile(scope))
                    for condition in self.conditions]
        return functools.reduce(operator.and_, outcomes, ibis.literal(True)).cast("int8")

    def _close(self, comparison: Comparison, scope: Scope, left: ir.FloatingValue,
               tolerance: float) -> ir.BooleanValue:
        """Whether ``left`` lies within the tolerance of the threshold (never of 0)."""
        threshold = constant_value(comparison.right, self.params)
        if threshold is not None:
            if threshold == 0:
                return ibis.literal(False)
            low, high = near_band(threshold, tolerance)
            return left.between(low, high)
        right = _as_float(parse(comparison.right).compile(scope))
        margin = right.abs() * tolerance
        return left.between(right - margin, right + margin) & (right != 0)

    def amount(self, table: ir.Table) -> ir.FloatingValue:
        """The benefit formula (or the first tier that holds), capped; null when not money."""
        benefit = self.clause.benefit
        scope = self.scope(table)
        if benefit.formula:
            amount = _as_float(parse(benefit.formula).compile(scope))
        elif benefit.tiers:
            amount = ibis.null("float64")
            for tier in reversed(benefit.tiers):
                amount = ibis.ifelse(_truth(parse(tier.when).compile(scope)),
                                     _as_float(parse(tier.amount).compile(scope)), amount)
        else:
            return ibis.null("float64")
        if benefit.cap is not None:
            cap: Any = benefit.cap
            if benefit.cap_over == "policy_period":
                cap = (benefit.cap - _as_float(parse(ALREADY_GRANTED).compile(scope))).clip(
                    lower=0)
            amount = ibis.ifelse(amount > cap, cap, amount)
        return amount


def constant_value(source: str, params: Mapping[str, Any]) -> float | None:
    """The value of a formula that names no enterprise datum (a threshold), else None."""
    if parse(source).names - set(params):
        return None
    value = compile_row(source, params)({})
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def near_band(threshold: float, tolerance: float) -> tuple[float, float]:
    """The values that miss ``threshold`` by no more than ``tolerance`` of it."""
    margin = abs(threshold) * tolerance
    return threshold - margin, threshold + margin


def decode(failed: np.ndarray, unknown: np.ndarray, close: np.ndarray) -> np.ndarray:
    """Status (CODE_*) from the masks of failed, unknown and close-to-threshold conditions.

    Eligible: nothing failed or unknown. Unknown: nothing failed, something unknown. Near
    miss: exactly one condition failed, a comparison within the tolerance, nothing unknown."""
    single = (failed & (failed - 1)) == 0
    near = (failed > 0) & single & (unknown == 0) & ((close & failed) == failed)
    return np.where(failed > 0, np.where(near, CODE_NEAR, CODE_INELIGIBLE),
                    np.where(unknown > 0, CODE_UNKNOWN, CODE_ELIGIBLE)).astype(np.int8)


def _masks(batch: pa.RecordBatch, number: int, plan: ClausePlan) -> tuple[np.ndarray, ...]:
    """Failed, unknown and close masks of clause ``number`` in a batch of the wide table.

    Bits are set by shifting whole columns through one scratch array (a masked ``where=``
    ufunc is 15 times slower; fresh temporaries raise the peak memory of a long run)."""
    size = batch.num_rows
    failed, unknown, close, scratch = (np.zeros(size, np.int32) for _ in range(4))

    def set_bit(mask: np.ndarray, states: np.ndarray, state: int, index: int) -> None:
        np.equal(states, state, out=scratch)
        np.left_shift(scratch, index, out=scratch)
        np.bitwise_or(mask, scratch, out=mask)

    for index, comparison in enumerate(plan.comparisons):
        outcome = batch.column(f"k{number}o{index}")
        states = outcome.fill_null(2).to_numpy() if outcome.null_count else \
            outcome.to_numpy()
        set_bit(failed, states, 0, index)
        if outcome.null_count:
            set_bit(unknown, states, 2, index)
        if comparison is not None:
            near = batch.column(f"k{number}c{index}")
            set_bit(close, (near.fill_null(0) if near.null_count else near).to_numpy(), 1,
                    index)
    return failed, unknown, close


def _selected(batch: pa.RecordBatch, number: int, plan: ClausePlan, keep: str) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Clause ``number``'s kept rows of a batch: positions, status, failed and unknown masks."""
    if keep == "eligible":
        verdict = batch.column(f"k{number}")
        rows = np.flatnonzero((verdict.fill_null(0) if verdict.null_count else verdict)
                              .to_numpy() == 1)
        none = np.zeros(len(rows), np.int32)
        return rows, np.full(len(rows), CODE_ELIGIBLE, np.int8), none, none
    failed, unknown, close = _masks(batch, number, plan)
    if keep == "all":
        return np.arange(len(failed)), decode(failed, unknown, close), failed, unknown
    # Only a pair with nothing failed, or a comparison near its bar, can matter.
    rows = np.flatnonzero((failed == 0) | (close != 0))
    status = decode(failed[rows], unknown[rows], close[rows])
    rows, status = rows[status != CODE_INELIGIBLE], status[status != CODE_INELIGIBLE]
    return rows, status, failed[rows], unknown[rows]


@dataclass
class Reach:
    """Per clause: enterprises eligible, unknown and near, and the estimated cost."""

    keys: list[str]
    eligible: np.ndarray
    unknown: np.ndarray
    near_misses: np.ndarray
    cost: np.ndarray

    @classmethod
    def empty(cls, keys: list[str]) -> Reach:
        size = len(keys)
        return cls(keys, *(np.zeros(size, np.int64) for _ in range(3)), np.zeros(size))

    def add(self, number: int, status: np.ndarray, eligible_amounts: np.ndarray,
            unknowns: int | None = None) -> None:
        """Count a batch's kept pairs; ``unknowns`` when the unknown ones were not kept."""
        self.eligible[number] += np.count_nonzero(status == CODE_ELIGIBLE)
        self.unknown[number] += (np.count_nonzero(status == CODE_UNKNOWN) if unknowns is None
                                 else unknowns)
        self.near_misses[number] += np.count_nonzero(status == CODE_NEAR)
        self.cost[number] += np.nansum(eligible_amounts)

    def rows(self) -> list[dict[str, Any]]:
        return [{"clause": key, "eligible": int(eligible), "unknown": int(unknown),
                 "near_misses": int(near), "cost": float(cost)}
                for key, eligible, unknown, near, cost in zip(
                    self.keys, self.eligible, self.unknown, self.near_misses, self.cost,
                    strict=True)]


@dataclass(frozen=True)
class CompiledMatching:
    wide: ir.Table
    keep: str
    query: Any


@dataclass
class Matcher:
    """One library at one date: the clauses in force, ready to match any profile table."""

    library: Library
    day: dt.date
    tolerance: float = 0.10
    entity: str = ENTITY
    plans: list[ClausePlan] = field(init=False)

    def __post_init__(self) -> None:
        self.plans = [ClausePlan.of(policy, clause, self.day)
                      for policy, clause in self.library.clauses()
                      if policy.in_force(self.day)]

    def only(self, keys: set[str]) -> Matcher:
        """The same matcher limited to some clauses (a simulation's)."""
        narrowed = Matcher(self.library, self.day, self.tolerance, self.entity)
        narrowed.plans = [plan for plan in self.plans if plan.key in keys]
        return narrowed

    def wide(self, table: ir.Table, keep: str = "relevant") -> ir.Table:
        """One row per enterprise: for every clause ``n`` its conditions' outcomes
        (``k{n}o{k}``, ``k{n}c{k}``), or only its verdict ``k{n}`` when just the eligible
        pairs are kept, and its amount ``a{n}``."""
        prepared = prepare(table, self.library.catalogue, self.entity)
        columns: dict[str, ir.Value] = {}
        for number, plan in enumerate(self.plans):
            if keep == "eligible":
                columns[f"k{number}"] = plan.verdict(prepared)
            else:
                for name, value in plan.columns(prepared, self.tolerance).items():
                    columns[f"k{number}{name}"] = value
            columns[f"a{number}"] = plan.amount(prepared)
        return prepared.select(prepared[self.entity], **columns)

    def compile(self, table: ir.Table, keep: str = "relevant") -> CompiledMatching:
        """The matching of ``table`` compiled once, to run as often as wanted."""
        if keep not in KEEPS:
            raise ValueError(f"keep must be one of {', '.join(KEEPS)}")
        wide = self.wide(table, keep)
        return CompiledMatching(wide, keep, compiled_query(wide))

    def batches(self, table: ir.Table | CompiledMatching, keep: str = "relevant",
                batch_rows: int | None = None,
                reach: Reach | None = None) -> Iterator[pa.RecordBatch]:
        """The matches in batches, as ``keep`` says (see KEEPS), clause after clause within
        a batch."""
        if not self.plans:
            return
        compiled = table if isinstance(table, CompiledMatching) else self.compile(table, keep)
        keep = compiled.keep
        policy_ids = list(dict.fromkeys(plan.policy.policy.id for plan in self.plans))
        policies = pa.array(policy_ids)
        policy_of = np.array([policy_ids.index(plan.policy.policy.id) for plan in self.plans],
                             np.int32)
        clauses = pa.array([plan.clause.id for plan in self.plans])
        statuses = pa.array([INELIGIBLE, ELIGIBLE, UNKNOWN])
        status_of = np.array([0, 1, 2, 0], np.int8)  # a near miss is ineligible
        for batch in prefetched(record_batches(compiled.wide, batch_rows, compiled.query)):
            rows, columns, picked, amounts, failed, unknown = self._kept(batch, keep, reach)
            shown = (picked != CODE_INELIGIBLE) & ~np.isnan(amounts)
            yield pa.RecordBatch.from_arrays([
                pa.DictionaryArray.from_arrays(pa.array(rows.astype(np.int32)),
                                               batch.column(self.entity)),
                pa.DictionaryArray.from_arrays(pa.array(policy_of[columns]), policies),
                pa.DictionaryArray.from_arrays(pa.array(columns), clauses),
                pa.DictionaryArray.from_arrays(pa.array(status_of[picked]), statuses),
                pa.array(np.where(shown, amounts, 0.0), mask=~shown),
                pa.array(failed), pa.array(unknown), pa.array(picked == CODE_NEAR),
            ], schema=MATCH_SCHEMA)

    def _kept(self, batch: pa.RecordBatch, keep: str, reach: Reach | None
              ) -> tuple[np.ndarray, ...]:
        """Rows, clause numbers, status, amounts, failed and unknown masks of a batch's kept
        pairs; each clause's columns are decoded on their own, in cache."""
        parts: list[tuple[np.ndarray, ...]] = []
        for number, plan in enumerate(self.plans):
            rows, status, failed, unknown = _selected(batch, number, plan, keep)
            amounts = batch.column(f"a{number}").take(pa.array(rows)).to_numpy(
                zero_copy_only=False).astype(np.float64)
            if reach is not None:
                # Verdicts alone count the unknown pairs they do not keep.
                reach.add(number, status, np.where(status == CODE_ELIGIBLE, amounts, 0),
                          batch.column(f"k{number}").null_count if keep == "eligible"
                          else None)
            parts.append((rows, np.full(len(rows), number, np.int32), status, amounts,
                          failed, unknown))
        return tuple(np.concatenate(part) for part in zip(*parts, strict=True))

    def matches(self, table: ir.Table | CompiledMatching, keep: str = "relevant",
                reach: Reach | None = None) -> pa.Table:
        return pa.Table.from_batches(list(self.batches(table, keep, reach=reach)),
                                     schema=MATCH_SCHEMA)

    def write(self, table: ir.Table, path: str | Path, keep: str = "relevant") -> tuple[
            int, Reach]:
        """Stream the matches to Parquet (or collect them for .csv/.xlsx); rows and reach."""
        reach = Reach.empty([plan.key for plan in self.plans])
        path = Path(path)
        if path.suffix.lower() != ".parquet":
            return write(self.matches(table, keep, reach), path), reach
        rows = 0
        with pq.ParquetWriter(path, MATCH_SCHEMA) as writer:
            put, close = consumed_in_background(writer.write_batch)
            try:
                for batch in self.batches(table, keep, reach=reach):
                    put(batch)
                    rows += batch.num_rows
            finally:
                close()
        logger.info("%s clauses matched: %s rows written to %s", len(self.plans), rows, path)
        return rows, reach


def arrow_types(catalogue: Catalogue) -> dict[str, pa.DataType]:
    """The Arrow type of each datum the catalogue names (a file's empty column takes it)."""
    return {name: _ARROW_TYPES[variable.kind] for name, variable in catalogue.variables.items()
            if not variable.formula}


def profile_table(profiles: Sequence[Mapping[str, Any]], catalogue: Catalogue,
                  entity: str = ENTITY) -> pa.Table:
    """Profile dicts as an Arrow table typed by the catalogue (derived variables omitted)."""
    columns = {entity: pa.array([str(profile.get(entity, f"row-{index}"))
                                 for index, profile in enumerate(profiles)], pa.string())}
    for name, variable in catalogue.variables.items():
        if not variable.formula:
            columns[name] = pa.array([coerce(profile.get(name), variable.kind)
                                      for profile in profiles], _ARROW_TYPES[variable.kind])
    granted = sorted({name for profile in profiles for name in profile
                      if name.startswith(f"{ALREADY_GRANTED}:")})
    for name in granted:
        columns[name] = pa.array([coerce(profile.get(name), "number") for profile in profiles],
                                 pa.float64())
    return pa.table(columns)


def coerce(value: Any, kind: str) -> Any:
    """A value as the catalogue's kind says (an integer count, a float amount, a text)."""
    if value is None:
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "text":
        return str(value)
    if kind == "date":
        return value.isoformat()[:10] if isinstance(value, dt.date) else str(value)
    return bool(value)
