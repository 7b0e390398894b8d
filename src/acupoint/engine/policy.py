"""Policy files: published documents as clauses with conditions, benefits and dated parameters.

One YAML file per policy document. Everything a file says is checked when it is read, and every
problem names the file, the line and the key: malformed YAML, unknown keys and variables,
amounts that mix 元 and 万元 without a conversion, parameters whose dates overlap, formulas that
try to do more than arithmetic. A clause that can never match (its ranges contradict each
other) loads, with a warning.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import ibis
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from acupoint.engine import units
from acupoint.engine.expr import GROUP_STATISTICS, Expression, ExpressionError, Scope, parse
from acupoint.engine.provenance import (
    Mark,
    Marked,
    audit,
    audit_problems,
    placeholders_under,
)
from acupoint.engine.rowwise import EVALUATION_ERRORS, compile_row
from acupoint.engine.spec import (
    Formula,
    SpecError,
    SpecProblem,
    json_schema_text,
    nearest_line,
    read_text,
    read_yaml,
    validation_problems,
)

CHAIN_LINKS = ("rd_design", "manufacturing", "supporting", "demonstration")
SIDES = ("supply", "demand")
SUPPORT_TYPES = ("subsidy", "reward", "interest_discount", "tax", "land", "talent", "other")
MODES = ("auto", "fast", "apply")
LEVELS = ("national", "provincial", "city", "district")
CATALOGUE_FILE = "variables.yaml"
# Functions that look beyond one enterprise: a clause judges each firm on its own figures.
_POPULATION_FUNCTIONS = frozenset((*GROUP_STATISTICS, "lag"))
# What each kind of datum is in SQL (a date is ISO text), and the sample enterprises a formula
# is tried on before its policy is accepted.
KIND_TYPES = {"number": "float64", "integer": "int64", "bool": "boolean", "text": "string",
              "date": "string"}
_KIND_SAMPLES = {"number": (1.0, 0.0), "integer": (1, 0), "bool": (True, False),
                 "text": ("C3611", ""), "date": ("2020-01-01", "")}

ClauseId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Variable(_Model):
    """A datum of the enterprise profile (一企一档) a clause may test."""

    label: str
    unit: str = ""
    # A date is held as ISO text (2022-01-01), so that it compares in order in SQL and in
    # Python alike: ``founded >= '2022-01-01'``.
    kind: Literal["number", "integer", "bool", "text", "date"] = "number"
    formula: Formula | None = None
    # records: what the platform's own application and payment records say (already granted).
    source: Literal["registry", "annual", "fact", "triage", "derived", "records"] = "fact"
    description: str = ""
    # What an enterprise without the datum has: a tag not set is false, a title not held is
    # 'none'. Without a default, a missing datum makes the conditions on it unknown.
    default: bool | float | str | None = None
    # The plausible range of a recorded figure: a value outside it is refused where it is
    # entered or imported (a typing slip, or yuan entered as 万元).
    minimum: float | None = None
    maximum: float | None = None

    @model_validator(mode="after")
    def _range(self) -> Variable:
        if self.minimum is not None and self.maximum is not None and \
                self.minimum > self.maximum:
            raise ValueError(f"minimum {self.minimum} is above maximum {self.maximum}")
        return self


class Catalogue(_Model):
    variables: dict[str, Variable]

    def unit_of(self, name: str) -> units.Unit:
        variable = self.variables[name]
        return units.parse_unit(variable.unit) if variable.kind in ("number", "integer") else ()


class DatedValue(_Model):
    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(None, alias="to")
    value: float | None

    @model_validator(mode="after")
    def _ordered(self) -> DatedValue:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"'to' {self.end} is before 'from' {self.start}")
        return self


class Cited(Marked):
    """Where a part's numbers come from: a document and article (``source``), or a value the
    bureau sets locally (``placeholder``: why, and who sets it)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Parameter(Cited):
    """An amount or rate whose value changes on dates (as OpenFisca parameters do)."""

    label: str = ""
    unit: str = ""
    values: list[DatedValue] = Field(min_length=1)
    reference: str = ""

    @model_validator(mode="after")
    def _no_overlap(self) -> Parameter:
        spans = sorted(self.values, key=lambda item: item.start)
        for before, after in zip(spans, spans[1:], strict=False):
            if before.end is None or before.end >= after.start:
                raise ValueError(
                    f"dates overlap: {before.start}–{before.end or '…'} and "
                    f"{after.start}–{after.end or '…'}; each day may have one value")
        return self

    def at(self, day: dt.date) -> float | None:
        for item in self.values:
            if item.start <= day and (item.end is None or day <= item.end):
                return item.value
        return None


