"""Formulas in words: what an official reads instead of identifiers.

``0.2 * digital_investment`` with the firm's figure becomes ``数字化改造投入 300 万元 × 20%``;
a rate is shown as a percentage, a datum by its label with its value and unit, a missing one
as "?". The words come from the catalogue (or from labels a page passes in its language).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from acupoint.engine.expr import parse

_OPERATORS = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷", ast.Pow: "^",
              ast.FloorDiv: "÷", ast.Mod: "mod"}
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.FloorDiv: 2, ast.Mod: 2,
               ast.Pow: 3}
_PERCENT_UNITS = ("", "%")


@dataclass(frozen=True)
class Term:
    """How one name reads: its label and unit (a parameter's unit may be empty: a rate)."""

    label: str
    unit: str = ""


@dataclass(frozen=True)
class Words:
    """The words of one language for the functions a benefit formula may use and for its
    cap (the labels of the data come from the catalogue)."""

    smaller: str = "取较小值"
    larger: str = "取较大值"
    unknown: str = "?"
    to: str = "折合"
    capped: str = "{raw}，超过上限，按 {amount}"
    cap: str = "上限 {cap}"
    cap_period: str = "政策期内累计上限 {cap}，已获 {granted}，尚余 {left}"
    aside: str = "（{text}）"


CHINESE = Words()
ENGLISH = Words(smaller="the smaller of", larger="the larger of", to="in",
                capped="{raw}, over the cap, so {amount}", cap="cap {cap}",
                cap_period="cap {cap} over the policy period, {granted} granted, {left} left",
                aside=" ({text})")


def number(value: float, unit: str = "") -> str:
    """``1,000 万元``, ``0.5``: thousands separated, no trailing zeros."""
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip() if unit else text


def percent(value: float) -> str:
    return f"{value * 100:.4g}%"


def in_words(formula: str, values: Mapping[str, Any] | None, terms: Mapping[str, Term],
             words: Words = CHINESE) -> str:
    """The formula with each name as its label and value (``研发投入 300 万元``), or, without
    values, as its label alone (how a clause's benefit reads before any firm is matched)."""
    return _Renderer(values, terms, words).render(parse(formula).tree.body)


class _Renderer:
    def __init__(self, values: Mapping[str, Any] | None, terms: Mapping[str, Term],
                 words: Words) -> None:
        self.labels_only = values is None
        self.values = values or {}
        self.terms = terms
        self.words = words

    def render(self, node: ast.AST, parent: int = 0) -> str:
        handler: Callable[[Any, int], str] | None = getattr(
            self, f"visit_{type(node).__name__}", None)
        return handler(node, parent) if handler else ast.unparse(node)

    def _is_rate(self, node: ast.AST) -> bool:
        """A dimensionless factor between 0 and 1 multiplying something: a percentage."""
        if isinstance(node, ast.Constant):
            value = node.value
        elif isinstance(node, ast.Name) and node.id in self.terms \
                and self.terms[node.id].unit in _PERCENT_UNITS:
            value = self.values.get(node.id)
        else:
            return False
        return isinstance(value, int | float) and not isinstance(value, bool) and \
            0 < value <= 1

    def visit_Constant(self, node: ast.Constant, parent: int) -> str:
        value = node.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return number(value)
        return str(value)

    def visit_Name(self, node: ast.Name, parent: int) -> str:
        term = self.terms.get(node.id)
        value = self.values.get(node.id)
        if term is None:
            return node.id if value is None else self._value(value, "")
        if self.labels_only:
            return term.label
        shown = self.words.unknown if value is None else self._value(value, term.unit)
        return f"{term.label} {shown}"

    def _value(self, value: Any, unit: str) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        if unit == "%":
            return percent(value)
        return number(value, unit)

    def visit_BinOp(self, node: ast.BinOp, parent: int) -> str:
        precedence = _PRECEDENCE.get(type(node.op), 3)
        sides = []
        for side in (node.left, node.right):
            if isinstance(node.op, ast.Mult) and self._is_rate(side):
                value = side.value if isinstance(side, ast.Constant) else \
                    self.values.get(side.id)  # type: ignore[attr-defined]
                sides.append(percent(value))
            else:
                sides.append(self.render(side, precedence))
        if isinstance(node.op, ast.Mult) and self._is_rate(node.left) and \
                not self._is_rate(node.right):
            sides.reverse()  # 数字化改造投入 300 万元 × 20%: the base first, then the rate
        text = f"{sides[0]} {_OPERATORS.get(type(node.op), '?')} {sides[1]}"
        return f"({text})" if precedence < parent else text

    def visit_UnaryOp(self, node: ast.UnaryOp, parent: int) -> str:
        operand = self.render(node.operand, 3)
        if isinstance(node.op, ast.USub):
            return f"−{operand}"
        return operand

    def visit_Call(self, node: ast.Call, parent: int) -> str:
        name = getattr(node.func, "id", "")
        args = [self.render(arg) for arg in node.args]
        if name == "convert" and len(node.args) == 3:
            target = getattr(node.args[2], "value", "")
            return f"{self.render(node.args[0], 3)} {self.words.to} {target}"
        if name in ("min", "max"):
            word = self.words.smaller if name == "min" else self.words.larger
            return f"{word}（{'，'.join(args)}）"
        return f"{name}({', '.join(args)})"
