"""The one expression language of scorecards and policy rules, compiled to Ibis.

A formula is parsed with :mod:`ast` and every node is checked against a whitelist before any
of it is compiled, so nothing a user types is ever evaluated by Python. What passes becomes an
Ibis expression, which runs unchanged on DuckDB and on Spark.
"""

from __future__ import annotations

import ast
import difflib
import functools
import logging
import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.common.annotations import ValidationError as IbisSignatureError
from ibis.common.exceptions import IbisError

from acupoint.engine import units

logger = logging.getLogger(__name__)

MAX_LENGTH = 4000
# Deeper than any written formula (the shipped ones reach 8) and far from Python's recursion
# limit, which the compilers would otherwise meet on a long chain like a + b + c + …
MAX_DEPTH = 64
# A number a formula writes or folds from constants; beyond it lies only a typing slip or an
# attack (9**9**9), never an amount, a threshold or a weight.
MAX_MAGNITUDE = 1e15
ROUND_DIGITS = 15
# Result columns whose names are Python keywords; written plainly, read as ``class_``.
_KEYWORD_COLUMNS = re.compile(r"""('[^']*'|"[^"]*")|\b(class)\b""")

GROUP_STATISTICS = ("mean", "median", "sum", "std", "count", "quantile", "share")
ELEMENTWISE = ("min", "max", "abs", "round", "log", "sqrt", "clip", "if_", "is_null",
               "not_null", "coalesce", "lag", "convert")
FUNCTIONS = frozenset(GROUP_STATISTICS + ELEMENTWISE)
METHODS = frozenset({"startswith", "endswith"})

_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Pow: operator.pow}
_FLOAT_BINARY = {**_BINARY, ast.Pow: math.pow}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
            ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}
_ALLOWED_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
    ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
    ast.Is, ast.IsNot, ast.Call, ast.Name, ast.Load, ast.Constant, ast.List, ast.Tuple,
    ast.keyword, ast.IfExp, ast.Attribute,
)


class ExpressionError(ValueError):
    """A formula that cannot be accepted, with the character position of the culprit."""

    def __init__(self, message: str, source: str, offset: int = 0) -> None:
        self.message = message
        self.source = source
        self.offset = offset
        super().__init__(f"{message} (column {offset + 1})\n  {source}\n  {' ' * offset}^")


@dataclass(frozen=True)
class Hazard:
    """A place where a formula yields null instead of a number (x/0, log of x ≤ 0)."""

    kind: str
    source: str
    offset: int
    where: ir.BooleanValue


@dataclass
class Scope:
    """What names mean while compiling: the table's columns and the named parameters.

    ``partition`` is added to every group statistic so that periods (and excluded entities)
    never mix; ``entity`` and ``period`` make ``lag`` possible.
    """

    table: ir.Table
    params: Mapping[str, Any] = field(default_factory=dict)
    entity: str | None = None
    period: str | None = None
    partition: Sequence[str] = ()
    hazards: list[Hazard] = field(default_factory=list)
    # min()/max() of values one of which is unknown: unknown (policy amounts), or the least
    # of the known ones as SQL's LEAST gives it (scorecards).
    unknown_spreads: bool = False
    # Names read from another column: a clause's ``already_granted`` is its own column.
    aliases: Mapping[str, str] = field(default_factory=dict)

    def names(self) -> list[str]:
        return [*self.table.columns, *self.params]


@dataclass(frozen=True)
class Expression:
    """A checked formula; ``names`` are the columns or parameters it refers to."""

    source: str
    tree: ast.Expression
    names: frozenset[str]

    def compile(self, scope: Scope) -> ir.Value:
        """The formula as an Ibis expression; parts that do not fit together (text where a
        number is needed) are an :class:`ExpressionError`, never Ibis's own exception."""
        try:
            value = _Compiler(self.source, scope).visit(self.tree.body)
        except (IbisError, IbisSignatureError, TypeError, ValueError, AttributeError,
                ArithmeticError) as error:
            if isinstance(error, ExpressionError):
                raise
            logger.info("formula %r does not compile: %s", self.source, error)
            raise ExpressionError(
                "the values in this formula do not fit together (text where a number is "
                "needed, or a number where a text is)", self.source, 0) from error
        if isinstance(value, list):
            raise ExpressionError("a list only follows 'in' or 'by=', as in industry in "
                                  "['C36', 'C37']", self.source, 0)
        return value

    def __str__(self) -> str:
        return self.source


