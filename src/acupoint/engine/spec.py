"""Scorecard specs: YAML read into pydantic models, with errors that name file, line and key.

A spec says, in order: derived columns, gates, indicators (or a COINr-style framework file),
treatment, normalisation, weights, aggregation, classes, streaks across periods and the
consequences of each class. Formulas are checked here; names are checked against the data
when the spec is evaluated.
"""

from __future__ import annotations

import csv
import difflib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from acupoint.engine.expr import ExpressionError, parse
from acupoint.engine.layering import LayeringError, layer
from acupoint.engine.problems import SpecError, SpecProblem, nearest_line
from acupoint.engine.provenance import Marked, require_marks

ROOT = "index"


def _check_formula(source: str) -> str:
    try:
        parse(source)
    except ExpressionError as error:
        raise ValueError(str(error)) from None
    return source


Formula = Annotated[str, AfterValidator(_check_formula)]


class _Model(Marked):
    """Every part of a spec may say where its numbers come from (see provenance)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=False)


class Derived(_Model):
    """A derived column written out, to carry the source of the numbers in its formula."""

    formula: Formula


class Param(_Model):
    """A named value written out, to carry its source or placeholder mark."""

    value: float | str | list[float] | list[str]


class Benchmark(_Model):
    """What a value is compared with under ``benchmark_ratio``: a constant or a group figure."""

    value: float | None = None
    stat: Literal["mean", "median", "quantile", "max"] = "mean"
    q: float | None = Field(None, ge=0, le=1)
    by: list[str] = []
    k: float = 1.0

    @model_validator(mode="after")
    def _quantile_needs_q(self) -> Benchmark:
        if self.stat == "quantile" and self.q is None and self.value is None:
            raise ValueError("stat: quantile needs q (e.g. q: 0.9)")
        return self


class Indicator(_Model):
    code: str
    name: str = ""
    unit: str = ""
    direction: Literal[1, -1] = 1
    weight: float | None = Field(None, ge=0)
    parent: str = ROOT
    formula: Formula | None = None
    goalposts: tuple[float, float] | None = None
    benchmark: Benchmark | None = None
    points: float | None = None
    cap: float | None = None
    normalise: str | None = None


class Aggregate(_Model):
    code: str
    name: str = ""
    parent: str | None = None
    weight: float | None = Field(None, ge=0)


class GateAction(_Model):
    max_class: str | None = None
    min_class: str | None = None
    class_: str | None = Field(None, alias="class")
    exclude: bool = False

    @model_validator(mode="after")
    def _one_action(self) -> GateAction:
        chosen = [self.max_class, self.min_class, self.class_, self.exclude or None]
        if sum(item is not None for item in chosen) != 1:
            raise ValueError("then: needs exactly one of max_class, min_class, class, exclude")
        return self


class Gate(_Model):
    when: Formula
    then: GateAction
    reason: str
    name: str = ""


class Adjustment(_Model):
    """A bonus or penalty item (加分/减分项): points added to the score where ``when`` holds."""

    when: Formula
    points: float
    reason: str
    name: str = ""


class Winsorise(_Model):
    lower: float = Field(0.0, ge=0, le=0.5)
    upper: float = Field(1.0, ge=0.5, le=1)


class Impute(_Model):
    method: Literal["mean", "median"] = "mean"
    by: list[str] = []


class Treat(_Model):
    winsorise: Winsorise | None = None
    impute: Impute | None = None


NormaliseMethod = Literal["minmax", "zscore", "rank", "percentile", "goalposts",
                          "benchmark_ratio", "vector"]


class Normalise(_Model):
    method: NormaliseMethod = "minmax"
    range: tuple[float, float] = (0.0, 100.0)
    mean_sd: tuple[float, float] = (0.0, 1.0)
    within: list[str] = []


class Weights(_Model):
    method: Literal["fixed", "equal", "entropy", "critic", "ahp", "pca"] = "fixed"
    matrix: dict[str, list[list[float]]] | list[list[float]] | None = None
    allow_inconsistent: bool = False


class Aggregation(_Model):
    method: Literal["arithmetic", "geometric", "topsis"] = "arithmetic"
    min_availability: float = Field(0.0, ge=0, le=1)


class Level(_Model):
    name: str
    label: str = ""
    top: float | None = Field(None, ge=0, le=1)
    bottom: float | None = Field(None, ge=0, le=1)
    min_score: float | None = None
    min_met: int | None = Field(None, ge=0)
    rounding: Literal["floor", "ceil", "nearest"] | None = None


class Criterion(_Model):
    name: str
    when: Formula


class Classes(_Model):
    method: Literal["quota", "threshold", "count"] = "quota"
    within: list[str] = []
    levels: list[Level] = Field(min_length=1)
    criteria: list[Criterion] = []
    excluded: str = "T"

    @model_validator(mode="after")
    def _levels_fit_method(self) -> Classes:
        names = [level.name for level in self.levels]
        if len(set(names)) != len(names):
            raise ValueError("class names must be unique")
        if self.method == "count" and not self.criteria:
            raise ValueError("method: count needs criteria")
        needed = {"threshold": "min_score", "count": "min_met"}.get(self.method)
        if needed:
            missing = [level.name for level in self.levels[:-1] if getattr(level, needed) is None]
            if missing:
                raise ValueError(f"levels {missing} need {needed} (only the last may omit it)")
        return self


class StreakLevel(_Model):
    min: int = Field(ge=1)
    label: str


class Streak(_Model):
    """Consecutive periods in which ``when`` held, ending at each period (level n).

    With ``prior``, the periods before come from that column (the streak as recorded, e.g.
    from published classes) rather than from recomputing earlier rows with this spec."""

    name: str
    when: Formula
    prior: str | None = None
    status: list[StreakLevel] = []


class Tier(_Model):
    top: int = Field(ge=1)
    amount: float = Field(ge=0)


class Consequence(_Model):
    """What a class brings: a rate per unit consumed, a share of a reward pool, or what a
    published policy clause gives or charges (``clause: policy/clause``), inlined when the
    spec is read so that the price a card shows and the policy a firm reads are one text."""

    name: str
    label: str = ""
    unit: str
    kind: Literal["rate", "pool", "clause"] = "rate"
    per: str | None = None
    clause: str | None = None
    # Scorecard columns that stand for the clause's variables (triage_class: class).
    inputs: dict[str, str] = {}
    # A charge the firm pays (the clause's amount is negative: what it owes) counted positive.
    payable: bool = False
    when: Formula | None = None
    amount: Formula | None = None
    rates: dict[str, list[float]] = {}
    level: str | None = None
    pool: float | None = Field(None, ge=0)
    eligible: Formula | None = None
    split: Literal["score_share", "rank_tiers"] = "score_share"
    tiers: list[Tier] = []
    cap: float | None = Field(None, ge=0)
    decimals: int = Field(2, ge=0, le=6)  # pool shares are paid in whole units of this

    @model_validator(mode="after")
    def _complete(self) -> Consequence:
        if self.kind == "rate" and (not self.per or not self.rates):
            raise ValueError("kind: rate needs per (a consumption column) and rates")
        if self.kind == "clause" and not (self.clause and self.when and self.amount):
            raise ValueError("kind: clause needs clause: policy-id/clause-id")
        if self.kind == "pool" and (self.pool is None and self.split == "score_share"):
            raise ValueError("kind: pool with split: score_share needs pool")
        if self.kind == "pool" and self.split == "rank_tiers" and not self.tiers:
            raise ValueError("split: rank_tiers needs tiers")
        return self


class PriorityList(_Model):
    """Firms first in line for a resource that is not priced (credit, land), by class."""

    name: str
    label: str
    classes: list[str] = Field(min_length=1)
    reference: str = ""


class Spec(_Model):
    name: str
    entity: str
    period: str | None = None
    groups: list[str] = []
    params: dict[str, float | str | list[float] | list[str] | Param] = {}
    derive: dict[str, Formula | Derived] = {}
    extends: str | None = None
    reference: str = ""
    gates: list[Gate] = []
    indicators: list[Indicator] = []
    framework: str | None = None
    aggregates: list[Aggregate] = []
    treat: Treat = Treat()
    normalise: Normalise = Normalise()
    weights: Weights = Weights()
    aggregate: Aggregation = Aggregation()
    adjustments: list[Adjustment] = []
    classes: Classes | None = None
    streaks: list[Streak] = []
    trends: list[str] = []
    consequences: list[Consequence] = []
    priority_lists: list[PriorityList] = []

    _source: str = PrivateAttr("<spec>")
    _lines: dict[tuple[str | int, ...], int] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _indicators_present(self) -> Spec:
        if not self.indicators and not self.framework:
            raise ValueError("a spec needs indicators or a framework file")
        known = ({level.name for level in self.classes.levels} | {self.classes.excluded}
                 if self.classes else set())
        for item in self.priority_lists:
            unknown = sorted(set(item.classes) - known)
            if unknown:
                raise ValueError(f"priority list '{item.name}' names classes the spec does "
                                 f"not define: {', '.join(unknown)}")
        return self

    def line_of(self, *path: str | int) -> int | None:
        return nearest_line(self._lines, path)

    @property
    def formulas(self) -> dict[str, str]:
        """The derived columns' formulas, whichever way each was written."""
        return {name: item.formula if isinstance(item, Derived) else item
                for name, item in self.derive.items()}

    @property
    def values(self) -> dict[str, Any]:
        """The named values, whichever way each was written."""
        return {name: item.value if isinstance(item, Param) else item
                for name, item in self.params.items()}

    def where(self, *path: str | int) -> str:
        line = self.line_of(*path)
        key = ".".join(str(part) for part in path)
        return f"{self._source}:{line}: {key}" if line else f"{self._source}: {key}"


