"""Matching every clause against every enterprise at once, and explaining each result.

All clauses × all enterprises is one Ibis expression: one select per clause over the profile
table, unioned, so DuckDB (or Spark) evaluates it column by column. A condition is true, false
or unknown (null: a datum it needs is missing); a clause is *eligible* when every condition
holds, *ineligible* when one fails and *unknown* otherwise. A *near miss* fails exactly one
ordered comparison by no more than the tolerance (10% by default) and has nothing unknown.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from acupoint.engine.expr import Scope, parse
from acupoint.engine.policy import (
    Catalogue,
    Clause,
    Condition,
    Library,
    Policy,
    conditions_of,
)

ELIGIBLE, INELIGIBLE, UNKNOWN = "eligible", "ineligible", "unknown"
ENTITY = "credit_code"
_ORDERED = {ast.Lt: "<", ast.LtE: "≤", ast.Gt: ">", ast.GtE: "≥"}
_IBIS_TYPES = {"number": "float64", "integer": "int64", "bool": "boolean", "text": "string"}
MATCH_COLUMNS = ("policy", "clause", "status", "amount", "failed", "unknown", "near_miss")


def prepare(table: ir.Table, catalogue: Catalogue, entity: str = ENTITY) -> ir.Table:
    """The profile table with every catalogue variable: missing ones as nulls (so clauses that
    need them say "unknown"), the rest cast to their kind, derived ones computed."""
    columns: dict[str, ir.Value] = {entity: table[entity].cast("string")}
    for name, variable in catalogue.variables.items():
        if variable.formula:
            continue
        kind = _IBIS_TYPES[variable.kind]
        columns[name] = (table[name].cast(kind) if name in table.columns
                         else ibis.null(kind).name(name))
    prepared = table.select(**columns)
    for name, variable in catalogue.variables.items():
        if variable.formula:
            prepared = prepared.mutate(
                **{name: _as_float(parse(variable.formula).compile(Scope(prepared)))})
    return prepared


def _as_float(value: Any) -> ir.Value:
    return (value if isinstance(value, ir.Value) else ibis.literal(value)).cast("float64")


def parameters_at(policy: Policy, day: dt.date) -> dict[str, Any]:
    """Each parameter's value in force on ``day`` (null where none is)."""
    values = {}
    for name, parameter in policy.parameters.items():
        value = parameter.at(day)
        values[name] = ibis.null("float64") if value is None else float(value)
    return values


@dataclass(frozen=True)
class Comparison:
    """A condition of the form ``left op right`` with an order: what a near miss is made of."""

    left: str
    op: str
    right: str
    left_name: str | None


def comparison_of(condition: Condition) -> Comparison | None:
    node = parse(condition.when).tree.body
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1
            and type(node.ops[0]) in _ORDERED):
        return None
    left, right = node.left, node.comparators[0]
    return Comparison(ast.unparse(left), _ORDERED[type(node.ops[0])], ast.unparse(right),
                      left.id if isinstance(left, ast.Name) else None)


def _truth(value: Any) -> ir.BooleanValue:
    return value if isinstance(value, ir.Value) else ibis.literal(bool(value))