class Condition(Cited):
    when: Formula
    label: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        return {"when": data} if isinstance(data, str) else data


class BenefitTier(Cited):
    when: Formula
    amount: Formula


class Benefit(Cited):
    """What an eligible enterprise receives; a benefit without a formula is not money.

    A cap holds per claim, or (``cap_over: policy_period``) for a firm over the whole policy
    period: each year's amount is then at most what earlier years left of it."""

    formula: Formula | None = None
    tiers: list[BenefitTier] = []
    unit: str = "万元"
    cap: float | None = Field(None, ge=0)
    cap_over: Literal["claim", "policy_period"] = "claim"
    text: str = ""

    @model_validator(mode="after")
    def _cumulative_cap_has_cap(self) -> Benefit:
        if self.cap_over == "policy_period" and self.cap is None:
            raise ValueError("cap_over: policy_period needs a cap")
        return self

    @model_validator(mode="after")
    def _one_way(self) -> Benefit:
        if self.formula and self.tiers:
            raise ValueError("give either formula or tiers, not both")
        return self

    @property
    def monetary(self) -> bool:
        return bool(self.formula or self.tiers)


class ClausePeriod(_Model):
    """The years whose figures a clause rewards (2022–2024: growth in 2022, 2023 and 2024);
    a year outside them earns nothing, whenever it is claimed."""

    start: int = Field(alias="from", ge=1900, le=2200)
    end: int | None = Field(None, alias="to", ge=1900, le=2200)

    @model_validator(mode="after")
    def _ordered(self) -> ClausePeriod:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"'to' {self.end} is before 'from' {self.start}")
        return self

    def text(self) -> str:
        return f"{self.start}–{self.end}" if self.end else f"{self.start}–"


class Clause(Cited):
    id: ClauseId
    article: str
    title: str
    chain: Literal[CHAIN_LINKS]  # type: ignore[valid-type]
    side: Literal[SIDES]  # type: ignore[valid-type]
    support: Literal[SUPPORT_TYPES]  # type: ignore[valid-type]
    mode: Literal[MODES] = "apply"  # type: ignore[valid-type]
    industries: list[str] = []
    period: ClausePeriod | None = None
    conditions: list[Condition] = Field(min_length=1)
    benefit: Benefit = Benefit()
    documents: list[str] = []
    # The document's own words (条款原文), or, where only a summary is at hand, the summary
    # (摘要): a page never shows a summary as the original.
    text: str = ""
    summary: str = ""
    illustrative: bool | None = None

    @model_validator(mode="after")
    def _worded(self) -> Clause:
        if not self.text.strip() and not self.summary.strip():
            raise ValueError("a clause needs its text (the document's own words) or a summary")
        return self

    @property
    def wording(self) -> str:
        return self.text or self.summary


class PolicyInfo(_Model):
    id: ClauseId
    title: str
    number: str = ""
    issuer: str
    level: Literal[LEVELS]  # type: ignore[valid-type]
    published: dt.date
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source: str = ""
    illustrative: bool = False
    summary: str = ""

    @model_validator(mode="after")
    def _cited(self) -> PolicyInfo:
        if not self.illustrative and not self.source:
            raise ValueError("a real policy must cite its source (source: URL or publication); "
                             "mark made-up examples with illustrative: true")
        return self


class Expectation(_Model):
    # not_in_force: the policy (or the clause) does not apply on the test's date at all.
    status: Literal["eligible", "ineligible", "unknown", "not_in_force"]
    amount: float | None = None
    near_miss: bool | None = None


class PolicyTest(_Model):
    name: str
    date: dt.date | None = None
    enterprise: dict[str, bool | int | float | dt.date | str | None]
    expect: dict[str, Expectation] = Field(min_length=1)


