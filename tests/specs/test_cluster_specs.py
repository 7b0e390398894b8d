"""The shipped cluster creation standards: each binding condition decides on its own, and a
cluster may be created only when all five hold."""

from __future__ import annotations

from pathlib import Path

import pytest

import acupoint.specs
from acupoint.engine.explain import explain
from acupoint.engine.scorecard import evaluate
from acupoint.engine.spec import load_spec
from tests.engine.helpers import table

SPEC = Path(acupoint.specs.__file__).parent / "clusters" / "creation_2019.yaml"
MU_M2 = 666.67

# A cluster that meets every condition with a margin: 300 万元/亩 of new investment, 25 万元
# of tax per 亩, 60% of revenue from the leading industries, every document, a valid boundary.
PASSING = {"cluster": "JM", "year": 2021, "revenue": 600_000.0, "tax": 25_000.0,
           "land_mu": 1_000.0, "leading_revenue": 360_000.0, "new_investment": 30_000.0,
           "new_land_mu": 100.0, "has_management_body": 1, "has_creation_plan": 1,
           "has_development_plan": 1, "boundary_valid": 1}


def evaluated(*clusters: dict):
    columns = {name: [cluster[name] for cluster in clusters] for name in PASSING}
    return evaluate(table(**columns), load_spec(SPEC))


def verdicts(*clusters: dict) -> dict[str, str]:
    result = evaluated(*clusters).result_arrow().to_pylist()
    return {row["cluster"]: row["class"] for row in result}


def test_the_spec_loads_and_cites_the_plan():
    spec = load_spec(SPEC)
    assert "280" in spec.reference and "4500" in spec.reference
    assert len(spec.classes.criteria) == 5


@pytest.mark.parametrize(("change", "fails"), [
    ({"new_investment": 27_900.0}, True),                        # 279 万元/亩
    ({"new_investment": 28_000.0}, False),                       # exactly 280
    ({"tax": 19_900.0, "revenue": 290_000.0,
      "leading_revenue": 174_000.0}, True),                      # 19.9 万元/亩, 4,350 元/㎡
    ({"tax": 19_900.0}, False),                                  # 9,000 元/㎡ and 298 元/㎡
    ({"tax": 13_000.0}, True),                                   # 195 元/㎡ of tax: too little
    ({"tax": 13_400.0, "revenue": 4_500 * MU_M2 * 1_000 / 10_000,
      "leading_revenue": 0.6 * 4_500 * MU_M2 * 1_000 / 10_000}, False),  # 4,500 and 201 元/㎡
    ({"leading_revenue": 299_000.0}, True),                      # 49.8 %
    ({"has_creation_plan": 0}, True),
    ({"boundary_valid": 0}, True),
])
def test_each_binding_condition_decides(change, fails):
    cluster = {**PASSING, "cluster": "X", **change}
    assert verdicts(PASSING, cluster) == {"JM": "达标", "X": "未达标" if fails else "达标"}


def test_the_explanation_names_the_figures_against_their_bars():
    weak = {**PASSING, "cluster": "LX", "new_investment": 14_000.0}  # 140 万元/亩: half the bar
    explanation = explain(evaluated(PASSING, weak), "LX", 2021)
    lines = {line.code: line for line in explanation.indicators}
    assert lines["investment_intensity"].raw == pytest.approx(140)
    assert lines["investment_intensity"].benchmark == pytest.approx(280)
    assert explanation.class_ == "未达标"
    assert "criteria met: 4 of 5" in explanation.class_rule