SPEC_MODELS = (Spec, Indicator, Aggregate, Gate, GateAction, Adjustment, Treat, Winsorise,
               Impute, PriorityList, Normalise, Weights, Aggregation, Classes, Level, Criterion,
               Streak, StreakLevel, Consequence, Tier, Benchmark, Derived, Param)


def vocabulary(models: Sequence[type[BaseModel]]) -> list[str]:
    """Every key the models accept: what a misspelt key is matched against."""
    words: set[str] = set()
    for model in models:
        for name, info in model.model_fields.items():
            words.add(info.alias or name)
    return sorted(words)


def _line_map(node: yaml.Node, path: tuple[str | int, ...] = ()) -> dict[tuple, int]:
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + 1
            lines.update({k: v for k, v in _line_map(value_node, (*path, key)).items()
                          if k != (*path, key)})
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_line_map(item, (*path, index)))
    return lines


def load_spec(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Spec:
    path = Path(path)
    return parse_spec(read_text(path), source=str(path), base_dir=path.parent,
                      overrides=overrides)


def shipped_specs_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "specs"


def referenced_file(name: str, base_dir: Path | None, source: str, key: str) -> Path:
    """A file a spec names (``extends:``, ``framework:``). A spec read from a file may name
    files beside it; a spec typed into the platform (``base_dir`` None) only the specs
    shipped with it, named from the specs folder (``triage/shandong_2019.yaml``), so that
    no text a user sends makes the server read another of its files."""
    if base_dir is not None:
        path = Path(name)
        return path if path.is_absolute() else base_dir / path
    root = shipped_specs_dir()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise SpecError([SpecProblem(
            source, None, key, f"'{name}' is not a spec shipped with the platform; name one "
            "from its specs folder, like triage/shandong_2019.yaml")])
    return path


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return path.read_text(encoding="gb18030")
    except FileNotFoundError:
        raise SpecError([SpecProblem(str(path), None, "(file)", "file not found")]) from None


# libyaml's loader when PyYAML has it: ten times faster on a library of a thousand clauses.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str, source: str) -> tuple[dict[str, Any], dict[tuple, int]]:
    try:
        node = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise SpecError([SpecProblem(source, line, "(yaml)", str(error).split("\n")[0])]) from None
    if not isinstance(data, dict):
        raise SpecError([SpecProblem(source, 1, "(top)", "a spec must be a mapping of keys")])
    return data, (_line_map(node) if node is not None else {})


def _resolve_extends(data: dict[str, Any], source: str, base_dir: Path | None,
                     seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """Apply ``extends:`` chains: the base (itself perhaps an override) under this file."""
    if "extends" not in data:
        return data
    base_path = referenced_file(str(data["extends"]), base_dir, source, "extends")
    if str(base_path.resolve()) in seen:
        raise SpecError([SpecProblem(source, None, "extends", "the extends chain loops")])
    base, _ = read_yaml(read_text(base_path), str(base_path))
    base = _resolve_extends(base, str(base_path), base_path.parent,
                            (*seen, str(base_path.resolve())))
    try:
        return layer(base, data)
    except LayeringError as error:
        raise SpecError([SpecProblem(source, None, "extends", str(error))]) from None


def inline_clauses(data: dict[str, Any], source: str,
                   lines: Mapping[tuple, int] | None = None) -> dict[str, Any]:
    """Consequences that name a policy clause get its conditions and amount as formulas."""
    # Imported here: policy files are read with this module's YAML reader.
    from acupoint.engine.linked import inline_consequences

    return inline_consequences(data, source, lines or {})


def parse_spec(text: str, source: str = "<spec>", base_dir: Path | None = None,
               overrides: Mapping[str, Any] | None = None, check_marks: bool = True) -> Spec:
    """Read a spec from YAML text; ``extends:`` and a framework file are resolved relative to
    ``base_dir``. Every number must carry a source or a placeholder mark (``check_marks``)."""
    data, lines = read_yaml(text, source)
    data = inline_clauses(_resolve_extends(data, source, base_dir), source, lines)
    if overrides:
        data = {**data, **overrides}
    spec = spec_from_data(data, source, base_dir, lines)
    if check_marks:  # once the spec is otherwise sound, so that a typo is named first
        require_marks(data, "scorecard", source, lines)
    return spec


def resolved_data(path: str | Path) -> dict[str, Any]:
    """A spec file's mapping with its ``extends:`` chain applied: what a run stores so that it
    can be recomputed from itself, whatever later happens to the files."""
    path = Path(path)
    data, _ = read_yaml(read_text(path), str(path))
    resolved = inline_clauses(_resolve_extends(data, str(path), path.parent), str(path))
    resolved.pop("extends", None)
    return resolved


def spec_from_data(data: Mapping[str, Any], source: str = "<spec>",
                   base_dir: Path | None = None,
                   lines: Mapping[tuple, int] | None = None) -> Spec:
    """Validate a spec mapping (read from YAML, or stored with an evaluation run)."""
    try:
        spec = Spec.model_validate(dict(data))
    except ValidationError as error:
        raise SpecError(validation_problems(error, source, lines or {})) from None
    spec._source = source
    spec._lines = dict(lines or {})
    if spec.framework:
        apply_framework(spec, read_framework(
            referenced_file(spec.framework, base_dir, source, "framework")))
    check_structure(spec)
    return spec


def validation_problems(error: ValidationError, source: str, lines: Mapping[tuple, int],
                        models: Sequence[type[BaseModel]] = SPEC_MODELS) -> list[SpecProblem]:
    """Pydantic's errors as problems with file, line and key; unknown keys get suggestions."""
    known = vocabulary(models)
    problems = []
    for item in error.errors():
        loc = tuple(part for part in item["loc"] if not str(part).startswith("function-"))
        key = ".".join(str(part) for part in loc) or "(top)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden" and loc:
            close = difflib.get_close_matches(str(loc[-1]), known, n=3)
            message = f"unknown key '{loc[-1]}'" + (
                f"; did you mean {', '.join(close)}?" if close else "")
        problems.append(SpecProblem(source, nearest_line(lines, loc), key, message))
    return problems


@dataclass(frozen=True)
class Framework:
    indicators: list[Indicator]
    aggregates: list[Aggregate]


def read_framework(path: Path) -> Framework:
    """A COINr iMeta table: iCode, iName, Level, Parent, Weight, Direction, Type."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise SpecError([SpecProblem(str(path), None, "framework", "file not found")]) from None
    required = {"iCode", "Parent", "Type"}
    missing = required - set(rows[0] if rows else {})
    if missing:
        raise SpecError([SpecProblem(str(path), 1, "framework",
                                     f"missing columns {sorted(missing)}")])
    indicators, aggregates = [], []
    for number, row in enumerate(rows, start=2):
        kind = (row.get("Type") or "").strip()
        weight = _float(row.get("Weight"))
        parent = (row.get("Parent") or "").strip() or None
        try:
            if kind == "Indicator":
                indicators.append(Indicator(
                    code=row["iCode"].strip(), name=row.get("iName", "") or "",
                    unit=row.get("Unit", "") or "", parent=parent or ROOT,
                    direction=int(float(row.get("Direction") or 1)), weight=weight))
            elif kind == "Aggregate":
                aggregates.append(Aggregate(code=row["iCode"].strip(),
                                            name=row.get("iName", "") or "",
                                            parent=parent, weight=weight))
        except (ValidationError, ValueError) as error:
            raise SpecError([SpecProblem(str(path), number, row.get("iCode", "?"),
                                         str(error).split("\n")[0])]) from None
    return Framework(indicators, aggregates)


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def apply_framework(spec: Spec, framework: Framework) -> None:
    """Indicators and aggregates listed in the spec win over the file's rows of the same code."""
    listed = {indicator.code for indicator in spec.indicators}
    spec.indicators = [*spec.indicators,
                       *(item for item in framework.indicators if item.code not in listed)]
    known = {aggregate.code for aggregate in spec.aggregates}
    spec.aggregates = [*spec.aggregates,
                       *(item for item in framework.aggregates if item.code not in known)]


def check_structure(spec: Spec) -> None:
    """The hierarchy must be a tree with one root, and class names used must exist."""
    problems: list[SpecProblem] = []

    def problem(path: tuple, message: str) -> None:
        problems.append(SpecProblem(spec._source, spec.line_of(*path),
                                    ".".join(map(str, path)), message))

    codes = [item.code for item in spec.indicators] + [item.code for item in spec.aggregates]
    for duplicate in sorted({code for code in codes if codes.count(code) > 1}):
        problem(("indicators",), f"code '{duplicate}' is listed twice")
    aggregates = {aggregate.code: aggregate for aggregate in spec.aggregates}
    if not aggregates or ROOT in aggregates or any(
        item.parent == ROOT for item in spec.indicators
    ):
        aggregates.setdefault(ROOT, Aggregate(code=ROOT, name="index"))
    roots = [code for code, aggregate in aggregates.items() if not aggregate.parent]
    if len(roots) != 1:
        problem(("aggregates",), f"the framework needs exactly one root, found {roots}")
    for index, indicator in enumerate(spec.indicators):
        if indicator.parent not in aggregates:
            close = difflib.get_close_matches(indicator.parent, list(aggregates), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            problem(("indicators", index, "parent"),
                    f"parent '{indicator.parent}' of '{indicator.code}' is not an aggregate{hint}")
    for code, aggregate in aggregates.items():
        seen = {code}
        parent = aggregate.parent
        while parent:
            if parent not in aggregates:
                problem(("aggregates",), f"parent '{parent}' of '{code}' is not an aggregate")
                break
            if parent in seen:
                problem(("aggregates",), f"the parents of '{code}' form a cycle")
                break
            seen.add(parent)
            parent = aggregates[parent].parent
    leaves = {indicator.parent for indicator in spec.indicators}
    parents = {aggregate.parent for aggregate in aggregates.values()}
    for code in aggregates:
        if code not in leaves and code not in parents:
            problem(("aggregates",), f"aggregate '{code}' has no members")
    if spec.classes:
        names = {level.name for level in spec.classes.levels}
        for index, gate in enumerate(spec.gates):
            action = gate.then
            for key, value in (("max_class", action.max_class), ("min_class", action.min_class),
                               ("class", action.class_)):
                if value is not None and value not in names | {spec.classes.excluded}:
                    problem(("gates", index, "then", key),
                            f"class '{value}' is not one of {sorted(names)}")
    spec.aggregates = list(aggregates.values())
    if problems:
        raise SpecError(problems)


def json_schema(model: type[BaseModel] | None = None,
                title: str = "Acupoint scorecard spec") -> dict[str, Any]:
    """The published JSON Schema of a spec format (``acupoint spec-schema``)."""
    schema = (model or Spec).model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema


def json_schema_text(model: type[BaseModel] | None = None,
                     title: str = "Acupoint scorecard spec") -> str:
    return json.dumps(json_schema(model, title), ensure_ascii=False, indent=2,
                      sort_keys=True) + "\n"