class Policy(_Model):
    policy: PolicyInfo
    # A whole file of values the bureau sets itself (the illustrative examples): why.
    placeholder: str = ""
    parameters: dict[str, Parameter] = {}
    clauses: list[Clause] = Field(min_length=1)
    tests: list[PolicyTest] = []

    _source: str = PrivateAttr("<policy>")
    _lines: dict[tuple, int] = PrivateAttr(default_factory=dict)

    def where(self, *path: str | int) -> tuple[str, int | None, str]:
        return self._source, nearest_line(self._lines, path), ".".join(map(str, path))

    def in_force(self, day: dt.date) -> bool:
        start = self.policy.valid_from or self.policy.published
        return start <= day and (self.policy.valid_to is None or day <= self.policy.valid_to)

    def key(self, clause: Clause) -> str:
        return f"{self.policy.id}/{clause.id}"

    def is_illustrative(self, clause: Clause) -> bool:
        return clause.illustrative if clause.illustrative is not None else \
            self.policy.illustrative


POLICY_MODELS = (Policy, PolicyInfo, Parameter, DatedValue, Clause, ClausePeriod, Condition,
                 Benefit, BenefitTier, PolicyTest, Expectation)


@dataclass
class Library:
    """Policies read together, with the catalogue their formulas were checked against."""

    policies: list[Policy]
    catalogue: Catalogue
    warnings: list[SpecProblem] = field(default_factory=list)

    def clauses(self) -> list[tuple[Policy, Clause]]:
        return [(policy, clause) for policy in self.policies for clause in policy.clauses]

    def with_clause(self, policy_id: str, clause: Clause) -> Library:
        """The library with one clause replaced (or added): a draft to simulate."""
        policies = []
        for policy in self.policies:
            if policy.policy.id == policy_id:
                policy = _copy(policy)
                others = [item for item in policy.clauses if item.id != clause.id]
                at = next((index for index, item in enumerate(policy.clauses)
                           if item.id == clause.id), len(others))
                policy.clauses = [*others[:at], clause, *others[at:]]
            policies.append(policy)
        return Library(policies, self.catalogue, list(self.warnings))


def _copy(policy: Policy) -> Policy:
    copied = policy.model_copy(deep=True)
    copied._source, copied._lines = policy._source, policy._lines
    return copied


def shipped_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "specs" / "policies"


def load_catalogue(path: Path | None = None) -> Catalogue:
    path = path or shipped_dir() / CATALOGUE_FILE
    source = str(path)
    data, lines = read_yaml(read_text(path), source)
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as error:
        raise SpecError(validation_problems(error, source, lines, (Catalogue, Variable))) from None
    problems = []
    for name, variable in catalogue.variables.items():
        if variable.formula:
            unknown = sorted(parse(variable.formula).names - set(catalogue.variables))
            if unknown:
                problems.append(SpecProblem(source, nearest_line(lines, ("variables", name)),
                                            f"variables.{name}.formula",
                                            f"unknown variables {', '.join(unknown)}"))
    if problems:
        raise SpecError(problems)
    return catalogue


def policy_files(paths: Iterable[str | Path]) -> list[Path]:
    """The policy files named, or found in the folders named (the catalogue excluded)."""
    found: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            found.extend(sorted(path for path in item.rglob("*.yaml")
                                if path.name != CATALOGUE_FILE))
        else:
            found.append(item)
    return found


def load_library(paths: Iterable[str | Path] | None = None,
                 catalogue: Catalogue | None = None) -> Library:
    """Read policy files (default: the shipped ones); every problem of every file at once."""
    catalogue = catalogue or load_catalogue()
    policies: list[Policy] = []
    problems: list[SpecProblem] = []
    warnings: list[SpecProblem] = []
    for path in policy_files(paths if paths is not None else [shipped_dir()]):
        try:
            policy = parse_policy(read_text(path), str(path), catalogue)
        except SpecError as error:
            problems.extend(error.problems)
            continue
        policies.append(policy)
        warnings.extend(contradictions(policy))
    seen: dict[str, str] = {}
    for policy in policies:
        previous = seen.setdefault(policy.policy.id, policy._source)
        if previous != policy._source:
            problems.append(SpecProblem(*policy.where("policy", "id"),
                                        f"policy id '{policy.policy.id}' is also used by "
                                        f"{previous}"))
    if problems:
        raise SpecError(problems)
    return Library(policies, catalogue, warnings)


