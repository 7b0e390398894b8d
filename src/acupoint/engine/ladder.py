"""The cultivation ladder (梯度培育): each rung's published criteria as a spec, chosen by date.

A rung version (专精特新中小企业 under 工信部企业〔2022〕63号, say) is one YAML file: binding
conditions that must all hold, an optional points table with a pass mark and sub-score floors,
and direct routes that qualify a firm in place of the score. A firm qualifies when every
binding condition holds and it passes the score or meets a route (or, without either, on the
binding conditions alone).

Missing data never fails a firm: a condition on a datum the firm has not supplied is
*unknown*, and the verdict is unknown unless the firm fails whatever the datum turns out to
be. Every failed condition and every indicator short of its best band says what would change
the verdict ("研发投入强度 2.6% → 3%（+42 万元）").
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from acupoint.engine.expr import parse
from acupoint.engine.policy import Catalogue, Variable, load_catalogue
from acupoint.engine.policy_explain import format_value
from acupoint.engine.provenance import Mark, Marked, audit, audit_problems
from acupoint.engine.rowwise import compile_row
from acupoint.engine.spec import (
    Formula,
    SpecError,
    SpecProblem,
    nearest_line,
    read_text,
    read_yaml,
    validation_problems,
)

MET, FAILED, UNKNOWN = "met", "failed", "unknown"
QUALIFIED, NOT_QUALIFIED = "qualified", "not_qualified"
_ORDERED = {ast.Lt: "<", ast.LtE: "≤", ast.Gt: ">", ast.GtE: "≥"}


class _Model(Marked):
    """A part of a rung may mark values its document does not give as placeholders (a text
    for the whole part, or {key: why} for single keys); the rest cites the rung's document."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Criterion(_Model):
    """A binding condition or a direct route: one formula that holds or not."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    when: Formula


class Band(_Model):
    """Points for the first band whose formula holds; a band without one always holds."""

    when: Formula | None = None
    points: float = Field(ge=0)
    label: str = ""


class Indicator(_Model):
    """Points from a table of bands, or a formula's value up to ``max`` (a score another body
    gives, such as a province's 特色化 points)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    group: str = ""
    bands: list[Band] = []
    formula: Formula | None = None
    max: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _one_way(self) -> Indicator:
        if bool(self.bands) == bool(self.formula):
            raise ValueError("give either bands or a formula")
        if self.formula and self.max is None:
            raise ValueError("a formula needs its max")
        return self

    @property
    def best(self) -> float:
        return self.max if self.formula else max(band.points for band in self.bands)


class Score(_Model):
    pass_mark: float = Field(alias="pass", ge=0)
    floors: dict[str, float] = {}
    indicators: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _floors_name_groups(self) -> Score:
        groups = {indicator.group for indicator in self.indicators}
        unknown = sorted(set(self.floors) - groups)
        if unknown:
            raise ValueError(f"floors name groups no indicator has: {', '.join(unknown)}")
        return self


class RungInfo(_Model):
    rung: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    level: int = Field(ge=1, description="Position on the ladder: the next rung is higher.")
    version: str
    document: str = Field(min_length=4, description="The document number the rules cite.")
    issuer: str = ""
    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(None, alias="to")
    validity_years: int | None = Field(None, ge=1)
    source: str = ""
    ladder: Literal["miit", "city", "province"] = "miit"
    # Who grants the title: the province (创新型, 专精特新), MIIT (小巨人, 单项冠军) or the city
    # (its own titles). For a title the city does not grant, its part is the pool, the
    # district's recommendation, forwarding and recording the outcome.
    recognised_by: Literal["miit", "province", "city"]
    recogniser: str = Field(min_length=2, description="The body that grants the title.")

    @model_validator(mode="after")
    def _ordered(self) -> RungInfo:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"'to' {self.end} is before 'from' {self.start}")
        return self


class Expected(_Model):
    status: Literal["qualified", "not_qualified", "unknown"]
    score: float | None = None
    failed: list[str] | None = None  # the binding conditions it fails, by id


class Example(_Model):
    """A firm worked by hand from the document's wording, and the verdict it must get."""

    name: str
    firm: dict[str, bool | int | float | dt.date | str | None]
    expect: Expected


class RungSpec(_Model):
    rung: RungInfo
    binding: list[Criterion] = []
    score: Score | None = None
    routes: list[Criterion] = []
    examples: list[Example] = []

    _source: str = PrivateAttr("<rung>")

    def in_force(self, day: dt.date) -> bool:
        return self.rung.start <= day and (self.rung.end is None or day <= self.rung.end)

    @property
    def key(self) -> str:
        return f"{self.rung.rung}@{self.rung.version}"


