"""The expression language evaluated on one row in plain Python, with SQL's semantics.

Matching one enterprise (the API, an enterprise's own page) through a database costs the
planning of a query with thousands of expressions: a fifth of a second for fifty clauses.
Compiled to closures once, the same formulas take microseconds per row. The semantics are
those of the Ibis compilation: null in, null out; x/0 is null; ``and``/``or`` follow SQL's
three-valued logic; a CASE whose test is null takes the else branch. A property test keeps
the two in agreement on the shipped library.
"""

from __future__ import annotations

import ast
import logging
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

from acupoint.engine import units
from acupoint.engine.expr import Expression, arithmetic, is_number, parse

logger = logging.getLogger(__name__)

Row = Mapping[str, Any]
Compiled = Callable[[Row], Any]

_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Pow)
# What a value of the wrong kind raises deep in a formula (a text compared with a number).
EVALUATION_ERRORS = (TypeError, ValueError, ArithmeticError)
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
            ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}


class RowwiseError(ValueError):
    pass


def compile_row(source: str | Expression, params: Mapping[str, Any] | None = None,
                unknown_spreads: bool = True, strict: bool = False) -> Compiled:
    """A function of a row (a mapping of names to values) computing the formula.

    A value of the wrong kind in a row (a text where the catalogue promises a number) makes
    the result unknown, as SQL's null would, and is logged; ``strict`` raises instead, which
    is how a formula is tried on a sample before it is accepted."""
    expression = source if isinstance(source, Expression) else parse(source)
    compiled = _Builder(params or {}, unknown_spreads).build(expression.tree.body)
    if strict:
        return compiled

    def guarded(row: Row) -> Any:
        try:
            return compiled(row)
        except EVALUATION_ERRORS:
            logger.warning("formula %r has no value on a row of the wrong kinds",
                           expression.source, exc_info=True)
            return None
    return guarded


def _round_half_away(value: float, digits: int = 0) -> float:
    scale = 10 ** digits
    return math.copysign(math.floor(abs(value) * scale + 0.5) / scale, value)


def _sql_and(values: list[Any]) -> bool | None:
    if any(value is False for value in values):
        return False
    return None if any(value is None for value in values) else True


def _sql_or(values: list[Any]) -> bool | None:
    if any(value is True for value in values):
        return True
    return None if any(value is None for value in values) else False


