"""The same spec on DuckDB and on Spark (local mode) gives the same ranks, classes and scores."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from acupoint.engine import backends
from acupoint.engine.scorecard import evaluate
from tests.conftest import require
from tests.engine.helpers import spec

REPRESENTATIVE = """
name: parity
entity: credit_code
period: year
groups: [district]
params: {leading: [C36, C37]}
derive:
  tax_per_mu: tax / land_mu
  revenue_per_energy: revenue / energy
  relative_productivity: revenue / mean(revenue, by=industry)
  growth: revenue / lag(revenue) - 1
gates:
  - {when: major_accident == 1, then: {max_class: C}, reason: 重大事故}
  - {when: building == 1, then: {exclude: true}, reason: 在建}
  - {when: "industry in leading and rd > 0.05", then: {min_class: B}, reason: 主导产业研发}
aggregates:
  - {code: index}
  - {code: efficiency, parent: index, weight: 0.7}
  - {code: innovation, parent: index, weight: 0.3}
indicators:
  - {code: tax_per_mu, parent: efficiency, weight: 0.5}
  - {code: revenue_per_energy, parent: efficiency, weight: 0.3,
     normalise: benchmark_ratio, benchmark: {stat: mean, by: [industry], k: 2}, cap: 120}
  - {code: relative_productivity, parent: efficiency, weight: 0.2}
  - {code: rd, parent: innovation, weight: 1}
  - {code: growth, parent: innovation, weight: 1}
treat: {winsorise: {lower: 0.02, upper: 0.98}, impute: {method: median, by: [district]}}
normalise: {method: minmax, range: [0, 100]}
classes: {method: quota, within: [district], levels: [{name: A, top: 0.2}, {name: B, top: 0.6},
          {name: C}, {name: D, bottom: 0.05}]}
streaks: [{name: d_years, when: "class == 'D'"}]
consequences:
  - {name: surcharge, unit: 元, per: kwh, level: d_years, rates: {D: [0.05, 0.1, 0.15]}}
"""


def panel(size: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(2019)
    firms = pd.DataFrame({
        "credit_code": [f"91370200{i:010d}" for i in range(size)],
        "district": rng.choice(["黄岛", "城阳", "即墨", "胶州"], size),
        "industry": rng.choice(["C36", "C37", "C13", "C26", "C39"], size),
    })
    years = []
    for year in (2021, 2022, 2023):
        frame = firms.copy()
        frame["year"] = year
        frame["tax"] = rng.gamma(2, 50, size)
        frame["land_mu"] = np.where(rng.uniform(size=size) < 0.01, 0, rng.uniform(5, 80, size))
        frame["revenue"] = rng.gamma(2, 1000, size)
        frame["energy"] = rng.uniform(10, 500, size)
        frame["rd"] = np.where(rng.uniform(size=size) < 0.05, np.nan, rng.uniform(0, .08, size))
        frame["kwh"] = rng.uniform(1e5, 1e7, size)
        frame["major_accident"] = (rng.uniform(size=size) < 0.03).astype(int)
        frame["building"] = (rng.uniform(size=size) < 0.02).astype(int)
        years.append(frame)
    return pd.concat(years, ignore_index=True)


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        require("ACUPOINT_REQUIRE_SPARK", "Java is not installed: Spark cannot start")
    return backends.connect("pyspark")


def run_on(con, data: pd.DataFrame) -> pd.DataFrame:
    table = con.create_table("panel", data, overwrite=True)
    evaluation = evaluate(table, spec(REPRESENTATIVE))
    return (evaluation.result().to_pandas()
            .sort_values(["year", "credit_code"]).reset_index(drop=True)), evaluation


def test_duckdb_and_spark_agree(spark):
    data = panel()
    duck, duck_evaluation = run_on(backends.connect("duckdb"), data)
    sparked, spark_evaluation = run_on(spark, data)
    assert len(duck) == len(sparked) == len(data)
    for name in ("credit_code", "year", "class", "d_years"):
        assert duck[name].fillna("-").tolist() == sparked[name].fillna("-").tolist(), name
    for name in ("rank", "rank_in_group"):
        assert duck[name].fillna(-1).astype(int).tolist() == sparked[name].fillna(-1).astype(
            int).tolist(), name
    for name in ("score", "efficiency", "innovation", "surcharge", "availability"):
        assert np.allclose(duck[name].to_numpy(float), sparked[name].to_numpy(float),
                           rtol=0, atol=1e-9, equal_nan=True), name
    assert duck["class"].value_counts().to_dict()["T"] > 0
    assert duck_evaluation.counts() == spark_evaluation.counts()