def rung_placeholders(spec: RungSpec) -> list[Mark]:
    """The values of a rung its document does not give (a local reading, a guessed date)."""
    return audit(spec.model_dump(by_alias=True, exclude_none=True), "rung").placeholders


LADDER_MODELS = (RungSpec, RungInfo, Criterion, Score, Indicator, Band, Example, Expected)


def shipped_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "specs" / "cultivation"


@dataclass
class Ladder:
    """Every rung version, with the catalogue of data their formulas use."""

    specs: list[RungSpec]
    catalogue: Catalogue

    def rungs(self) -> list[str]:
        """Rung codes from the lowest level up."""
        order = sorted(self.specs, key=lambda spec: (spec.rung.level, spec.rung.rung))
        return list(dict.fromkeys(spec.rung.rung for spec in order))

    def versions(self, rung: str) -> list[RungSpec]:
        return sorted((spec for spec in self.specs if spec.rung.rung == rung),
                      key=lambda spec: spec.rung.start)

    def in_force(self, rung: str, day: dt.date) -> RungSpec:
        """The version of ``rung`` in force on ``day``; an error when none was."""
        versions = self.versions(rung)
        if not versions:
            raise KeyError(f"no rung '{rung}'; known: {', '.join(self.rungs())}")
        for spec in versions:
            if spec.in_force(day):
                return spec
        spans = "; ".join(f"{spec.rung.version}: {spec.rung.start} – {spec.rung.end or '…'}"
                          for spec in versions)
        raise LookupError(f"no rule version of {versions[0].rung.name} was in force on "
                          f"{day.isoformat()} ({spans})")

    def next_rung(self, rung: str | None) -> str | None:
        """The rung above ``rung`` on the national ladder (the first one for None)."""
        national = [code for code in self.rungs()
                    if self.versions(code)[0].rung.ladder == "miit"]
        if rung is None:
            return national[0] if national else None
        position = national.index(rung) + 1 if rung in national else len(national)
        return national[position] if position < len(national) else None

    def version(self, rung: str, version: str) -> RungSpec:
        for spec in self.versions(rung):
            if spec.rung.version == version:
                return spec
        raise KeyError(f"no version '{version}' of rung '{rung}'")


def load_ladder(folder: Path | None = None) -> Ladder:
    """Every rung file of a folder (default: the shipped ones), all problems at once."""
    folder = folder or shipped_dir()
    catalogue = load_catalogue(folder / "variables.yaml")
    specs, problems = [], []
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "variables.yaml":
            continue
        try:
            specs.append(parse_rung(read_text(path), str(path), catalogue))
        except SpecError as error:
            problems.extend(error.problems)
    problems += _overlaps(specs)
    if problems:
        raise SpecError(problems)
    return Ladder(specs, catalogue)


def parse_rung(text: str, source: str, catalogue: Catalogue,
               check_marks: bool = True) -> RungSpec:
    """A rung file checked whole; its numbers cite the rung's document unless marked as
    placeholders (``check_marks``)."""
    data, lines = read_yaml(text, source)
    try:
        spec = RungSpec.model_validate(data)
    except ValidationError as error:
        raise SpecError(validation_problems(error, source, lines, LADDER_MODELS)) from None
    spec._source = source
    problems = []
    for path, formula in _formulas(spec):
        unknown = sorted(parse(formula).names - set(catalogue.variables))
        if unknown:
            problems.append(SpecProblem(source, nearest_line(lines, path), ".".join(
                map(str, path)), f"unknown variables {', '.join(unknown)}"))
    ids = {criterion.id for criterion in spec.binding}
    for index, example in enumerate(spec.examples):
        path = ("examples", index)
        unknown = sorted(set(example.firm) - set(catalogue.variables))
        if unknown:
            problems.append(SpecProblem(source, nearest_line(lines, (*path, "firm")),
                                        f"examples.{index}.firm",
                                        f"unknown variables {', '.join(unknown)}"))
        strange = sorted(set(example.expect.failed or []) - ids)
        if strange:
            problems.append(SpecProblem(source, nearest_line(lines, (*path, "expect")),
                                        f"examples.{index}.expect.failed",
                                        f"no binding condition {', '.join(strange)}"))
    if check_marks and not problems:  # once the file is otherwise sound
        problems = audit_problems(data, "rung", source, lines)
    if problems:
        raise SpecError(problems)
    return spec


