"""The expression language: what it computes, what it refuses, and where it says the fault is."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acupoint.engine.expr import ExpressionError, Scope, parse
from tests.engine.helpers import column_values, table


@pytest.fixture(scope="module")
def firms():
    return table(
        key=["a", "b", "c", "d", "e"],
        year=[2020, 2021, 2023, 2020, 2021],
        firm=["f1", "f1", "f1", "f2", "f2"],
        industry=["C3611", "C3611", "C3711", "C1311", None],
        district=["黄岛", "黄岛", "城阳", "城阳", "城阳"],
        tax=[10.0, 12.0, 15.0, 4.0, None],
        land_mu=[2.0, 0.0, 3.0, 4.0, 1.0],
    )


def evaluate(data, source, **scope):
    s = Scope(data, **scope)
    return column_values(data, parse(source).compile(s)), s


def same(left, right):
    return all((a is None or (isinstance(a, float) and math.isnan(a))) and
               (b is None or (isinstance(b, float) and math.isnan(b))) or a == pytest.approx(b)
               for a, b in zip(left, right, strict=True))


@pytest.mark.parametrize(("source", "expected"), [
    ("tax * 2 + 1", [21, 25, 31, 9, None]),
    ("tax / land_mu", [5, None, 5, 1, None]),
    ("tax // 4", [2, 3, 3, 1, None]),
    ("tax % 4", [2, 0, 3, 0, None]),
    ("-tax ** 2", [-100, -144, -225, -16, None]),
    ("tax > 10 and land_mu > 0", [False, False, True, False, None]),
    ("tax > 10 or land_mu == 0", [False, True, True, False, None]),
    ("not tax > 10", [True, False, False, True, None]),
    ("4 < tax <= 12", [True, True, False, False, None]),
    ("industry in ['C3611', 'C1311']", [True, True, False, True, None]),
    ("industry not in ['C3611']", [False, False, True, True, None]),
    ("industry.startswith('C36')", [True, True, False, False, None]),
    ("district.endswith('岛')", [True, True, False, False, False]),
    ("min(tax, 11, land_mu * 5)", [10, 0, 11, 4, 5]),
    ("max(tax, 11)", [11, 12, 15, 11, 11]),
    ("abs(land_mu - 3)", [1, 3, 0, 1, 2]),
    ("round(tax / 7, 1)", [1.4, 1.7, 2.1, 0.6, None]),
    ("sqrt(land_mu)", [math.sqrt(2), 0, math.sqrt(3), 2, 1]),
    ("log(land_mu)", [math.log(2), None, math.log(3), math.log(4), 0]),
    ("log(land_mu, 2)", [1, None, math.log2(3), 2, 0]),
    ("clip(tax, 5, 12)", [10, 12, 12, 5, None]),
    ("if_(tax > 11, 1, 0)", [0, 1, 1, 0, 0]),
    ("1 if tax > 11 else 0", [0, 1, 1, 0, 0]),
    ("tax is None", [False, False, False, False, True]),
    ("is_null(industry)", [False, False, False, False, True]),
    ("not_null(tax)", [True, True, True, True, False]),
    ("coalesce(tax, 0)", [10, 12, 15, 4, 0]),
    ("mean(tax)", [10.25] * 5),
    ("mean(tax, by=district)", [11, 11, 9.5, 9.5, 9.5]),
    ("median(land_mu, by=[district])", [1, 1, 3, 3, 3]),
    ("sum(tax, by=firm)", [37, 37, 37, 4, 4]),
    ("count(tax, by=firm)", [3, 3, 3, 1, 1]),
    ("min(tax, by=district)", [10, 10, 4, 4, 4]),
    ("quantile(tax, 0.5, by=district)", [11, 11, 9.5, 9.5, 9.5]),
    ("share(tax, by=firm)", [10 / 37, 12 / 37, 15 / 37, 1, None]),
    ("tax / mean(tax, by=district)", [10 / 11, 12 / 11, 15 / 9.5, 4 / 9.5, None]),
    ("rate * tax", [5, 6, 7.5, 2, None]),
    ("industry in leading", [True, True, False, False, None]),
])
def test_formula_values(firms, source, expected):
    values, _ = evaluate(firms, source, params={"rate": 0.5, "leading": ["C3611"]})
    assert same(values, expected), values


def test_lag_takes_the_period_just_before_and_never_skips_a_gap(firms):
    values, _ = evaluate(firms, "lag(tax)", entity="firm", period="year")
    # f1 has 2020, 2021, 2023: 2021 looks back to 2020; 2023 has no 2022, so null.
    assert same(values, [None, 10, None, None, 4])


def test_lag_needs_entity_and_period(firms):
    with pytest.raises(ExpressionError, match="lag"):
        evaluate(firms, "lag(tax)")


def test_division_by_zero_is_null_and_counted(firms):
    values, scope = evaluate(firms, "tax / land_mu + log(land_mu)")
    assert values[1] is None or math.isnan(values[1])
    kinds = [hazard.kind for hazard in scope.hazards]
    assert kinds == ["division by zero", "log of a value ≤ 0"]
    counts = [firms.aggregate(n=h.where.cast("int64").sum()).to_pandas().n[0]
              for h in scope.hazards]
    assert counts == [1, 1]
    assert all(not math.isinf(v) for v in values if v is not None and not math.isnan(v))


def test_group_statistics_stay_inside_the_partition(firms):
    values, _ = evaluate(firms, "mean(tax)", partition=["year"])
    assert same(values, [7, 12, 15, 7, 12])


@pytest.mark.parametrize(("source", "message", "column"), [
    ("__import__('os').system('rm -rf /')", "method '.system' is not allowed", 1),
    ("__import__('os')", "unknown function '__import__'", 1),
    ("tax.__class__", "attribute", 1),
    ("(lambda: 1)()", "only named functions", 1),
    ("[t for t in tax]", "ListComp", 1),
    ("{'a': 1}", "Dict", 1),
    ("open('/etc/passwd')", "unknown function 'open'", 1),
    ("eval('1')", "unknown function 'eval'", 1),
    ("getattr(tax, 'x')", "unknown function", 1),
    ("tax + _secret", "name '_secret' is not allowed", 7),
    ("tax.real.startswith('1')", "method", 1),
    ("industry.startswith('C', 1)", "one text argument", 1),
    ("tax[0]", "Subscript", 1),
    ("x := 1", "syntax error", 3),
    ("tax +", "syntax error", None),
    ("mean(tax, by=district, how='x')", "keyword 'how'", 1),
    ("f'{tax}'", "JoinedStr", 1),
    ("tax if True else b'x'", "constant b'x'", 18),
])
def test_refused_with_position(source, message, column):
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert message in caught.value.message
    assert column is None or caught.value.offset + 1 == column
    assert "^" in str(caught.value)


def test_unknown_names_suggest_close_matches(firms):
    with pytest.raises(ExpressionError) as caught:
        evaluate(firms, "tax / land_mo")
    assert "unknown name 'land_mo'" in caught.value.message
    assert "land_mu" in caught.value.message
    assert caught.value.offset == 6


def test_unknown_function_suggests(firms):
    with pytest.raises(ExpressionError, match="did you mean median"):
        parse("medain(tax)")


def test_position_counts_characters_not_bytes(firms):
    with pytest.raises(ExpressionError) as caught:
        evaluate(firms, "'黄岛' == district and 税收 > 1")
    assert caught.value.offset == len("'黄岛' == district and ")


@pytest.mark.parametrize("source", [
    "quantile(tax, 1.5)", "quantile(tax, by=firm)", "min(1)", "abs(tax, 1)",
    "industry in 'C36'", "tax is 3", "mean(tax, by=2)", "clip(tax, 1)", "log(tax, by=firm)",
])
def test_wrong_arguments_are_refused(firms, source):
    with pytest.raises(ExpressionError):
        evaluate(firms, source)


def test_overlong_formula_is_refused():
    with pytest.raises(ExpressionError, match="longer than"):
        parse("1 + " * 2000 + "1")


_numbers = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False).map(lambda v: round(v, 3))


@st.composite
def arithmetic(draw, depth=0):
    if depth > 3 or draw(st.booleans()):
        return draw(st.sampled_from(["x", "y"])) if draw(st.booleans()) else repr(draw(_numbers))
    op = draw(st.sampled_from(["+", "-", "*", "/"]))
    return f"({draw(arithmetic(depth + 1))} {op} {draw(arithmetic(depth + 1))})"


def _reference(source, x, y):
    """Python evaluation of the same tree with the engine's rule: x / 0 is null."""
    import ast

    def visit(node):
        if isinstance(node, ast.Expression):
            return visit(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.UnaryOp):
            value = visit(node.operand)
            return None if value is None else -value
        if isinstance(node, ast.Name):
            return {"x": x, "y": y}[node.id]
        left, right = visit(node.left), visit(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Div):
            return None if right == 0 else left / right
        return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right}[
            type(node.op)]

    return visit(ast.parse(source, mode="eval"))


@settings(max_examples=60, deadline=None)
@given(source=arithmetic(), x=_numbers, y=_numbers)
def test_arithmetic_matches_python_with_null_division(source, x, y):
    data = table(key=[1], x=[x], y=[y])
    value = column_values(data, parse(source).compile(Scope(data)))[0]
    expected = _reference(source, x, y)
    if expected is None or (isinstance(value, float) and math.isnan(value)) or value is None:
        assert expected is None or abs(expected) > 1e300
        assert value is None or math.isnan(value)
    else:
        assert value == pytest.approx(expected, rel=1e-9, abs=1e-9)