def parse_policy(text: str, source: str = "<policy>",
                 catalogue: Catalogue | None = None, check_marks: bool = True) -> Policy:
    """A policy file checked whole; every number must carry a source or a placeholder mark
    (``check_marks``): a clause of a real policy cites its article."""
    catalogue = catalogue or load_catalogue()
    data, lines = read_yaml(text, source)
    try:
        policy = Policy.model_validate(data)
    except ValidationError as error:
        problems = validation_problems(error, source, lines, POLICY_MODELS)
        raise SpecError(problems + _unknown_names(data, catalogue, source, lines)) from None
    policy._source, policy._lines = source, lines
    problems = check_policy(policy, catalogue)
    if check_marks and not problems:  # once the file is otherwise sound
        problems = audit_problems(data, "policy", source, lines)
    if problems:
        raise SpecError(problems)
    return policy


def unknown_variable(name: str, known: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=3)
    return f"unknown variable '{name}'" + (f"; did you mean {', '.join(close)}?" if close else "")


def _unknown_names(data: Mapping[str, Any], catalogue: Catalogue, source: str,
                   lines: Mapping[tuple, int]) -> list[SpecProblem]:
    """Unknown variables in a file that failed validation, so that one reading of the file
    reports them alongside its other problems."""
    parameters = data.get("parameters")
    known = set(catalogue.variables) | set(parameters if isinstance(parameters, dict) else {})
    clauses = data.get("clauses")
    problems = []
    for index, clause in enumerate(clauses if isinstance(clauses, list) else []):
        if not isinstance(clause, dict):
            continue
        formulas: list[tuple[tuple, Any]] = []
        for number, condition in enumerate(clause.get("conditions") or []):
            when = condition.get("when") if isinstance(condition, dict) else condition
            formulas.append((("conditions", number, "when"), when))
        benefit = clause.get("benefit") if isinstance(clause.get("benefit"), dict) else {}
        formulas.append((("benefit", "formula"), benefit.get("formula")))
        for path, formula in formulas:
            if not isinstance(formula, str):
                continue
            try:
                names = parse(formula).names
            except ValueError:
                continue  # already reported by validation
            for name in sorted(names - known):
                key = ("clauses", index, *path)
                problems.append(SpecProblem(source, nearest_line(lines, key),
                                            ".".join(map(str, key)),
                                            unknown_variable(name, known)))
    return problems


def industry_condition(clause: Clause) -> str | None:
    """The clause's industry list as a condition on the enterprise's GB/T 4754 code."""
    if not clause.industries:
        return None
    return " or ".join(f"industry.startswith('{code}')" for code in clause.industries)


YEAR = "year"
ALREADY_GRANTED = "already_granted"


def granted_column(key: str) -> str:
    """The profile column with what one clause already granted a firm in earlier years; a
    plain ``already_granted`` column serves every clause of a one-policy file (the CLI)."""
    return f"{ALREADY_GRANTED}:{key}"


def period_condition(clause: Clause) -> Condition | None:
    period = clause.period
    if period is None:
        return None
    when = f"{YEAR} >= {period.start}" + (f" and {YEAR} <= {period.end}" if period.end else "")
    return Condition(when=when, label=f"奖励年度 {period.text()} 年")


def cumulative_cap_condition(clause: Clause) -> Condition | None:
    """Nothing more once a firm has had the whole cap of the policy period. Written as a
    negation so that it is never taken for a near miss."""
    benefit = clause.benefit
    if benefit.cap_over != "policy_period" or benefit.cap is None:
        return None
    return Condition(when=f"not ({ALREADY_GRANTED} >= {benefit.cap:g})",
                     label=f"政策期内累计未达上限 {benefit.cap:g} {benefit.unit}")


def conditions_of(clause: Clause) -> list[Condition]:
    """The conditions as evaluated: the industry filter and the clause's period first, then
    the clause's own, then the cumulative cap (if any)."""
    industry = industry_condition(clause)
    first = [Condition(when=industry, label="行业")] if industry else []
    period = period_condition(clause)
    cap = cumulative_cap_condition(clause)
    return [*first, *([period] if period else []), *clause.conditions, *([cap] if cap else [])]