def parse(source: str) -> Expression:
    """Check a formula against the whitelist; raise :class:`ExpressionError` if it fails.

    A formula is parsed once: the result is shared, so its tree must never be changed (copy
    it before transforming it)."""
    return _parse(source if isinstance(source, str) else str(source))


@functools.lru_cache(maxsize=65_536)
def _parse(source: str) -> Expression:
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"formula longer than {MAX_LENGTH} characters", source, MAX_LENGTH)
    source = _KEYWORD_COLUMNS.sub(lambda match: match.group(1) or f"{match.group(2)}_", source)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as error:
        offset = max((error.offset or 1) - 1, 0)
        raise ExpressionError(f"syntax error: {error.msg}", source, offset) from None
    except RecursionError:
        raise ExpressionError(f"formula nested more than {MAX_DEPTH} levels deep; split it into "
                              "derived variables", source, 0) from None
    names: set[str] = set()
    method_calls = {
        id(node.func) for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    for node in ast.walk(tree):
        _check_node(node, source, is_method=id(node) in method_calls)
        if isinstance(node, ast.Name):
            names.add(node.id)
    _check_size(tree, source)
    _check_constants(tree.body, source)
    return Expression(source.strip(), tree, frozenset(names - FUNCTIONS))


def arithmetic(op: type[ast.operator], left: Any, right: Any) -> int | float | None:
    """``left op right`` for +, -, * and ** without ever building a huge number: computed in
    floats first, so 9**9**9 costs what 9.0**387420489.0 does. None when the result is not a
    finite real number (too large, or a root of a negative number), or an operand is no
    number. Whole numbers stay whole while they are exact."""
    if not (is_number(left) and is_number(right)):
        return None
    try:
        result = _FLOAT_BINARY[op](float(left), float(right))
    except (OverflowError, ValueError, ZeroDivisionError):
        return None
    if not math.isfinite(result):
        return None
    if (isinstance(left, int) and isinstance(right, int) and abs(result) < 2 ** 53
            and not (op is ast.Pow and right < 0)):
        return _BINARY[op](left, right)
    return result


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _depth(tree: ast.AST) -> int:
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _check_size(tree: ast.Expression, source: str) -> None:
    if _depth(tree) > MAX_DEPTH:
        raise ExpressionError(
            f"formula nested more than {MAX_DEPTH} levels deep; split it into derived "
            "variables", source, 0)


_NOT_CONSTANT = object()


def _check_constants(node: ast.AST, source: str) -> Any:
    """Fold the formula's constant parts as the compilers will, refusing numbers beyond
    ±MAX_MAGNITUDE and arithmetic on text; the value, or _NOT_CONSTANT."""
    def refuse(message: str, culprit: ast.AST = node) -> None:
        raise ExpressionError(message, source, _char_offset(source, culprit))

    children = [_check_constants(child, source) for child in ast.iter_child_nodes(node)]
    if isinstance(node, ast.Constant):
        if isinstance(node.value, int | float) and not abs(node.value) <= MAX_MAGNITUDE:
            refuse(f"the number {_shown(node.value)} is too large: a formula's numbers stay "
                   f"within ±{MAX_MAGNITUDE:.0e}")
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = children[-1]
        if isinstance(operand, str):
            refuse("text cannot be negated")
        return -operand if isinstance(operand, int | float) and isinstance(
            node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = children[0], children[-1]
        if isinstance(left, str) or isinstance(right, str):
            refuse("text cannot take part in arithmetic")
        if type(node.op) in _BINARY and all(
                isinstance(value, int | float) for value in (left, right)):
            value = arithmetic(type(node.op), left, right)
            if value is None or abs(value) > MAX_MAGNITUDE:
                refuse(f"'{ast.get_source_segment(source.strip(), node) or '…'}' is too "
                       f"large: a formula's numbers stay within ±{MAX_MAGNITUDE:.0e}")
            return value
        return _NOT_CONSTANT
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "round":
        digits = children[2] if len(node.args) == 2 else 0
        if not (isinstance(digits, int) and abs(digits) <= ROUND_DIGITS):
            refuse(f"round takes a whole number of digits from -{ROUND_DIGITS} to "
                   f"{ROUND_DIGITS}", node.args[1])
    return _NOT_CONSTANT


def _shown(value: float) -> str:
    text = repr(value)
    return text if len(text) <= 20 else f"{text[:8]}…({len(text)} digits)"


def _char_offset(source: str, node: ast.AST) -> int:
    """``ast`` counts UTF-8 bytes; people count characters (Chinese names are 3 bytes each)."""
    byte_offset = getattr(node, "col_offset", 0)
    return len(source.strip().encode()[:byte_offset].decode(errors="ignore"))


def _check_node(node: ast.AST, source: str, is_method: bool) -> None:
    def refuse(message: str) -> None:
        raise ExpressionError(message, source, _char_offset(source, node))

    if not isinstance(node, _ALLOWED_NODES):
        refuse(f"'{type(node).__name__}' is not allowed in a formula")
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        refuse(f"name '{node.id}' is not allowed")
    if isinstance(node, ast.Attribute) and not is_method:
        refuse(f"attribute '.{node.attr}' is not allowed; only x.startswith('…') calls are")
    if isinstance(node, ast.Constant) and not isinstance(node.value, int | float | str | None):
        refuse(f"constant {node.value!r} is not allowed")
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr not in METHODS or not isinstance(func.value, ast.Name):
                refuse(f"method '.{func.attr}' is not allowed; use name.startswith('…')")
            if node.keywords or len(node.args) != 1 or not _is_text(node.args[0]):
                refuse(f"'.{func.attr}' takes exactly one text argument, like "
                       f"industry_code.{func.attr}('C36')")
            return
        if not isinstance(func, ast.Name):
            refuse("only named functions may be called")
        if func.id not in FUNCTIONS:
            close = difflib.get_close_matches(func.id, sorted(FUNCTIONS), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            refuse(f"unknown function '{func.id}'{hint}")
        for keyword in node.keywords:
            if keyword.arg not in ("by",):
                refuse(f"keyword '{keyword.arg}' is not allowed; only by=… is")
        if func.id == "convert" and not (len(node.args) == 3
                                         and all(map(_is_text, node.args[1:]))):
            refuse("convert needs a value and two unit names, like convert(x, '元', '万元')")


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _as_list(node: ast.AST) -> list[ast.AST]:
    return list(node.elts) if isinstance(node, ast.List | ast.Tuple) else [node]


NUMBER, TEXT, TRUTH, DATE, NOTHING, LIST = "number", "text", "truth", "date", "nothing", "list"
_KIND_WORDS = {NUMBER: "a number", TEXT: "a text", TRUTH: "a yes/no condition", DATE: "a date",
               LIST: "a list"}


def kind_of(value: Any) -> str:
    """What a compiled part of a formula is, in the words its errors use."""
    if isinstance(value, bool):
        return TRUTH
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, str):
        return TEXT
    if isinstance(value, list | tuple):
        return LIST
    dtype = value.type()
    if dtype.is_null():
        return NOTHING
    if dtype.is_boolean():
        return TRUTH
    if dtype.is_numeric():
        return NUMBER
    if dtype.is_string():
        return TEXT
    return DATE if dtype.is_temporal() else str(dtype)


def _comparable(kinds: set[str]) -> bool:
    """Whether values of these kinds may meet in a comparison, min() or if_(): a date and its
    ISO text may."""
    kinds = kinds - {NOTHING}
    return len(kinds) <= 1 or kinds == {DATE, TEXT}


class _Compiler:
    def __init__(self, source: str, scope: Scope) -> None:
        self.source = source
        self.scope = scope
        self.table = scope.table

    def fail(self, message: str, node: ast.AST) -> ExpressionError:
        return ExpressionError(message, self.source, _char_offset(self.source, node))

    def require(self, wanted: str, values: Sequence[Any], node: ast.AST, what: str) -> None:
        """Refuse a part of the wrong kind here, before SQL refuses it on every row."""
        for value in values:
            kind = kind_of(value)
            if kind not in (wanted, NOTHING):
                raise self.fail(f"{what} needs {_KIND_WORDS[wanted]}, not "
                                f"{_KIND_WORDS.get(kind, kind)}", node)

    def alike(self, values: Sequence[Any], node: ast.AST, what: str) -> None:
        kinds = {kind_of(value) for value in values}
        if LIST in kinds or not _comparable(kinds):
            shown = " and ".join(sorted(_KIND_WORDS.get(kind, kind) for kind in kinds - {
                NOTHING}))
            raise self.fail(f"{what} cannot mix {shown}", node)

    def visit(self, node: ast.AST) -> Any:
        handler: Callable[[Any], Any] = getattr(self, f"visit_{type(node).__name__}")
        return handler(node)

    def visit_Constant(self, node: ast.Constant) -> Any:
        return ibis.null() if node.value is None else node.value

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in self.scope.aliases:
            return self.table[self.scope.aliases[node.id]]
        if node.id in self.table.columns:
            return self.table[node.id]
        if node.id.endswith("_") and node.id[:-1] in self.table.columns:
            return self.table[node.id[:-1]]
        if node.id in self.scope.params:
            return self.scope.params[node.id]
        if node.id in ("True", "False"):
            return node.id == "True"
        close = difflib.get_close_matches(node.id, self.scope.names(), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise self.fail(f"unknown name '{node.id}'{hint}", node)

    def visit_List(self, node: ast.List) -> list[Any]:
        return [self.visit(element) for element in node.elts]

    visit_Tuple = visit_List

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        values = [self.visit(value) for value in node.values]
        self.require(TRUTH, values, node, "'and' and 'or'")
        combine = operator.and_ if isinstance(node.op, ast.And) else operator.or_
        result = values[0]
        for value in values[1:]:
            result = combine(result, value)
        return result

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            self.require(TRUTH, [operand], node, "'not'")
            # Not ``~operand``: Ibis writes NOT (x) IS NULL, which SQL reads as NOT (x IS NULL).
            return operator.eq(operand, False) if isinstance(operand, ir.Value) else not operand
        self.require(NUMBER, [operand], node, "a sign")
        return -operand if isinstance(node.op, ast.USub) else operand

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        left, right = self.visit(node.left), self.visit(node.right)
        if TEXT in (kind_of(left), kind_of(right)):
            raise self.fail("text cannot take part in arithmetic", node)
        self.require(NUMBER, [left, right], node, "arithmetic")
        if isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod):
            return self._guarded_division(node, left, right)
        if not any(isinstance(side, ir.Value) for side in (left, right)):
            value = arithmetic(type(node.op), left, right)
            if value is None or abs(value) > MAX_MAGNITUDE:
                raise self.fail(f"too large: a formula's numbers stay within "
                                f"±{MAX_MAGNITUDE:.0e}", node)
            return value
        if not isinstance(node.op, ast.Pow):
            return _BINARY[type(node.op)](left, right)
        # 10.0 ** 1000 is infinite in SQL, (-8) ** (1/3) not a number: null, as in Python.
        power = _value(left).cast("float64") ** right
        self._hazard("a power with no finite value", node, power.isinf() | power.isnan())
        return ibis.ifelse(power.isinf() | power.isnan(), ibis.null("float64"), power)

    def _guarded_division(self, node: ast.BinOp, left: Any, right: Any) -> Any:
        """x / 0 is null, never inf or an error; where it happens is counted."""
        denominator = ibis.literal(right) if not isinstance(right, ir.Value) else right
        self._hazard("division by zero", node, denominator == 0)
        safe = denominator.nullif(0)
        if isinstance(node.op, ast.Div):
            return left / safe
        if isinstance(node.op, ast.FloorDiv):
            return (left / safe).floor()
        return left - (left / safe).floor() * safe

    def _hazard(self, kind: str, node: ast.AST, where: Any) -> None:
        if isinstance(where, ir.Column):
            self.scope.hazards.append(
                Hazard(kind, self.source, _char_offset(self.source, node), where.fill_null(False))
            )

    def visit_Compare(self, node: ast.Compare) -> Any:
        result = None
        left = self.visit(node.left)
        for op, comparator_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                options = self.visit(comparator_node)
                if not isinstance(options, list | tuple):
                    raise self.fail("'in' needs a list, like industry in ['C36', 'C37']", node)
                self.alike([left, *options], node, "'in'")
                part = _value(left).isin(list(options))
                part = ~part if isinstance(op, ast.NotIn) else part
                right = left
            elif isinstance(op, ast.Is | ast.IsNot):
                if getattr(comparator_node, "value", False) is not None:
                    raise self.fail("'is' may only test for None", comparator_node)
                part = _value(left).isnull() if isinstance(op, ast.Is) else _value(left).notnull()
                right = left
            else:
                right = self.visit(comparator_node)
                self.alike([left, right], node, "a comparison")
                part = _COMPARE[type(op)](left, right)
            result = part if result is None else result & part
            left = right
        return result

    def visit_IfExp(self, node: ast.IfExp) -> Any:
        test, body, orelse = (self.visit(part) for part in (node.test, node.body, node.orelse))
        self.require(TRUTH, [test], node, "'if'")
        self.alike([body, orelse], node, "'if … else'")
        return ibis.ifelse(test, body, orelse)

    def visit_Call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Attribute):
            column = self.visit(node.func.value)
            text = self.visit(node.args[0])
            if not isinstance(text, str):
                raise self.fail(f"'.{node.func.attr}' needs a text", node.args[0])
            return getattr(_value(column).cast("string"), node.func.attr)(text)
        name = node.func.id  # type: ignore[attr-defined]
        keywords = {keyword.arg: keyword.value for keyword in node.keywords}
        if _windowed(node):
            self._refuse_nested_window(name, node)
        args = [self.visit(arg) for arg in node.args]
        if name in GROUP_STATISTICS or (name in ("min", "max") and len(args) == 1):
            by_nodes = _as_list(keywords["by"]) if "by" in keywords else []
            by = [self.visit(item) for item in by_nodes]
            return self._group_statistic(name, node, args, by)
        if "by" in keywords:
            raise self.fail(f"'{name}' does not take by=", node)
        return self._elementwise(name, node, args)

    def _refuse_nested_window(self, name: str, node: ast.Call) -> None:
        """A group statistic or lag() over another one: the databases compute one window at a
        time (DuckDB: "window function calls cannot be nested"), so it is refused here, with
        the place, instead of failing when the run is computed."""
        for inner in ast.walk(node):
            if inner is not node and isinstance(inner, ast.Call) and _windowed(inner):
                raise self.fail(f"'{name}' cannot take another group statistic or lag() "
                                f"('{inner.func.id}'); compute it in a derived column first",
                                inner)

    def _group_statistic(self, name: str, node: ast.Call, args: list[Any], by: list[Any]) -> Any:
        expected = 2 if name == "quantile" else 1
        if len(args) != expected:
            raise self.fail(f"'{name}' takes {expected} argument(s) and by=…", node)
        for group in by:
            if not isinstance(group, ir.Column):
                raise self.fail(f"by= of '{name}' must name columns", node)
        if not isinstance(args[0], ir.Column):
            raise self.fail(f"'{name}' needs a column, like {name}(tax, by=district)", node)
        if name not in ("count", "min", "max"):
            self.require(NUMBER, args[:1], node, f"'{name}'")
        column = args[0]
        group_by = [self.table[column_name] for column_name in self.scope.partition] + by
        window = ibis.window(group_by=group_by) if group_by else ibis.window()
        if name == "quantile":
            q = args[1]
            if not isinstance(q, int | float) or not 0 <= q <= 1:
                raise self.fail("quantile needs a probability between 0 and 1", node.args[1])
            return column.quantile(q).over(window)
        if name == "share":
            total = column.sum().over(window)
            self._hazard("division by zero", node, total == 0)
            return column / total.nullif(0)
        method = {"mean": "mean", "median": "median", "sum": "sum", "std": "std",
                  "count": "count", "min": "min", "max": "max"}[name]
        return getattr(column, method)().over(window)

    def _elementwise(self, name: str, node: ast.Call, args: list[Any]) -> Any:
        def arity(*allowed: int) -> None:
            if len(args) not in allowed:
                counts = " or ".join(str(count) for count in allowed)
                raise self.fail(f"'{name}' takes {counts} argument(s)", node)

        if name in ("min", "max"):
            if len(args) < 2:
                raise self.fail(f"'{name}' needs two or more values, or one column and by=", node)
            self.alike(args, node, f"'{name}'")
            chosen = (ibis.least if name == "min" else ibis.greatest)(*args)
            columns = [arg for arg in args if isinstance(arg, ir.Value)]
            if not columns or not self.scope.unknown_spreads:
                return chosen
            unknown = columns[0].isnull()
            for column in columns[1:]:
                unknown = unknown | column.isnull()
            return ibis.ifelse(unknown, ibis.null(chosen.type()), chosen)
        if name in ("abs", "round", "log", "sqrt", "clip"):
            self.require(NUMBER, args, node, f"'{name}'")
        if name == "abs":
            arity(1)
            return _value(args[0]).abs()
        if name == "round":
            arity(1, 2)
            return _value(args[0]).round(args[1] if len(args) == 2 else 0)
        if name == "log":
            arity(1, 2)
            value = _value(args[0])
            self._hazard("log of a value ≤ 0", node, value <= 0)
            safe = ibis.ifelse(value > 0, value, ibis.null())
            return safe.ln() if len(args) == 1 else safe.log(args[1])
        if name == "sqrt":
            arity(1)
            value = _value(args[0])
            self._hazard("square root of a negative value", node, value < 0)
            return ibis.ifelse(value >= 0, value, ibis.null()).sqrt()
        if name == "clip":
            arity(3)
            return _value(args[0]).clip(lower=args[1], upper=args[2])
        if name == "if_":
            arity(3)
            self.require(TRUTH, args[:1], node, "if_")
            self.alike(args[1:], node, "if_")
            return ibis.ifelse(args[0], args[1], args[2])
        if name == "is_null":
            arity(1)
            return _value(args[0]).isnull()
        if name == "not_null":
            arity(1)
            return _value(args[0]).notnull()
        if name == "convert":
            arity(3)
            if not all(isinstance(unit, str) for unit in args[1:]):
                raise self.fail("convert needs two unit names, like convert(x, '元', '万元')", node)
            self.require(NUMBER, args[:1], node, "convert")
            try:
                return _value(args[0]) * units.factor(args[1], args[2])
            except units.UnitError as error:
                raise self.fail(str(error), node) from None
        if name == "coalesce":
            if len(args) < 2:
                raise self.fail("'coalesce' needs two or more values", node)
            self.alike(args, node, "coalesce")
            return ibis.coalesce(*args)
        arity(1)
        return self._lag(node, args[0])

    def _lag(self, node: ast.Call, value: Any) -> Any:
        """The entity's value in the period just before, or null if that period is missing."""
        scope = self.scope
        if not (scope.entity and scope.period):
            raise self.fail("lag() needs a spec with an entity and a period", node)
        period = self.table[scope.period]
        window = ibis.window(group_by=self.table[scope.entity], order_by=period)
        previous = _value(value).lag().over(window)
        return ibis.ifelse(period.lag().over(window) == period - 1, previous, ibis.null())


def _windowed(node: ast.Call) -> bool:
    """A call the databases compute over a window: a group statistic, min/max of one column,
    or lag()."""
    name = getattr(node.func, "id", None)
    return name in GROUP_STATISTICS or name == "lag" or (
        name in ("min", "max") and len(node.args) == 1)


def _value(value: Any) -> ir.Value:
    return value if isinstance(value, ir.Value) else ibis.literal(value)