def clause_values(policy: Policy, clause: Clause, table: ir.Table, day: dt.date,
                  tolerance: float, detail: bool = False) -> dict[str, ir.Value]:
    """The columns of one clause over the profile table: status, amount, failed and unknown
    condition masks, near miss; with ``detail``, each condition's outcome and both sides."""
    # SQL's LEAST skips nulls: min(0.2 * unknown, 1000) must stay unknown, not become 1000.
    scope = Scope(table, params=parameters_at(policy, day), unknown_spreads=True)
    failed: ir.IntegerValue = ibis.literal(0, "int64")
    unknown: ir.IntegerValue = ibis.literal(0, "int64")
    near_bits: list[tuple[int, ir.BooleanValue]] = []
    values: dict[str, ir.Value] = {}
    for index, condition in enumerate(conditions_of(clause)):
        outcome = _truth(parse(condition.when).compile(scope))
        bit = ibis.literal(1 << index, "int64")
        failed = failed + ibis.ifelse(outcome.fill_null(True), 0, bit)
        # Not outcome.isnull(): Ibis writes `x IN (…) IS NULL` unbracketed, which Spark refuses.
        unknown = unknown + ibis.ifelse(outcome.fill_null(True) != outcome.fill_null(False),
                                        bit, 0)
        comparison = comparison_of(condition)
        if detail:
            values[f"ok{index}"] = outcome
        if comparison is not None:
            left = _as_float(parse(comparison.left).compile(scope))
            right = _as_float(parse(comparison.right).compile(scope))
            gap = (right - left).abs() / right.abs().nullif(0)
            near_bits.append((1 << index, (~outcome).fill_null(False) & (gap <= tolerance)
                              .fill_null(False)))
            if detail:
                values[f"left{index}"], values[f"right{index}"] = left, right
    status = ibis.ifelse(failed > 0, INELIGIBLE, ibis.ifelse(unknown > 0, UNKNOWN, ELIGIBLE))
    near_miss = ibis.literal(False)
    for bit, near in near_bits:
        near_miss = near_miss | ((failed == bit) & (unknown == 0) & near)
    amount = benefit_value(policy, clause, scope)
    if detail and clause.benefit.tiers:
        values["tier"] = tier_index(clause, scope)
    shown = ibis.ifelse((status == INELIGIBLE) & ~near_miss, ibis.null("float64"), amount)
    return {"status": status, "amount": shown, "failed": failed, "unknown": unknown,
            "near_miss": near_miss, **values}


def benefit_value(policy: Policy, clause: Clause, scope: Scope) -> ir.FloatingValue:
    """The benefit formula (or the first tier that holds), capped; null when not money."""
    benefit = clause.benefit
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
        amount = ibis.ifelse(amount > benefit.cap, benefit.cap, amount)
    return amount


def tier_index(clause: Clause, scope: Scope) -> ir.IntegerValue:
    """Which tier of the benefit applies (null: none does)."""
    index = ibis.null("int64")
    for number in reversed(range(len(clause.benefit.tiers))):
        holds = _truth(parse(clause.benefit.tiers[number].when).compile(scope))
        index = ibis.ifelse(holds, number, index)
    return index


@dataclass
class Matcher:
    """One library at one date: the clauses in force, ready to match any profile table."""

    library: Library
    day: dt.date
    tolerance: float = 0.10
    entity: str = ENTITY
    clauses: list[tuple[Policy, Clause]] = field(init=False)

    def __post_init__(self) -> None:
        self.clauses = [(policy, clause) for policy, clause in self.library.clauses()
                        if policy.in_force(self.day)]

    def matches(self, table: ir.Table, keep: str = "relevant") -> ir.Table:
        """One row per enterprise and clause: all pairs (``keep='all'``) or only the eligible,
        unknown and near-miss ones (``'relevant'``: what an inbox or a reach count needs)."""
        if keep not in ("relevant", "all"):
            raise ValueError("keep must be 'relevant' or 'all'")
        prepared = prepare(table, self.library.catalogue, self.entity)
        parts = []
        for policy, clause in self.clauses:
            values = clause_values(policy, clause, prepared, self.day, self.tolerance)
            part = prepared.select(
                prepared[self.entity], policy=ibis.literal(policy.policy.id),
                clause=ibis.literal(clause.id), **values)
            if keep == "relevant":
                part = part.filter((part.status != INELIGIBLE) | part.near_miss)
            parts.append(part)
        if not parts:
            return _empty_matches(prepared, self.entity)
        return ibis.union(*parts) if len(parts) > 1 else parts[0]

    def detail(self, table: ir.Table) -> ir.Table:
        """One wide row per enterprise: every variable, and every clause's status, amount and
        conditions with both sides of each comparison (what an explanation is read from)."""
        prepared = prepare(table, self.library.catalogue, self.entity)
        columns: dict[str, ir.Value] = {}
        for number, (policy, clause) in enumerate(self.clauses):
            for name, value in clause_values(policy, clause, prepared, self.day,
                                             self.tolerance, detail=True).items():
                columns[f"c{number}_{name}"] = value
        return prepared.mutate(**columns)