def formulas_of(clause: Clause) -> Iterable[tuple[tuple[str | int, ...], str, str]]:
    """Every formula of a clause as (path, source, role); role says what its unit must be."""
    for index, condition in enumerate(clause.conditions):
        yield ("conditions", index, "when"), condition.when, "condition"
    if clause.benefit.formula:
        yield ("benefit", "formula"), clause.benefit.formula, "amount"
    for index, tier in enumerate(clause.benefit.tiers):
        yield ("benefit", "tiers", index, "when"), tier.when, "condition"
        yield ("benefit", "tiers", index, "amount"), tier.amount, "amount"


def check_policy(policy: Policy, catalogue: Catalogue) -> list[SpecProblem]:
    problems: list[SpecProblem] = []
    known = set(catalogue.variables) | set(policy.parameters)
    seen_ids: set[str] = set()
    unit_of = _UnitReader(catalogue, policy.parameters)
    for index, clause in enumerate(policy.clauses):
        base = ("clauses", index)
        if clause.id in seen_ids:
            problems.append(SpecProblem(*policy.where(*base, "id"),
                                        f"clause id '{clause.id}' is listed twice"))
        seen_ids.add(clause.id)
        if not policy.is_illustrative(clause) and not (clause.source or policy.policy.source):
            problems.append(SpecProblem(*policy.where(*base, "source"),
                                        "a real clause must cite its source"))
        for path, source, role in formulas_of(clause):
            where = policy.where(*base, *path)
            expression = parse(source)
            unknown = sorted(expression.names - known)
            problems.extend(SpecProblem(*where, unknown_variable(name, known))
                            for name in unknown)
            population = sorted(_called(expression.tree) & _POPULATION_FUNCTIONS)
            if population:
                problems.append(SpecProblem(*where, f"{', '.join(population)}() compares "
                                            "enterprises with each other; a clause judges "
                                            "each enterprise on its own figures"))
            if unknown or population:
                continue
            try:
                unit = unit_of(expression.tree.body)
                wanted = units.parse_unit(clause.benefit.unit)
                if role == "amount" and unit not in (None, wanted, units.DIMENSIONLESS):
                    raise units.UnitError(
                        f"the amount comes out in {units.show(unit)} but the benefit is in "
                        f"{units.show(wanted)}" + _conversion_hint(unit, wanted))
            except units.UnitError as error:
                problems.append(SpecProblem(*where, str(error)))
                continue
            failure = trial_failure(expression, catalogue, policy.parameters)
            if failure:
                problems.append(SpecProblem(*where, failure))
    for index, test in enumerate(policy.tests):
        for clause_id in test.expect:
            if clause_id not in seen_ids:
                problems.append(SpecProblem(*policy.where("tests", index, "expect", clause_id),
                                            f"no clause '{clause_id}' in this policy"))
        unknown = sorted(set(test.enterprise) - set(catalogue.variables))
        if unknown:
            problems.append(SpecProblem(*policy.where("tests", index, "enterprise"),
                                        f"unknown variables {', '.join(unknown)}"))
    return problems


def trial_failure(expression: Expression, catalogue: Catalogue,
                  parameters: Mapping[str, Parameter]) -> str | None:
    """Why a formula cannot be computed for an enterprise, or None: it is compiled against
    the catalogue's types (as a matching runs it) and evaluated on sample enterprises (as an
    enterprise's page does), so that no accepted formula fails later on every page."""
    kinds = {name: "number" if variable.formula else variable.kind
             for name, variable in catalogue.variables.items()}
    schema = {name: KIND_TYPES[kind] for name, kind in kinds.items()}
    table = ibis.table({**schema, ALREADY_GRANTED: "float64"}, name="enterprise")
    params = dict.fromkeys(parameters, 1.0)
    try:
        expression.compile(Scope(table, params=params, unknown_spreads=True))
        evaluate = compile_row(expression, params, strict=True)
        for sample in range(2):
            evaluate({**{name: _KIND_SAMPLES[kind][sample] for name, kind in kinds.items()},
                      ALREADY_GRANTED: 0.0})
    except ExpressionError as error:
        return error.message
    except EVALUATION_ERRORS as error:
        return f"the formula cannot be computed for an enterprise ({error})"
    return None


