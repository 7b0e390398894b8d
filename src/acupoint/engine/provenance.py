"""Where every number of a spec comes from.

Every threshold, rate, weight, cap and date a shipped spec uses is either cited (``source:``,
a document number and article) or marked as a value the bureau sets locally
(``placeholder:``, why and who sets it). A mark covers the part of the spec it stands in and
everything below it; the nearest mark wins. Some parts cite by their nature: a clause of a
real policy cites its article of the policy's document, a rung of the cultivation ladder its
document. A number with neither is refused when the spec is read, with its line and key.

The same reading tells a page which placeholders a figure rests on (待定参数).
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, model_validator

from acupoint.engine.problems import SpecError, SpecProblem, nearest_line

Kind = Literal["scorecard", "policy", "rung"]
KeyPath = tuple[str | int, ...]
# Keys whose text is a formula, and mappings whose keys are names (each value a formula, or a
# written-out part with its own mark).
FORMULA_KEYS = frozenset({"when", "formula", "amount", "eligible"})
NAMED_FORMULAS = frozenset({"derive"})
# Numbers that say how, not how much: an indicator's direction, the scale of normalised
# scores, decimals of a payment, a rung's place on the ladder.
STRUCTURAL = frozenset({"direction", "range", "mean_sd", "decimals", "level"})
# A spec's own examples, and what is checked elsewhere.
SKIPPED = frozenset({"tests", "examples"})
# 0 and 1 in a formula are flags and identities (above_scale == 1, x > 0), not facts.
TRIVIAL = frozenset({0, 1, -1})


class Marked(BaseModel):
    """A part of a spec that may say where its numbers come from: a text marks the whole
    part, a mapping only the keys it names (``placeholder: {cap: why}``)."""

    source: str | dict[str, str] = ""
    placeholder: str | dict[str, str] = ""

    @model_validator(mode="after")
    def _one_provenance(self) -> Marked:
        if isinstance(self.source, str) and isinstance(self.placeholder, str) and \
                self.source and self.placeholder:
            raise ValueError("give source or placeholder, not both (or mark single keys: "
                             "placeholder: {cap: why})")
        return self


@dataclass(frozen=True)
class Mark:
    """A number and what vouches for it: a citation, or the reason it is a placeholder."""

    path: KeyPath
    value: str
    kind: Literal["source", "placeholder"]
    text: str
    line: int | None = None

    @property
    def key(self) -> str:
        return ".".join(map(str, self.path))


@dataclass(frozen=True)
class Audit:
    marks: list[Mark]
    unmarked: list[tuple[KeyPath, str]]

    @property
    def placeholders(self) -> list[Mark]:
        return [mark for mark in self.marks if mark.kind == "placeholder"]


def audit(data: Mapping[str, Any], kind: Kind,
          lines: Mapping[tuple, int] | None = None) -> Audit:
    """Every number of a spec mapping with what covers it (or nothing)."""
    lines = lines or {}
    marks: list[Mark] = []
    unmarked: list[tuple[KeyPath, str]] = []
    for path, value, cover in _numbers(data, kind, (), _top_cover(data, kind)):
        if cover is None:
            unmarked.append((path, value))
        else:
            marks.append(Mark(path, value, cover[0], cover[1], nearest_line(lines, path)))
    return Audit(marks, unmarked)


def audit_problems(data: Mapping[str, Any], kind: Kind, source: str,
                   lines: Mapping[tuple, int] | None = None) -> list[SpecProblem]:
    """A problem for each number that has neither source nor placeholder."""
    return [SpecProblem(
        source, nearest_line(lines or {}, path), ".".join(map(str, path)),
        f"the number {value} has neither source: (document number and article) nor "
        f"placeholder: (why, and who sets it locally) here or above")
        for path, value in audit(data, kind, lines).unmarked]


def require_marks(data: Mapping[str, Any], kind: Kind, source: str,
                  lines: Mapping[tuple, int] | None = None) -> None:
    """Refuse a spec with a number that has neither source nor placeholder."""
    problems = audit_problems(data, kind, source, lines)
    if problems:
        raise SpecError(problems)


def placeholders_under(marks: Sequence[Mark], *prefixes: KeyPath) -> list[Mark]:
    """The placeholders among ``marks`` in the parts a figure rests on."""
    return [mark for mark in marks if mark.kind == "placeholder"
            and any(mark.path[:len(prefix)] == prefix for prefix in prefixes)]


Cover = tuple[Literal["source", "placeholder"], str] | None


def _top_cover(data: Mapping[str, Any], kind: Kind) -> Cover:
    if kind == "rung":
        info = data.get("rung") if isinstance(data.get("rung"), Mapping) else {}
        document = info.get("document") if isinstance(info, Mapping) else None
        if data.get("placeholder"):
            return "placeholder", str(data["placeholder"])
        return ("source", str(document)) if document else None
    return _own_cover(data, kind, (), None)


def _own_cover(node: Mapping[str, Any], kind: Kind, path: KeyPath, inherited: Cover) -> Cover:
    """The mark a mapping carries itself, else what it inherits. A mark given as a mapping
    (``placeholder: {cap: …}``) covers only the keys it names."""
    if isinstance(node.get("placeholder"), str) and node["placeholder"]:
        return "placeholder", node["placeholder"]
    if isinstance(node.get("source"), str) and node["source"]:
        return "source", node["source"]
    if kind == "policy" and len(path) == 2 and path[0] == "clauses" and node.get("article") \
            and not node.get("illustrative") and not (inherited and inherited[0] ==
                                                      "placeholder"):
        return "source", f"{node['article']}"
    if kind == "policy" and node.get("reference"):
        return "source", str(node["reference"])
    return inherited


def _keyed(node: Mapping[str, Any], key: str, cover: Cover) -> Cover:
    """A mark for one key of a mapping (``placeholder: {cap: …}``), else the mapping's."""
    for mark in ("placeholder", "source"):
        marks = node.get(mark)
        if isinstance(marks, Mapping) and marks.get(key):
            return mark, str(marks[key])  # type: ignore[return-value]
    return cover