class _Builder:
    def __init__(self, params: Mapping[str, Any], unknown_spreads: bool) -> None:
        self.params = params
        self.unknown_spreads = unknown_spreads

    def build(self, node: ast.AST) -> Compiled:
        handler = getattr(self, f"visit_{type(node).__name__}", None)
        if handler is None:
            raise RowwiseError(f"'{type(node).__name__}' cannot be evaluated on one row")
        return handler(node)

    def visit_Constant(self, node: ast.Constant) -> Compiled:
        value = node.value
        return lambda row: value

    def visit_Name(self, node: ast.Name) -> Compiled:
        name = node.id
        if name in self.params:
            value = self.params[name]
            return lambda row: value
        if name in ("True", "False"):
            value = name == "True"
            return lambda row: value
        if name.endswith("_"):
            plain = name[:-1]
            return lambda row: row.get(name, row.get(plain))
        return lambda row: row.get(name)

    def visit_List(self, node: ast.List) -> Compiled:
        items = [self.build(item) for item in node.elts]
        return lambda row: [item(row) for item in items]

    visit_Tuple = visit_List

    def visit_BoolOp(self, node: ast.BoolOp) -> Compiled:
        values = [self.build(value) for value in node.values]
        combine = _sql_and if isinstance(node.op, ast.And) else _sql_or
        return lambda row: combine([value(row) for value in values])

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Compiled:
        operand = self.build(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda row: None if (value := operand(row)) is None else not value
        if isinstance(node.op, ast.USub):
            return lambda row: arithmetic(ast.Sub, 0, operand(row))
        return operand

    def visit_BinOp(self, node: ast.BinOp) -> Compiled:
        left, right = self.build(node.left), self.build(node.right)
        op = type(node.op)
        if op in _ARITHMETIC:
            return lambda row: arithmetic(op, left(row), right(row))

        def division(row: Row) -> Any:
            a, b = left(row), right(row)
            if not (is_number(a) and is_number(b)) or b == 0:
                return None
            try:
                quotient = a / b
                if op is ast.Div:
                    return quotient
                return math.floor(quotient) if op is ast.FloorDiv else a - math.floor(
                    quotient) * b
            except OverflowError:
                return None
        return division

    def visit_Compare(self, node: ast.Compare) -> Compiled:
        sides = [self.build(side) for side in [node.left, *node.comparators]]
        ops = list(node.ops)

        def compare(row: Row) -> Any:
            values = [side(row) for side in sides]
            parts = []
            for op, left, right in zip(ops, values, values[1:], strict=False):
                if isinstance(op, ast.Is | ast.IsNot):
                    parts.append((left is None) == isinstance(op, ast.Is))
                elif left is None or (right is None and not isinstance(op, ast.In | ast.NotIn)):
                    parts.append(None)
                elif isinstance(op, ast.In | ast.NotIn):
                    parts.append((left in right) == isinstance(op, ast.In))
                else:
                    parts.append(_COMPARE[type(op)](left, right))
            return _sql_and(parts)
        return compare

    def visit_IfExp(self, node: ast.IfExp) -> Compiled:
        test, body, orelse = self.build(node.test), self.build(node.body), self.build(
            node.orelse)
        return lambda row: body(row) if test(row) else orelse(row)

    def visit_Call(self, node: ast.Call) -> Compiled:
        if isinstance(node.func, ast.Attribute):
            target = self.build(node.func.value)
            text = node.args[0].value  # type: ignore[attr-defined]
            method = node.func.attr

            def text_test(row: Row) -> Any:
                value = target(row)
                return None if value is None else getattr(str(value), method)(text)
            return text_test
        name = node.func.id  # type: ignore[attr-defined]
        args = [self.build(arg) for arg in node.args]
        maker = getattr(self, f"call_{name}", None)
        if maker is None:
            raise RowwiseError(f"{name}() compares rows with each other; it has no value on "
                               "one row")
        return maker(node, args)

    def _extreme(self, args: list[Compiled], pick: Callable) -> Compiled:
        spreads = self.unknown_spreads

        def extreme(row: Row) -> Any:
            values = [arg(row) for arg in args]
            known = [value for value in values if value is not None]
            if (spreads and len(known) < len(values)) or not known:
                return None
            return pick(known)
        return extreme

    def call_min(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        return self._extreme(args, min)

    def call_max(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        return self._extreme(args, max)

    def call_abs(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        return _unary(args[0], abs)

    def call_round(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        digits = args[1] if len(args) == 2 else (lambda row: 0)
        return lambda row: None if (value := args[0](row)) is None else _round_half_away(
            value, digits(row))

    def call_log(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        base = args[1] if len(args) == 2 else None

        def log(row: Row) -> Any:
            value = args[0](row)
            if value is None or value <= 0:
                return None
            if base is None:
                return math.log(value)
            chosen = base(row)
            return None if chosen is None or chosen <= 0 or chosen == 1 else math.log(
                value, chosen)
        return log

    def call_sqrt(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        return lambda row: None if (value := args[0](row)) is None or value < 0 else math.sqrt(
            value)

    def call_clip(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        value, lower, upper = args

        def clip(row: Row) -> Any:
            number = value(row)
            if number is None:
                return None
            low, high = lower(row), upper(row)
            if low is not None:
                number = max(number, low)
            return number if high is None else min(number, high)
        return clip

    def call_if_(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        test, body, orelse = args
        return lambda row: body(row) if test(row) else orelse(row)

    def call_is_null(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        return lambda row: args[0](row) is None

    def call_not_null(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        return lambda row: args[0](row) is not None

    def call_coalesce(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        return lambda row: next((value for arg in args if (value := arg(row)) is not None),
                                None)

    def call_convert(self, node: ast.Call, args: list[Compiled]) -> Compiled:
        source, target = (arg.value for arg in node.args[1:])  # type: ignore[attr-defined]
        factor = units.factor(source, target)
        return _unary(args[0], lambda value: value * factor)


def _unary(arg: Compiled, apply: Callable[[Any], Any]) -> Compiled:
    return lambda row: None if (value := arg(row)) is None else apply(value)