def clause_placeholders(policy: Policy) -> dict[str, list[Mark]]:
    """Per clause, the placeholders its eligibility and amount rest on: its own, those of the
    parameters its formulas use, and a whole file's (an illustrative policy)."""
    marks = audit(policy.model_dump(by_alias=True, exclude_none=True), "policy").placeholders
    found = {}
    for index, clause in enumerate(policy.clauses):
        used = {name for _path, source, _role in formulas_of(clause)
                for name in parse(source).names} & set(policy.parameters)
        found[clause.id] = placeholders_under(
            marks, ("clauses", index), *(("parameters", name) for name in sorted(used)))
        if policy.placeholder and not found[clause.id]:  # an example clause without numbers
            found[clause.id] = [Mark(("placeholder",), "—", "placeholder", policy.placeholder)]
    return found


def _called(tree: ast.AST) -> set[str]:
    return {node.func.id for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}


def _conversion_hint(left: units.Unit, right: units.Unit) -> str:
    if units.same_family(left, right):
        return (f"; convert one of them, e.g. convert(x, '{left[0][0]}', '{right[0][0]}')")
    return ""


class _UnitReader:
    """Infers the unit of a formula; None is a plain number, which fits any unit."""

    def __init__(self, catalogue: Catalogue, parameters: Mapping[str, Parameter]) -> None:
        self.catalogue = catalogue
        self.parameters = parameters

    def __call__(self, node: ast.AST) -> units.Unit | None:
        handler = getattr(self, f"visit_{type(node).__name__}", None)
        return handler(node) if handler else units.DIMENSIONLESS

    def unify(self, values: Sequence[units.Unit | None], verb: str) -> units.Unit | None:
        known = [value for value in values if value is not None]
        measured = [value for value in known if value != units.DIMENSIONLESS]
        for value in measured[1:]:
            if value != measured[0]:
                raise units.UnitError(
                    f"{verb} {units.show(measured[0])} and {units.show(value)} without a "
                    f"conversion" + _conversion_hint(measured[0], value))
        return measured[0] if measured else (known[0] if known else None)

    def visit_Constant(self, node: ast.Constant) -> units.Unit | None:
        return None if isinstance(node.value, int | float) else units.DIMENSIONLESS

    def visit_Name(self, node: ast.Name) -> units.Unit | None:
        if node.id in self.parameters:
            return units.parse_unit(self.parameters[node.id].unit)
        if node.id in self.catalogue.variables:
            return self.catalogue.unit_of(node.id)
        return units.DIMENSIONLESS

    def visit_BinOp(self, node: ast.BinOp) -> units.Unit | None:
        left, right = self(node.left), self(node.right)
        if isinstance(node.op, ast.Add | ast.Sub):
            return self.unify([left, right], "adds")
        if isinstance(node.op, ast.Mult):
            if left is None or right is None:
                return right if left is None else left
            return units.multiply(left, right)
        if isinstance(node.op, ast.Div):
            if right is None:
                return left
            return units.multiply(left or units.DIMENSIONLESS, right, -1)
        return left

    def visit_UnaryOp(self, node: ast.UnaryOp) -> units.Unit | None:
        return units.DIMENSIONLESS if isinstance(node.op, ast.Not) else self(node.operand)

    def visit_BoolOp(self, node: ast.BoolOp) -> units.Unit:
        for value in node.values:
            self(value)
        return units.DIMENSIONLESS

    def visit_Compare(self, node: ast.Compare) -> units.Unit:
        sides = [node.left, *node.comparators]
        ordered = [side for side, op in zip(sides[1:], node.ops, strict=True)
                   if not isinstance(op, ast.In | ast.NotIn | ast.Is | ast.IsNot)]
        if ordered:
            self.unify([self(node.left), *(self(side) for side in ordered)], "compares")
        return units.DIMENSIONLESS

    def visit_IfExp(self, node: ast.IfExp) -> units.Unit | None:
        self(node.test)
        return self.unify([self(node.body), self(node.orelse)], "chooses between")

    def visit_Call(self, node: ast.Call) -> units.Unit | None:
        if not isinstance(node.func, ast.Name):
            return units.DIMENSIONLESS
        name, args = node.func.id, node.args
        if name == "convert" and len(args) == 3:
            source, target = (getattr(arg, "value", "") for arg in args[1:])
            value = self(args[0])
            if value not in (None, units.DIMENSIONLESS, units.parse_unit(str(source))):
                raise units.UnitError(f"convert() says the value is in {source}, but it is in "
                                      f"{units.show(value)}")
            return units.parse_unit(str(target))
        if name in ("min", "max", "coalesce", "clip"):
            return self.unify([self(arg) for arg in args], "compares")
        if name == "if_" and len(args) == 3:
            self(args[0])
            return self.unify([self(args[1]), self(args[2])], "chooses between")
        if name in ("abs", "round"):
            return self(args[0])
        return units.DIMENSIONLESS


