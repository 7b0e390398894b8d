"""Bad specs and bad data: each gets a clear message, or a stated rule instead of NaN."""

from __future__ import annotations

import math

import numpy as np
import pytest

from acupoint.engine.scorecard import EngineError
from acupoint.engine.spec import SpecError
from tests.engine.helpers import frame, run, spec, table

BASE = """
name: t
entity: id
groups: [g]
derive:
  per_mu: tax / land
indicators:
  - {code: per_mu, weight: 0.5}
  - {code: flat, weight: 0.5}
"""


def data(**override):
    columns = {"id": [1, 2, 3, 4], "g": ["x", "x", "y", "y"], "tax": [10.0, 30.0, 30.0, 80.0],
               "land": [1.0, 2.0, 0.0, 4.0], "flat": [5.0, 5.0, 5.0, 5.0]}
    columns.update(override)
    return table(**columns)


def test_unknown_column_in_a_formula_names_line_key_and_close_match():
    with pytest.raises(EngineError) as caught:
        run(data(), BASE.replace("tax / land", "tax / lnad"))
    message = str(caught.value)
    assert "test.yaml:6: derive.per_mu" in message
    assert "unknown name 'lnad'; did you mean land?" in message


def test_unknown_indicator_column():
    with pytest.raises(EngineError, match="no column 'flatt' in the data; did you mean flat"):
        run(data(), BASE.replace("code: flat", "code: flatt"))


def test_syntax_error_in_a_formula_is_a_spec_error():
    with pytest.raises(SpecError, match="derive.per_mu: syntax error"):
        spec(BASE.replace("tax / land", "tax // / land"))


@pytest.mark.parametrize("formula", [
    "__import__('os').system('touch /tmp/pwned')",
    "tax.__class__.__bases__",
    "(lambda: 1)()",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "open('/etc/passwd').read()",
    "globals()",
])
def test_injection_attempts_never_run(formula, tmp_path):
    with pytest.raises(SpecError):
        spec(BASE.replace("tax / land", formula))


def test_division_by_zero_in_a_derived_indicator_is_null_and_reported():
    evaluation = run(data(), BASE)
    result = frame(evaluation).set_index("id")
    assert math.isnan(result.per_mu[3]) if "per_mu" in result else True
    counts = evaluation.counts()
    assert counts["nulls_from_formulas"] == {
        "derive.per_mu: division by zero in 'tax / land'": 1}
    assert counts["missing"]["per_mu"] == 1
    assert not np.isinf(result.score.to_numpy(float)).any()


@pytest.mark.parametrize(("normalise", "aggregate", "weights"), [
    ("minmax", "arithmetic", "fixed"), ("minmax", "arithmetic", "entropy"),
    ("minmax", "arithmetic", "critic"), ("vector", "topsis", "fixed"),
    ("zscore", "arithmetic", "pca"), ("percentile", "arithmetic", "equal"),
])
def test_constant_indicator_gives_no_nan(normalise, aggregate, weights):
    """Rule: a constant indicator sits mid-range (minmax), at the mean (z-score), carries no
    weight under entropy and CRITIC, and moves no one under TOPSIS."""
    evaluation = run(data(land=[1.0, 2.0, 3.0, 4.0]), BASE, normalise={"method": normalise},
                     aggregate={"method": aggregate}, weights={"method": weights})
    result = frame(evaluation)
    assert result.score.notna().all()
    assert np.isfinite(result.score.to_numpy(float)).all()
    assert all(math.isfinite(w) for w in evaluation.weights.values())
    if weights in ("entropy", "critic"):
        assert evaluation.weights["flat"] == 0
    if normalise == "minmax":
        flat = evaluation.table.select("flat__norm").to_pandas().flat__norm
        assert (flat == 50).all()


def test_everything_constant_under_topsis_is_mid_range():
    evaluation = run(data(tax=[1.0] * 4, land=[1.0] * 4), BASE,
                     normalise={"method": "vector"}, aggregate={"method": "topsis"})
    assert frame(evaluation).score.tolist() == pytest.approx([50] * 4)


def test_all_missing_indicator_is_reported_and_carries_nothing():
    evaluation = run(data(flat=[None] * 4), BASE.replace("tax / land", "tax / 1"))
    result = frame(evaluation)
    assert evaluation.counts()["missing"]["flat"] == 4
    assert result.score.tolist() == pytest.approx([0, 100 * 2 / 7, 100 * 2 / 7, 100])
    assert result.availability.tolist() == [0.5] * 4
    entropy = run(data(flat=[None] * 4), BASE, weights={"method": "entropy"})
    assert entropy.weights["flat"] == 0


def test_empty_group_and_empty_data():
    text = BASE + ("classes: {within: [g], levels: [{name: A, top: 0.5}, {name: B}]}\n"
                   "gates: [{when: g == 'y', then: {exclude: true}, reason: 不参评}]\n")
    result = frame(run(data(), text)).set_index("id")
    assert result["class"][3] == "T" and result["class"][4] == "T"
    assert result["class"][1] in ("A", "B")
    empty = run(data().filter(lambda t: t.id < 0), text)
    assert len(frame(empty)) == 0
    assert empty.counts()["entities"] == 0


def test_duplicate_entity_keys_are_listed(tmp_path):
    with pytest.raises(EngineError, match=r"duplicate entity keys: \{'id': 2\}"):
        frame(run(data(id=[1, 2, 2, 3]), BASE))
    text = BASE.replace("entity: id", "entity: id\nperiod: year")
    frame(run(data(id=[1, 1, 2, 2], year=[2020, 2021, 2020, 2021]), text))
    with pytest.raises(EngineError, match="'year': 2020"):
        run(data(id=[1, 1, 2, 2], year=[2020, 2020, 2020, 2021]), text).counts()


def test_duplicates_found_in_a_parquet_result_leave_no_file(tmp_path):
    out = tmp_path / "out.parquet"
    evaluation = run(data(id=[3, 1, 3, 2]), BASE)
    with pytest.raises(EngineError, match=r"duplicate entity keys: \{'id': 3\}"):
        evaluation.write(out)
    assert not out.exists()
    assert run(data(), BASE).write(out) == 4 and out.exists()


def test_negative_values_under_geometric_aggregation_are_refused():
    with pytest.raises(EngineError, match="geometric aggregation needs values ≥ 0"):
        run(data(), BASE, normalise={"method": "zscore"}, aggregate={"method": "geometric"})


def test_log_of_a_negative_value_is_null_and_reported():
    evaluation = run(data(tax=[10.0, -20.0, 30.0, 40.0]), BASE.replace("tax / land", "log(tax)"))
    assert evaluation.counts()["nulls_from_formulas"] == {
        "derive.per_mu: log of a value ≤ 0 in 'log(tax)'": 1}


def test_missing_group_column():
    with pytest.raises(EngineError, match="groups: no column 'district'"):
        run(data(), BASE.replace("groups: [g]", "groups: [district]"))


def test_yes_no_columns_read_as_one_and_zero():
    text = BASE + "gates: [{when: bad == 1, then: {exclude: true}, reason: 否决}]\n"
    result = frame(run(data(bad=[True, False, None, False]), text)).set_index("id")
    assert math.isnan(result.score[1]) and not math.isnan(result.score[2])
