"""Invariants that must hold for any data: range, monotonicity, order, weights, quotas, sums."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from acupoint.engine.explain import explain
from tests.engine.helpers import frame, run, table

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

value = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False,
                                       allow_infinity=False))


@st.composite
def panels(draw, min_size=2, max_size=30):
    size = draw(st.integers(min_size, max_size))
    columns = {code: draw(st.lists(value, min_size=size, max_size=size)) for code in "abc"}
    for code in "abc":  # at least one value per indicator, so it is not all-missing
        if all(item is None for item in columns[code]):
            columns[code][0] = 1.0
    groups = draw(st.lists(st.sampled_from(["x", "y", "z"]), min_size=size, max_size=size))
    return {"id": list(range(size)), "g": groups, **columns}


SPEC = """
name: p
entity: id
groups: [g]
indicators:
  - {code: a, weight: 0.5}
  - {code: b, weight: 0.3, direction: -1}
  - {code: c, weight: 0.2}
normalise: {method: %s}
aggregate: {method: %s}
classes:
  method: quota
  within: [g]
  levels: [{name: A, top: 0.2}, {name: B, top: 0.6}, {name: C}, {name: D, bottom: 0.05}]
"""

BOUNDED = [("minmax", "arithmetic"), ("minmax", "geometric"), ("percentile", "arithmetic"),
           ("vector", "topsis"), ("minmax", "topsis")]


def finite(values):
    return [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]


@SETTINGS
@given(panel=panels(), methods=st.sampled_from(BOUNDED))
def test_scores_stay_in_range(panel, methods):
    result = frame(run(table(**panel), SPEC % methods))
    scores = finite(result.score.tolist())
    assert scores, "every entity has at least one value, so all are scored"
    assert all(-1e-9 <= s <= 100 + 1e-9 for s in scores)


@SETTINGS
@given(panel=panels(), methods=st.sampled_from(BOUNDED), who=st.integers(0, 29),
       code=st.sampled_from("abc"), step=st.floats(0.1, 1e5))
def test_a_better_value_never_lowers_a_score(panel, methods, who, code, step):
    who = who % len(panel["id"])
    if panel[code][who] is None:
        panel[code][who] = 0.0
    before = frame(run(table(**panel), SPEC % methods)).set_index("id").score[who]
    better = dict(panel)
    better[code] = list(panel[code])
    better[code][who] += step if code != "b" else -step  # b: lower is better
    after = frame(run(table(**better), SPEC % methods)).set_index("id").score[who]
    if methods[1] == "topsis":
        return  # TOPSIS moves the ideal points; only the simple aggregations are monotone
    assert after >= before - 1e-9


@SETTINGS
@given(panel=panels(), methods=st.sampled_from(BOUNDED), seed=st.integers(0, 1000))
def test_entity_order_does_not_matter(panel, methods, seed):
    order = np.random.default_rng(seed).permutation(len(panel["id"]))
    shuffled = {key: [values[i] for i in order] for key, values in panel.items()}
    first = frame(run(table(**panel), SPEC % methods)).set_index("id").sort_index()
    second = frame(run(table(**shuffled), SPEC % methods)).set_index("id").sort_index()
    assert np.allclose(first.score.to_numpy(float), second.score.to_numpy(float), equal_nan=True)
    assert first["class"].fillna("-").tolist() == second["class"].fillna("-").tolist()
    assert first["rank"].fillna(-1).tolist() == second["rank"].fillna(-1).tolist()


@SETTINGS
@given(panel=panels(min_size=3), method=st.sampled_from(["fixed", "equal", "entropy", "critic",
                                                         "pca"]))
def test_weights_sum_to_one(panel, method):
    evaluation = run(table(**panel), SPEC % ("minmax", "arithmetic"), weights={"method": method})
    weights = list(evaluation.weights.values())
    assert sum(weights) == pytest.approx(1)
    assert all(w >= 0 for w in weights)


@SETTINGS
@given(panel=panels(min_size=1, max_size=60))
def test_quotas_hold_within_every_group(panel):
    result = frame(run(table(**panel), SPEC % ("minmax", "arithmetic")))
    assert result["class"].isna().sum() == result.score.isna().sum()
    for _, members in result[result.score.notna()].groupby("g"):
        size = len(members)
        counts = members["class"].value_counts().to_dict()
        assert counts.get("A", 0) == math.floor(0.2 * size + 1e-9)
        assert counts.get("A", 0) + counts.get("B", 0) == math.floor(0.6 * size + 1e-9)
        assert counts.get("D", 0) == math.ceil(0.05 * size - 1e-9)
        # Every A scores at least as high as every D.
        if counts.get("A") and counts.get("D"):
            assert (members[members["class"] == "A"].score.min()
                    >= members[members["class"] == "D"].score.max())


@SETTINGS
@given(panel=panels(max_size=8))
def test_explanations_add_up_to_the_score(panel):
    evaluation = run(table(**panel), SPEC % ("minmax", "arithmetic"))
    for key in panel["id"]:
        why = explain(evaluation, key)
        if why.score is None:
            assert why.availability == 0 and why.class_ is None
            continue
        assert sum(line.contribution or 0.0 for line in why.indicators) == pytest.approx(
            why.score, abs=1e-9)


@SETTINGS
@given(scores=st.lists(st.floats(0, 1e4, allow_nan=False), min_size=1, max_size=40),
       pool=st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 2)),
       cap_share=st.one_of(st.none(), st.floats(0.05, 1.0)))
@example(scores=[5e-324], pool=1.5, cap_share=None)  # found by CI: a subnormal score
def test_a_pool_is_paid_to_the_unit_and_adds_up_exactly(scores, pool, cap_share):
    from acupoint.engine.rewards import allocate
    from acupoint.engine.spec import Consequence

    cap = None if cap_share is None else round(pool * cap_share, 2)
    consequence = Consequence(name="r", unit="万元", kind="pool", pool=pool, cap=cap)
    amounts = allocate(consequence, np.array(scores), np.ones(len(scores), bool))
    cents = np.round(amounts * 100)
    assert np.allclose(amounts * 100, cents)  # whole cents of the unit
    positive = sum(1 for score in scores if score > 0)
    room = math.inf if cap is None else round(cap * 100) * positive
    assert cents.sum() == min(round(pool * 100), room) or not positive
    if cap is not None:
        assert (cents <= round(cap * 100)).all()