@dataclass(frozen=True)
class _Bounds:
    low: float = float("-inf")
    low_open: bool = False
    high: float = float("inf")
    high_open: bool = False
    allowed: frozenset | None = None


_FLIP = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq}


def _atoms(node: ast.AST) -> Iterable[tuple[str, type, Any]]:
    """(name, operator, constant) facts that must all hold for the condition to hold."""
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        for value in node.values:
            yield from _atoms(value)
        return
    if not isinstance(node, ast.Compare):
        return
    sides = [node.left, *node.comparators]
    for left, op, right in zip(sides, node.ops, sides[1:], strict=False):
        if isinstance(op, ast.In) and isinstance(left, ast.Name) and isinstance(
                right, ast.List | ast.Tuple):
            values = [item.value for item in right.elts if isinstance(item, ast.Constant)]
            yield left.id, ast.In, frozenset(values)
        elif type(op) in _FLIP:
            if isinstance(left, ast.Name) and isinstance(right, ast.Constant):
                yield left.id, type(op), right.value
            elif isinstance(right, ast.Name) and isinstance(left, ast.Constant):
                yield right.id, _FLIP[type(op)], left.value


def _narrow(bounds: _Bounds, op: type, value: Any) -> _Bounds:
    if op is ast.In or (op is ast.Eq and not isinstance(value, int | float)):
        values = value if op is ast.In else frozenset([value])
        allowed = values if bounds.allowed is None else bounds.allowed & values
        return _Bounds(bounds.low, bounds.low_open, bounds.high, bounds.high_open, allowed)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return bounds
    low, low_open, high, high_open = bounds.low, bounds.low_open, bounds.high, bounds.high_open
    if op in (ast.Gt, ast.GtE, ast.Eq) and (value > low or (value == low and op is ast.Gt)):
        low, low_open = value, op is ast.Gt
    if op in (ast.Lt, ast.LtE, ast.Eq) and (value < high or (value == high and op is ast.Lt)):
        high, high_open = value, op is ast.Lt
    return _Bounds(low, low_open, high, high_open, bounds.allowed)


def _empty(bounds: _Bounds) -> bool:
    if bounds.allowed is not None:
        numbers = [value for value in bounds.allowed if isinstance(value, int | float)]
        if not bounds.allowed or (numbers and len(numbers) == len(bounds.allowed) and not any(
                _inside(bounds, value) for value in numbers)):
            return True
    return bounds.low > bounds.high or (
        bounds.low == bounds.high and (bounds.low_open or bounds.high_open))


def _inside(bounds: _Bounds, value: float) -> bool:
    above = value > bounds.low or (value == bounds.low and not bounds.low_open)
    below = value < bounds.high or (value == bounds.high and not bounds.high_open)
    return above and below


def contradictions(policy: Policy) -> list[SpecProblem]:
    """Clauses no enterprise can ever meet: their conditions' ranges do not overlap."""
    warnings = []
    for index, clause in enumerate(policy.clauses):
        bounds: dict[str, _Bounds] = {}
        for condition in clause.conditions:
            for name, op, value in _atoms(parse(condition.when).tree.body):
                bounds[name] = _narrow(bounds.get(name, _Bounds()), op, value)
        empty = sorted(name for name, item in bounds.items() if _empty(item))
        if empty:
            warnings.append(SpecProblem(
                *policy.where("clauses", index, "conditions"),
                f"clause '{clause.id}' can never match: the conditions on "
                f"{', '.join(empty)} contradict each other"))
    return warnings


def policy_schema_text() -> str:
    """The published JSON Schema of policy files (``acupoint policy schema``)."""
    return json_schema_text(Policy, "Acupoint policy file")
