"""Small builders for engine tests: a DuckDB table from columns, a spec from YAML text."""

from __future__ import annotations

import textwrap
from typing import Any

import ibis
import pandas as pd

from acupoint.engine.scorecard import Evaluation, evaluate
from acupoint.engine.spec import Spec, parse_spec


def table(**columns: Any) -> ibis.Table:
    """A DuckDB table; a column of nothing but None is a nullable float column."""
    con = ibis.duckdb.connect()
    for name, values in columns.items():
        if isinstance(values, list) and values and all(value is None for value in values):
            columns[name] = pd.array(values, dtype="Float64")
    return con.create_table("data", pd.DataFrame(columns))


def spec(text: str, **overrides: Any) -> Spec:
    """A spec from text; its numbers need no source marks (tests of the marks use
    parse_spec itself)."""
    return parse_spec(textwrap.dedent(text), source="test.yaml", overrides=overrides or None,
                      check_marks=False)


def run(data: ibis.Table, text: str, **overrides: Any) -> Evaluation:
    return evaluate(data, spec(text, **overrides))


def frame(evaluation: Evaluation) -> pd.DataFrame:
    return evaluation.result_arrow().to_pandas()


def column_values(data: ibis.Table, value: Any) -> list[Any]:
    return data.mutate(_v=value).order_by(data.columns[0])._v.to_pandas().tolist()
