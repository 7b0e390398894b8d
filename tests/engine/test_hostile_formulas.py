"""Formulas written to hurt: each is refused at once with a clear error, or computes a value
(or null) in both compilers; none hangs, exhausts memory or escapes as another exception."""

from __future__ import annotations

import math
from datetime import timedelta

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acupoint.engine.expr import FUNCTIONS, MAX_DEPTH, ExpressionError, Scope, parse
from acupoint.engine.rowwise import RowwiseError, compile_row
from tests.engine.helpers import column_values, table


@pytest.fixture(scope="module")
def data():
    return table(key=[1, 2], x=[10.0, -2.0], y=[0.0, 3.0], s=["ab", "C3611"])


def both(data, source):
    """The formula's values from Ibis (DuckDB) and from the row compiler."""
    expression = parse(source)
    sql = column_values(data, expression.compile(Scope(data)))
    rows = data.to_pyarrow().to_pylist()
    python = [compile_row(expression)(row) for row in rows]
    return sql, python


def unknown(value):
    return value is None or (isinstance(value, float) and math.isnan(value))


@pytest.mark.parametrize(("source", "message"), [
    ("9**9**9", "too large"),
    ("10**100000", "too large"),
    ("x + 9**9**7 - 9**9**7", "'9**9**7' is too large"),
    ("'ab' * 10**9", "text cannot take part in arithmetic"),
    ("'ab' + 'cd'", "text cannot take part in arithmetic"),
    ("-'ab'", "text cannot be negated"),
    ("x * 1e999", "too large"),
    ("x * " + "9" * 3000, "too large"),
    ("+".join(["x"] * 1900), f"more than {MAX_DEPTH} levels"),
    ("-" * 3000 + "x", f"more than {MAX_DEPTH} levels"),
    ("not " * 900 + "x", f"more than {MAX_DEPTH} levels"),
    ("round(x, 10**9)", "whole number of digits"),
    ("round(x, y)", "whole number of digits"),
    ("s.startswith(s)", "one text argument"),
    ("convert(x, s, '万元')", "two unit names"),
])
def test_hostile_formulas_are_refused_when_read(source, message):
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert message in caught.value.message


@pytest.mark.parametrize("source", ["s * 10**9", "s * x", "x + s", "-s", "s ** 2"])
def test_text_columns_take_no_arithmetic(data, source):
    with pytest.raises(ExpressionError, match="text cannot|not a text"):
        parse(source).compile(Scope(data))


@pytest.mark.parametrize("source", ["x ** 1000", "(x - 20) ** 0.5", "(-8) ** (1 / 3)",
                                    "x ** x ** x ** x"])
def test_powers_without_a_finite_value_are_null_in_both_compilers(data, source):
    sql, python = both(data, source)
    assert unknown(sql[0]) and unknown(python[0])


def test_folded_constants_keep_their_value(data):
    sql, python = both(data, "x * 2 ** 3 - 10 ** 2")
    assert sql == python == [-20.0, -116.0]


def test_a_row_of_the_wrong_kinds_is_unknown_not_an_error():
    evaluate = compile_row("x * 2 + 1")
    assert evaluate({"x": "a" * 10}) is None
    assert evaluate({"x": 10 ** 400}) is None
    assert compile_row("log(x, y)")({"x": 8.0, "y": 1.0}) is None
    assert compile_row("x > 3")({"x": "text"}) is None
    with pytest.raises(TypeError):
        compile_row("x > 3", strict=True)({"x": "text"})


# Tokens of the language, the ones that hurt most often among them.
_ATOMS = st.sampled_from(["x", "y", "s", "9", "10", "0", "1e15", "1e-9", "99999999999",
                          "'ab'", "None", "True", "2.5", "-1"])
_BINARY = st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "<", "==", " and ", " or ",
                           " in "])


@st.composite
def formulas(draw, depth: int = 0):
    if depth > 4 or draw(st.integers(0, 3)) == 0:
        return draw(_ATOMS)
    shape = draw(st.integers(0, 4))
    if shape == 0:
        return f"{draw(formulas(depth + 1))}{draw(_BINARY)}{draw(formulas(depth + 1))}"
    if shape == 1:
        return f"({draw(formulas(depth + 1))})"
    if shape == 2:
        return f"{draw(st.sampled_from(['-', 'not ']))}{draw(formulas(depth + 1))}"
    if shape == 3:
        arguments = draw(st.lists(formulas(depth + 1), max_size=3))
        return f"{draw(st.sampled_from(sorted(FUNCTIONS)))}({', '.join(arguments)})"
    items = draw(st.lists(formulas(depth + 1), max_size=3))
    return f"[{', '.join(items)}]"


def _compiles_or_is_refused(data, source: str) -> None:
    try:
        expression = parse(source)
        value = expression.compile(Scope(data))
    except ExpressionError:
        return
    column_values(data, value if isinstance(value, ibis.Value) else ibis.literal(value))
    try:
        evaluate = compile_row(expression)
    except RowwiseError:  # a group statistic: it has no value on one row
        return
    for row in data.to_pyarrow().to_pylist():
        evaluate(row)


@settings(max_examples=300, deadline=timedelta(seconds=5))
@given(source=formulas())
def test_generated_formulas_compile_or_are_refused(data, source):
    _compiles_or_is_refused(data, source)


@settings(max_examples=200, deadline=timedelta(seconds=5))
@given(source=st.text(alphabet="xs9*+-/()'ab,. <=", max_size=60))
def test_random_text_compiles_or_is_refused(data, source):
    _compiles_or_is_refused(data, source)


@pytest.mark.parametrize("source", ["mean(mean(x))", "lag(sum(x))", "share(share(x))",
                                    "max(min(x)) + 1", "mean(x + lag(x))"])
def test_a_window_inside_a_window_is_refused_with_its_place(data, source):
    with pytest.raises(ExpressionError, match="cannot take another group statistic"):
        parse(source).compile(Scope(data))