def _empty_matches(prepared: ir.Table, entity: str) -> ir.Table:
    return prepared.select(
        prepared[entity], policy=ibis.literal("", "string"), clause=ibis.literal("", "string"),
        status=ibis.literal("", "string"), amount=ibis.null("float64"),
        failed=ibis.literal(0, "int64"), unknown=ibis.literal(0, "int64"),
        near_miss=ibis.literal(False)).limit(0)


def reach(matches: ir.Table) -> ir.Table:
    """Per clause: enterprises eligible, unknown and near, and the estimated cost."""
    eligible = matches.status == ELIGIBLE
    return matches.group_by(["policy", "clause"]).aggregate(
        eligible=eligible.sum(), unknown=(matches.status == UNKNOWN).sum(),
        near_misses=matches.near_miss.sum(),
        cost=ibis.ifelse(eligible, matches.amount.fill_null(0), 0).sum())


def one_row_table(profile: Mapping[str, Any], catalogue: Catalogue,
                  entity: str = ENTITY) -> pa.Table:
    """A profile dict as a one-row Arrow table typed by the catalogue."""
    arrow_types = {"number": pa.float64(), "integer": pa.int64(), "bool": pa.bool_(),
                   "text": pa.string()}
    arrays, names = [pa.array([str(profile.get(entity, "example"))], pa.string())], [entity]
    for name, variable in catalogue.variables.items():
        if variable.formula:
            continue
        value = profile.get(name)
        kind = arrow_types[variable.kind]
        if value is not None and variable.kind == "integer":
            value = int(value)
        elif value is not None and variable.kind == "number":
            value = float(value)
        elif value is not None and variable.kind == "text":
            value = str(value)
        arrays.append(pa.array([value], kind))
        names.append(name)
    return pa.Table.from_arrays(arrays, names=names)


@dataclass(frozen=True)
class ConditionOutcome:
    label: str
    formula: str
    outcome: str  # met / failed / unknown
    value: float | None = None
    op: str = ""
    threshold: float | None = None
    left: str = ""
    unit: str = ""
    needs: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """``研发投入强度 2.8% ≥ 3%``: both sides of a comparison in the left side's unit."""
        if not self.op:
            return ""
        return (f"{format_value(self.value, self.unit)} {self.op} "
                f"{format_value(self.threshold, self.unit)}")

    @property
    def gap(self) -> float | None:
        if self.value is None or self.threshold is None:
            return None
        return self.threshold - self.value


@dataclass(frozen=True)
class Explanation:
    key: str
    policy: Policy
    clause: Clause
    status: str
    amount: float | None
    near_miss: bool
    conditions: list[ConditionOutcome]
    arithmetic: str
    parameters: dict[str, float | None]

    @property
    def failed(self) -> list[ConditionOutcome]:
        return [item for item in self.conditions if item.outcome == "failed"]

    @property
    def needs(self) -> list[str]:
        return sorted({name for item in self.conditions for name in item.needs})


def explain_all(matcher: Matcher, detail_row: Mapping[str, Any]) -> list[Explanation]:
    """Every clause in force explained for one enterprise, from its row of ``detail``."""
    catalogue = matcher.library.catalogue
    result = []
    for number, (policy, clause) in enumerate(matcher.clauses):
        prefix = f"c{number}_"
        outcomes = []
        for index, condition in enumerate(conditions_of(clause)):
            ok = detail_row.get(f"{prefix}ok{index}")
            names = sorted(parse(condition.when).names & set(catalogue.variables))
            values = {name: detail_row.get(name) for name in names}
            comparison = comparison_of(condition)
            left = (comparison.left_name or comparison.left) if comparison else ""
            variable = catalogue.variables.get(left)
            outcomes.append(ConditionOutcome(
                label=condition.label or condition.when, formula=condition.when,
                outcome="unknown" if ok is None else "met" if ok else "failed",
                value=detail_row.get(f"{prefix}left{index}"),
                op=comparison.op if comparison else "",
                threshold=detail_row.get(f"{prefix}right{index}"),
                left=left, unit=variable.unit if variable else "",
                needs=missing_inputs(catalogue, names, detail_row) if ok is None else (),
                values=values))
        day = matcher.day
        parameters = {name: parameter.at(day) for name, parameter in policy.parameters.items()}
        amount = detail_row.get(f"{prefix}amount")
        result.append(Explanation(
            key=policy.key(clause), policy=policy, clause=clause,
            status=detail_row[f"{prefix}status"], amount=amount,
            near_miss=bool(detail_row.get(f"{prefix}near_miss")), conditions=outcomes,
            arithmetic=arithmetic(clause, {**detail_row, **parameters}, amount,
                                  detail_row.get(f"{prefix}tier")),
            parameters=parameters))
    return result