def _formulas(spec: RungSpec) -> Iterable[tuple[tuple, str]]:
    for part in ("binding", "routes"):
        for index, criterion in enumerate(getattr(spec, part)):
            yield (part, index, "when"), criterion.when
    if spec.score:
        for index, indicator in enumerate(spec.score.indicators):
            if indicator.formula:
                yield ("score", "indicators", index, "formula"), indicator.formula
            for band_index, band in enumerate(indicator.bands):
                if band.when:
                    yield ("score", "indicators", index, "bands", band_index, "when"), band.when


@dataclass(frozen=True)
class ExampleOutcome:
    rung: str
    example: str
    passed: bool
    message: str


def run_examples(ladder: Ladder) -> list[ExampleOutcome]:
    """Each rung's worked examples judged as the pages judge a firm."""
    evaluator = Evaluator(ladder)
    outcomes = []
    for spec in ladder.specs:
        for example in spec.examples:
            verdict = evaluator.evaluate(spec, example.firm)
            expected = example.expect
            failed = [item.id for item in verdict.binding if item.outcome == FAILED]
            wrong = []
            if verdict.status != expected.status:
                wrong.append(f"expected {expected.status}, got {verdict.status}"
                             + (f" (failed: {', '.join(failed)})" if failed else ""))
            if expected.score is not None and (verdict.score is None or abs(
                    verdict.score - expected.score) > 1e-9):
                wrong.append(f"expected {expected.score} points, got {verdict.score}")
            if expected.failed is not None and sorted(failed) != sorted(expected.failed):
                wrong.append(f"expected to fail {expected.failed}, failed {failed}")
            outcomes.append(ExampleOutcome(spec.key, example.name, not wrong,
                                           "; ".join(wrong) or "ok"))
    return outcomes


def _overlaps(specs: list[RungSpec]) -> list[SpecProblem]:
    problems = []
    by_rung: dict[str, list[RungSpec]] = {}
    for spec in specs:
        by_rung.setdefault(spec.rung.rung, []).append(spec)
    for versions in by_rung.values():
        versions.sort(key=lambda spec: spec.rung.start)
        for earlier, later in zip(versions, versions[1:], strict=False):
            if earlier.rung.end is None or earlier.rung.end >= later.rung.start:
                problems.append(SpecProblem(later._source, None, "rung.from",
                                            f"version {later.rung.version} starts while "
                                            f"{earlier.rung.version} is still in force"))
    return problems


# Evaluation ---------------------------------------------------------------------------------

@dataclass
class CriterionResult:
    id: str
    label: str
    outcome: str  # met | failed | unknown
    needs: list[str] = field(default_factory=list)
    gap: str = ""


@dataclass
class IndicatorResult:
    id: str
    label: str
    group: str
    points: float | None  # None: a datum is missing
    best: float
    band: str = ""
    needs: list[str] = field(default_factory=list)
    next_gain: float = 0.0  # points the next band up would add
    next_gap: str = ""
    next_distance: float = float("inf")  # how far that band is, relative to its threshold


@dataclass
class Verdict:
    spec: RungSpec
    status: str  # qualified | not_qualified | unknown
    binding: list[CriterionResult]
    indicators: list[IndicatorResult]
    routes: list[CriterionResult]
    score: float | None  # points with unknown indicators counted as none
    score_if_known: float | None  # points if every unknown indicator scored its best
    groups: dict[str, float]
    passed_score: bool | None
    gaps: list[str]
    needs: list[str]

    @property
    def pass_mark(self) -> float | None:
        return self.spec.score.pass_mark if self.spec.score else None