def _numbers(node: Any, kind: Kind, path: KeyPath, cover: Cover
             ) -> Iterator[tuple[KeyPath, str, Cover]]:
    if isinstance(node, Mapping):
        parent = cover
        for key, value in node.items():
            if not path and key in SKIPPED:
                continue
            cover = _keyed(node, key, parent)
            child = (*path, key)
            if path and path[-1] in NAMED_FORMULAS:
                yield from _named(value, kind, child, cover)
            elif isinstance(value, Mapping):
                yield from _numbers(value, kind, child, _own_cover(value, kind, child, cover))
            elif key in FORMULA_KEYS and isinstance(value, str):
                yield from ((child, number, cover) for number in formula_numbers(value))
            elif key not in STRUCTURAL:
                yield from _numbers(value, kind, child, cover)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            child = (*path, index)
            own = _own_cover(item, kind, child, cover) if isinstance(item, Mapping) else cover
            yield from _numbers(item, kind, child, own)
    elif _is_number(node):
        yield path, _shown(node), cover


def _named(value: Any, kind: Kind, path: KeyPath, cover: Cover
           ) -> Iterator[tuple[KeyPath, str, Cover]]:
    if isinstance(value, str):
        yield from ((path, number, cover) for number in formula_numbers(value))
    elif isinstance(value, Mapping):
        own = _own_cover(value, kind, path, cover)
        for key, item in value.items():
            if key == "formula" and isinstance(item, str):
                yield from (((*path, key), number, own) for number in formula_numbers(item))
            else:
                yield from _numbers(item, kind, (*path, key), own)
    else:
        yield from _numbers(value, kind, path, cover)


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)) or isinstance(
        value, dt.date)


def _shown(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else f"{value:g}"


def formula_numbers(source: str) -> list[str]:
    """The numbers a formula states, flags and identities left out."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:
        return []
    return [_shown(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and _is_number(node.value)
            and node.value not in TRIVIAL]



def scorecard_placeholders(data: Mapping[str, Any]) -> tuple[list[Mark], dict[str, list[Mark]]]:
    """The placeholders a scorecard's classes, scores and ranks rest on, and those each
    consequence's amount rests on besides (a consequence also rests on the classes)."""
    marks = audit(data, "scorecard").placeholders
    own = {("consequences",), ("priority_lists",)}
    scoring = [mark for mark in marks if mark.path[:1] not in own]
    amounts = {}
    for index, item in enumerate(data.get("consequences") or []):
        name = item.get("name", str(index)) if isinstance(item, Mapping) else str(index)
        amounts[name] = [*scoring, *placeholders_under(marks, ("consequences", index))]
    return scoring, amounts


def described(marks: Sequence[Mark]) -> list[str]:
    """Each placeholder as a reader sees it: why it is one, and the value it has now."""
    return list(dict.fromkeys(f"{mark.text}（{mark.value}）" for mark in marks))