def missing_inputs(catalogue: Catalogue, names: Iterable[str],
                   row: Mapping[str, Any]) -> tuple[str, ...]:
    """The data to supply: null names, with a derived one traced back to its null inputs."""
    missing: list[str] = []
    for name in names:
        if row.get(name) is not None:
            continue
        formula = catalogue.variables[name].formula
        inputs = sorted(parse(formula).names & set(catalogue.variables)) if formula else []
        traced = missing_inputs(catalogue, inputs, row) if inputs else ()
        missing.extend(traced or (name,))
    return tuple(dict.fromkeys(missing))


class _Substitute(ast.NodeTransformer):
    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id in self.values:
            value = self.values[node.id]
            return ast.Name("?") if value is None else ast.Constant(_number(value))
        return node


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float):
        return round(value, 4)
    return value


def arithmetic(clause: Clause, values: Mapping[str, Any], amount: float | None,
               tier: int | None = None) -> str:
    """The amount's formula with the enterprise's values put in: ``min(0.2 * 2000, 1000) = 400``."""
    benefit = clause.benefit
    if not benefit.monetary:
        return benefit.text
    formula = benefit.formula
    if formula is None:
        if tier is None:
            return ""
        formula = benefit.tiers[tier].amount
    tree = _Substitute(values).visit(parse(formula).tree)
    text = f"{formula} = {ast.unparse(tree)}"
    if benefit.cap is not None:
        text += f"; 上限 {_number(benefit.cap)}"
    if amount is not None:
        text += f" = {_number(round(amount, 2))} {benefit.unit}"
    return text


def near_miss_text(outcome: ConditionOutcome, catalogue: Catalogue) -> str:
    """"研发投入强度 2.7%，需 ≥ 3%": the one condition a near miss fails, in words."""
    variable = catalogue.variables.get(outcome.left)
    label = variable.label if variable else outcome.left
    unit = variable.unit if variable else ""
    return (f"{label} {format_value(outcome.value, unit)}，需 {outcome.op} "
            f"{format_value(outcome.threshold, unit)}")


def format_value(value: float | None, unit: str = "") -> str:
    if value is None:
        return "?"
    if unit == "%":
        return f"{value * 100:.4g}%"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()


def explain_profile(library: Library, profile: Mapping[str, Any], day: dt.date,
                    tolerance: float = 0.10) -> list[Explanation]:
    """Every clause in force explained for one enterprise profile (a dict of variables)."""
    matcher = Matcher(library, day, tolerance)
    table = ibis.memtable(one_row_table(profile, library.catalogue))
    row = matcher.detail(table).to_pyarrow().to_pylist()[0]
    return explain_all(matcher, row)


@dataclass(frozen=True)
class TestOutcome:
    policy: str
    test: str
    clause: str
    passed: bool
    message: str


def run_policy_tests(library: Library, names: Sequence[str] = ()) -> list[TestOutcome]:
    """Each policy's example enterprises, matched and compared with what the file expects."""
    outcomes = []
    for policy in library.policies:
        if names and policy.policy.id not in names:
            continue
        only = Library([policy], library.catalogue)
        for test in policy.tests:
            day = test.date or policy.policy.valid_from or policy.policy.published
            explained = {item.clause.id: item
                         for item in explain_profile(only, test.enterprise, day)}
            for clause_id, expected in test.expect.items():
                outcomes.append(_compare(policy, test.name, clause_id, expected,
                                         explained.get(clause_id)))
    return outcomes