class Evaluator:
    """A ladder compiled once; ``evaluate`` judges one firm's profile under one rung version."""

    def __init__(self, ladder: Ladder) -> None:
        self.ladder = ladder
        self.catalogue = ladder.catalogue
        self._compiled: dict[str, Any] = {}
        self._derived = [(name, compile_row(variable.formula))
                         for name, variable in self.catalogue.variables.items()
                         if variable.formula]

    def _formula(self, source: str):
        if source not in self._compiled:
            self._compiled[source] = compile_row(source)
        return self._compiled[source]

    def profile(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The firm's data with defaults filled in and derived variables computed."""
        row = {name: data.get(name, variable.default)
               for name, variable in self.catalogue.variables.items() if not variable.formula}
        for name, value in row.items():
            if value is None:
                row[name] = self.catalogue.variables[name].default
        for name, formula in self._derived:
            row[name] = formula(row)
        return row

    def evaluate(self, spec: RungSpec, data: Mapping[str, Any]) -> Verdict:
        row = self.profile(data)
        binding = [self._criterion(criterion, row) for criterion in spec.binding]
        routes = [self._criterion(criterion, row) for criterion in spec.routes]
        indicators = ([self._indicator(indicator, row) for indicator in spec.score.indicators]
                      if spec.score else [])
        score, best, groups, passed = self._score(spec, indicators)
        route_met = _any([result.outcome for result in routes])
        if spec.score is None:
            alternative = route_met if spec.routes else True
        else:
            alternative = _sql_or(passed, route_met) if spec.routes else passed
        status = _verdict(_all([result.outcome for result in binding]), alternative)
        needs = sorted({need for item in [*binding, *routes, *indicators] for need in item.needs})
        return Verdict(spec, status, binding, indicators, routes, score, best, groups, passed,
                       self._gaps(spec, binding, indicators, score, groups, passed, route_met),
                       needs)

    def _criterion(self, criterion: Criterion, row: Mapping[str, Any]) -> CriterionResult:
        value = self._formula(criterion.when)(row)
        outcome = MET if value is True else FAILED if value is False else UNKNOWN
        result = CriterionResult(criterion.id, criterion.label, outcome)
        if outcome == UNKNOWN:
            result.needs = self._missing(criterion.when, row)
        elif outcome == FAILED:
            result.gap = self.gap_text(criterion.when, row, criterion.label)
        return result

    def _indicator(self, indicator: Indicator, row: Mapping[str, Any]) -> IndicatorResult:
        result = IndicatorResult(indicator.id, indicator.label, indicator.group, None,
                                 indicator.best)
        if indicator.formula:
            value = self._formula(indicator.formula)(row)
            if value is None:
                result.needs = self._missing(indicator.formula, row)
            else:
                result.points = min(max(float(value), 0.0), indicator.best)
            return result
        for index, band in enumerate(indicator.bands):
            holds = True if band.when is None else self._formula(band.when)(row)
            if holds is None:
                result.needs = self._missing(band.when or "", row)
                return result
            if holds:
                result.points, result.band = band.points, band.label
                better = [(candidate.points, candidate) for candidate in indicator.bands[:index]
                          if candidate.points > band.points and candidate.when]
                if better:
                    points, target = min(better, key=lambda item: item[0])
                    result.next_gain = points - band.points
                    result.next_gap, result.next_distance = self._gap(
                        target.when or "", row, f"{indicator.label}：{target.label}")
                return result
        result.points = 0.0
        return result

    @staticmethod
    def _score(spec: RungSpec, indicators: list[IndicatorResult]
               ) -> tuple[float | None, float | None, dict[str, float], bool | None]:
        if spec.score is None:
            return None, None, {}, None
        known = sum(item.points or 0.0 for item in indicators)
        best = sum(item.best if item.points is None else item.points for item in indicators)
        groups: dict[str, float] = {}
        groups_best: dict[str, float] = {}
        for item in indicators:
            groups[item.group] = groups.get(item.group, 0.0) + (item.points or 0.0)
            groups_best[item.group] = groups_best.get(item.group, 0.0) + (
                item.best if item.points is None else item.points)
        floors = spec.score.floors

        def passes(total: float, by_group: dict[str, float]) -> bool:
            return total >= spec.score.pass_mark and all(
                by_group.get(group, 0.0) >= floor for group, floor in floors.items())

        if passes(known, groups):
            return known, best, groups, True
        if not passes(best, groups_best):
            return known, best, groups, False
        return known, best, groups, None

    def _missing(self, formula: str, row: Mapping[str, Any]) -> list[str]:
        """The data a formula reads that the firm has not supplied (through derived ones)."""
        found: set[str] = set()
        pending = list(parse(formula).names)
        while pending:
            name = pending.pop()
            variable = self.catalogue.variables.get(name)
            if variable is None or name in found:
                continue
            if variable.formula:
                pending.extend(parse(variable.formula).names)
            elif row.get(name) is None:
                found.add(name)
        return sorted(found)

    def gap_text(self, formula: str, row: Mapping[str, Any], label: str) -> str:
        """What a failed comparison needs: "研发投入强度 2.6% → ≥ 3%（研发费用 +42 万元）"."""
        return self._gap(formula, row, label)[0]

    def _gap(self, formula: str, row: Mapping[str, Any], label: str) -> tuple[str, float]:
        """The gap in words, and how far it is relative to the threshold (infinite when the
        condition is not one comparison: a title, a tag, a choice of routes)."""
        kind, parts = _shape(formula)
        if kind == "and":
            failing = [part for part in parts if self._formula(part)(row) is not True]
            if len(failing) != 1:
                return label, float("inf")
            kind, parts = _shape(failing[0])
        if kind != "compare":
            return label, float("inf")
        left, op, right = parts
        value, threshold = self._formula(left)(row), self._formula(right)(row)
        if value is None or threshold is None:
            return label, float("inf")
        variable = self.catalogue.variables.get(left)
        unit = variable.unit if variable else ""
        text = (f"{variable.label if variable else label} {format_value(value, unit)} → "
                f"{op} {format_value(threshold, unit)}")
        extra = self._numerator_gap(variable, threshold, row)
        distance = abs(threshold - value) / (abs(threshold) or 1.0)
        return (f"{text}（{extra}）" if extra else text), distance

    def _numerator_gap(self, variable: Variable | None, threshold: float,
                       row: Mapping[str, Any]) -> str:
        """For a ratio a / b, how much more a it takes: the change a firm can act on."""
        if variable is None or not variable.formula:
            return ""
        node = parse(variable.formula).tree.body
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)
                and isinstance(node.left, ast.Name) and isinstance(node.right, ast.Name)):
            return ""
        numerator, denominator = row.get(node.left.id), row.get(node.right.id)
        if numerator is None or denominator is None:
            return ""
        missing = threshold * denominator - numerator
        if missing <= 0:
            return ""
        target = self.catalogue.variables[node.left.id]
        return f"{target.label} +{format_value(missing, target.unit)}"

    def _gaps(self, spec: RungSpec, binding: list[CriterionResult],
              indicators: list[IndicatorResult], score: float | None,
              groups: dict[str, float], passed: bool | None,
              route_met: bool | None) -> list[str]:
        """The changes the firm can see: every failed binding condition, and when the score
        falls short, next-band moves that reach the floors and the pass mark, the nearest
        first (a ratio 0.5% short of its band before a patent the firm does not have)."""
        gaps = [result.gap for result in binding if result.outcome == FAILED]
        if spec.score is None or passed is not False or route_met is True:
            return gaps
        short = spec.score.pass_mark - (score or 0.0)
        group_short = {group: floor - groups.get(group, 0.0)
                       for group, floor in spec.score.floors.items()
                       if groups.get(group, 0.0) < floor}
        moves = sorted((item for item in indicators if item.next_gain > 0),
                       key=lambda item: (item.next_distance, -item.next_gain))
        chosen: list[IndicatorResult] = []
        for group, missing in group_short.items():
            for item in moves:
                if missing <= 0:
                    break
                if item.group == group and item not in chosen:
                    chosen.append(item)
                    missing -= item.next_gain
        short -= sum(item.next_gain for item in chosen)
        for item in moves:
            if short <= 0:
                break
            if item not in chosen:
                chosen.append(item)
                short -= item.next_gain
        return gaps + [f"{item.next_gap}（+{format_value(item.next_gain)} 分）"
                       for item in chosen]


@lru_cache(maxsize=4096)
def _shape(formula: str) -> tuple[str, tuple[str, ...]]:
    """What a condition is made of, parsed once: a conjunction (its parts), one ordered
    comparison (left, operator, right), or something else."""
    node = parse(formula).tree.body
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        return "and", tuple(ast.unparse(value) for value in node.values)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _ORDERED:
        return "compare", (ast.unparse(node.left), _ORDERED[type(node.ops[0])],
                           ast.unparse(node.comparators[0]))
    return "other", ()


def _all(outcomes: list[str]) -> bool | None:
    if FAILED in outcomes:
        return False
    return None if UNKNOWN in outcomes else True


def _any(outcomes: list[str]) -> bool | None:
    if MET in outcomes:
        return True
    return None if UNKNOWN in outcomes else False


def _sql_or(left: bool | None, right: bool | None) -> bool | None:
    if left is True or right is True:
        return True
    return None if left is None or right is None else False


def _verdict(binding: bool | None, alternative: bool | None) -> str:
    if binding is False or alternative is False:
        return NOT_QUALIFIED
    if binding is True and alternative is True:
        return QUALIFIED
    return UNKNOWN