def _compare(policy: Policy, test: str, clause_id: str, expected: Any,
             got: Explanation | None) -> TestOutcome:
    def outcome(passed: bool, message: str) -> TestOutcome:
        return TestOutcome(policy.policy.id, test, clause_id, passed, message)

    if got is None:
        return outcome(False, "the clause is not in force on the test's date")
    if got.status != expected.status:
        reasons = "; ".join(f"{item.label}: {item.outcome}" for item in got.conditions
                            if item.outcome != "met")
        return outcome(False, f"expected {expected.status}, got {got.status}"
                       + (f" ({reasons})" if reasons else ""))
    if expected.amount is not None and (
            got.amount is None or abs(got.amount - expected.amount) > 0.005):
        return outcome(False, f"expected amount {expected.amount}, got {got.amount} "
                       f"({got.arithmetic})")
    if expected.near_miss is not None and got.near_miss != expected.near_miss:
        return outcome(False, f"expected near_miss {expected.near_miss}, got {got.near_miss}")
    return outcome(True, "ok")


@dataclass
class Simulation:
    """A draft against the baseline on the same enterprises."""

    totals: dict[str, dict[str, float]]
    by_group: dict[str, list[dict[str, Any]]]
    changes: list[dict[str, Any]]


SIMULATION_GROUPS = {"district": "district", "industry": "division", "size": "size"}


def simulate(baseline: Library, draft: Library, table: ir.Table, day: dt.date,
             keys: Iterable[str], limit: int = 200) -> Simulation:
    """Reach and cost of the clauses ``keys`` before and after, by district, industry
    division and size, and who gains or loses (largest changes first)."""
    keys = set(keys)
    sides = {}
    for side, library in (("baseline", baseline), ("draft", draft)):
        matcher = Matcher(library, day)
        matcher.clauses = [(policy, clause) for policy, clause in matcher.clauses
                           if policy.key(clause) in keys]
        matches = matcher.matches(table)
        matches = matches.filter(matches.status == ELIGIBLE)
        sides[side] = matches.group_by(ENTITY).aggregate(
            **{f"{side}_clauses": matches.clause.count(),
               f"{side}_amount": matches.amount.fill_null(0).sum()})
    profile = prepare(table, baseline.catalogue).select(
        ENTITY, district=ibis._.district.fill_null("?"),
        division=ibis._.industry.substr(0, 2).fill_null("?"),
        size=ibis.ifelse(ibis._.above_scale.fill_null(False), "above", "below"))
    joined = profile.left_join(sides["baseline"], ENTITY).drop(f"{ENTITY}_right")
    joined = joined.left_join(sides["draft"], ENTITY).drop(f"{ENTITY}_right")
    joined = joined.mutate(
        baseline_eligible=joined.baseline_clauses.notnull().cast("int64"),
        draft_eligible=joined.draft_clauses.notnull().cast("int64"),
        baseline_amount=joined.baseline_amount.fill_null(0),
        draft_amount=joined.draft_amount.fill_null(0))
    measures = {"baseline_eligible": joined.baseline_eligible.sum(),
                "draft_eligible": joined.draft_eligible.sum(),
                "baseline_cost": joined.baseline_amount.sum(),
                "draft_cost": joined.draft_amount.sum()}
    totals_row = joined.aggregate(**measures).to_pyarrow().to_pylist()[0]
    by_group = {}
    for label, column in SIMULATION_GROUPS.items():
        grouped = joined.group_by(column).aggregate(**measures).order_by(column)
        by_group[label] = [{**row, "group": row.pop(column)}
                           for row in grouped.to_pyarrow().to_pylist()]
    change = joined.draft_amount - joined.baseline_amount
    moved = joined.filter((change != 0) | (joined.baseline_eligible != joined.draft_eligible))
    moved = moved.mutate(change=change)
    moved = moved.order_by([ibis.desc(moved.change.abs()), ENTITY]).limit(limit)
    changes = moved.select(ENTITY, "district", "division", "baseline_amount", "draft_amount",
                           "change", "baseline_eligible", "draft_eligible")
    return Simulation(
        totals={"baseline": {"eligible": totals_row["baseline_eligible"] or 0,
                             "cost": totals_row["baseline_cost"] or 0.0},
                "draft": {"eligible": totals_row["draft_eligible"] or 0,
                          "cost": totals_row["draft_cost"] or 0.0}},
        by_group=by_group, changes=changes.to_pyarrow().to_pylist())
