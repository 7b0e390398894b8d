"""The shipped triage specs: they load, cite their sources and obey the rules they encode."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import acupoint.specs
from acupoint.engine.compare import compare
from acupoint.engine.explain import explain
from acupoint.engine.scorecard import evaluate
from acupoint.engine.spec import load_spec
from tests.engine.helpers import table

TRIAGE = Path(acupoint.specs.__file__).parent / "triage"
YEARS = (2021, 2022, 2023)
DISTRICTS = ["市南", "市北", "李沧", "崂山", "黄岛", "城阳", "即墨", "胶州", "平度", "莱西"]


def panel(size: int = 800, seed: int = 2019) -> pd.DataFrame:
    """Firms over three years with everything the triage specs read (synthetic)."""
    rng = np.random.default_rng(seed)
    firms = pd.DataFrame({
        "credit_code": [f"91370200MA{i:08d}" for i in range(size)],
        "district": rng.choice(DISTRICTS, size),
        "above_scale": (rng.uniform(size=size) < 0.6).astype(int),
        "founded": rng.integers(1995, 2023, size),
        "land_mu": rng.uniform(5, 120, size).round(1),
        "high_tech": (rng.uniform(size=size) < 0.15).astype(int),
        # Mostly manufacturing; some power, heat, gas and water suppliers (divisions 44–46).
        "industry_code": rng.choice(["3612", "3911", "2614", "1311", "4411", "4511", "4610"],
                                    size, p=[0.3, 0.25, 0.2, 0.19, 0.02, 0.02, 0.02]),
    })
    firms["admin_district"] = firms.district
    firms["above_scale_since"] = np.where(rng.uniform(size=size) < 0.1,
                                          rng.integers(2020, 2024, size), np.nan)
    years = []
    for year in YEARS:
        frame = firms.copy()
        frame["year"] = year
        scale = np.where(frame.above_scale == 1, 5.0, 1.0)
        frame["revenue"] = rng.gamma(2, 800, size) * scale
        frame["tax"] = frame.revenue * rng.uniform(0.01, 0.08, size)
        frame["value_added"] = frame.revenue * rng.uniform(0.15, 0.35, size)
        frame["rd_spend"] = frame.revenue * rng.uniform(0, 0.06, size)
        frame["energy_tce"] = frame.revenue / rng.uniform(0.5, 8, size)
        frame["emissions"] = frame.revenue / rng.uniform(500, 9000, size)
        frame["employees"] = rng.integers(10, 800, size)
        frame["electricity_kwh"] = frame.energy_tce * rng.uniform(2000, 8000, size)
        frame["gas_m3"] = frame.energy_tce * rng.uniform(50, 300, size)
        frame["water_m3"] = frame.employees * rng.uniform(20, 60, size)
        frame["land_use_tax"] = frame.land_mu * 666.7 * rng.uniform(3, 9, size) / 10000
        for flag, share in (("major_accident", 0.02), ("energy_target_missed", 0.03),
                            ("under_construction", 0.01), ("land_unused", 0.01),
                            ("dishonest", 0.02)):
            frame[flag] = (rng.uniform(size=size) < share).astype(int)
        frame.loc[frame.founded > year, "under_construction"] = 1
        years.append(frame)
    data = pd.concat(years, ignore_index=True)
    # One firm sits at the bottom of its unit three years running (ties at the bottom go to the
    # highest key, and this is the highest).
    data.loc[data.credit_code == "91370200MA00000799",
             ["tax", "revenue", "value_added", "rd_spend"]] = [0.01, 0.01, 0.01, 0.0]
    data.loc[data.credit_code == "91370200MA00000799",
             ["founded", "major_accident", "energy_target_missed", "under_construction",
              "land_unused"]] = [1990, 0, 0, 0, 0]
    data.loc[data.credit_code == "91370200MA00000799", "above_scale_since"] = np.nan
    data.loc[data.credit_code == "91370200MA00000799", "industry_code"] = "3612"
    data.loc[data.credit_code == "91370200MA00000799", "admin_district"] = "李沧"
    # The years already spent in D as published before each year: none, except the firm
    # above, published D in 2021 and 2022.
    data["d_years_before"] = 0
    data.loc[data.credit_code == "91370200MA00000799", "d_years_before"] = (
        data.loc[data.credit_code == "91370200MA00000799", "year"] - YEARS[0])
    return data


@pytest.fixture(scope="module")
def data():
    return panel()


@pytest.fixture(scope="module")
def shandong(data):
    evaluation = evaluate(table(**{c: data[c].tolist() for c in data.columns}),
                          load_spec(TRIAGE / "shandong_2019.yaml"))
    return evaluation, evaluation.result_arrow().to_pandas().merge(
        data, on=["credit_code", "year", "district", "above_scale"])


SHIPPED = sorted(TRIAGE.rglob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_every_shipped_spec_loads_and_cites_its_source(path):
    spec = load_spec(path)
    assert len(spec.reference) > 40
    assert all(indicator.name and indicator.unit for indicator in spec.indicators)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_every_shipped_spec_scores_the_panel(path, data):
    evaluation = evaluate(table(**{c: data[c].tolist() for c in data.columns}), load_spec(path))
    result = evaluation.result_arrow().to_pandas()
    assert len(result) == len(data)
    assert result.score.notna().mean() > 0.9
    assert sum(evaluation.weights.values()) == pytest.approx(1)


def test_quotas_hold_in_every_evaluation_unit(shandong):
    _, result = shandong
    evaluated = result[result["class"] != "T"]
    for _, unit in evaluated.groupby(["year", "district", "above_scale"]):
        size = unit.score.notna().sum()
        assert (unit["class"] == "A").sum() <= math.floor(0.2 * size + 1e-9)
        assert (unit["class"] == "D").sum() >= math.ceil(0.05 * size - 1e-9)


def test_vetoed_firms_are_never_a_or_b(shandong):
    _, result = shandong
    vetoed = result[(result.major_accident == 1) | (result.energy_target_missed == 1)]
    assert len(vetoed) > 0
    assert not vetoed["class"].isin(["A", "B"]).any()


def test_protected_new_firms_are_never_d(shandong):
    _, result = shandong
    new = (result.year - result.founded < 2) | (result.year - result.above_scale_since < 2)
    protected = result[new & (result["class"] != "T")]
    assert len(protected) > 0
    assert not (protected["class"] == "D").any()


def test_every_t_firm_has_its_reason(shandong):
    evaluation, result = shandong
    t_firms = result[result["class"] == "T"]
    assert len(t_firms) > 0
    for row in t_firms.head(10).itertuples():
        why = explain(evaluation, row.credit_code, row.year)
        assert "不参加评价" in why.class_rule


def test_third_consecutive_d_year_pays_the_third_year_rate(shandong):
    _, result = shandong
    firm = result[result.credit_code == "91370200MA00000799"].sort_values("year")
    assert firm["class"].tolist() == ["D", "D", "D"]
    assert firm.d_years.tolist() == [1, 2, 3]
    expected = firm.electricity_kwh.to_numpy() * np.array([0.05, 0.10, 0.15])
    assert firm.electricity_surcharge.to_numpy() == pytest.approx(expected)
    # Gas: 1 元/m³ in 李沧, and only in the first year in D.
    assert firm.gas_surcharge.to_numpy() == pytest.approx(
        firm.gas_m3.to_numpy() * np.array([1.0, 0.0, 0.0]))


def test_the_years_in_d_count_what_was_published_not_recomputed_years(data):
    """A firm recomputed as D in every year, but with nothing published before, is in its
    first year: the streak reads d_years_before, not the earlier rows."""
    unpublished = data.assign(d_years_before=0)
    evaluation = evaluate(table(**{c: unpublished[c].tolist() for c in unpublished.columns}),
                          load_spec(TRIAGE / "shandong_2019.yaml"))
    result = evaluation.result_arrow().to_pandas()
    firm = result[result.credit_code == "91370200MA00000799"].sort_values("year")
    assert firm["class"].tolist() == ["D", "D", "D"] and firm.d_years.tolist() == [1, 1, 1]


def test_gas_is_charged_only_in_three_districts_and_only_the_first_year(shandong):
    _, result = shandong
    charged = result[result.gas_surcharge > 0]
    assert len(charged) > 0
    assert set(charged.admin_district) <= {"市南", "市北", "李沧"}
    assert (charged["class"] == "D").all() and (charged.d_years == 1).all()
    elsewhere = result[(result["class"] == "D") & ~result.admin_district.isin(
        ["市南", "市北", "李沧"])]
    assert len(elsewhere) > 0 and (elsewhere.gas_surcharge == 0).all()


def test_utilities_are_not_evaluated(shandong):
    evaluation, result = shandong
    utilities = result[result.industry_code.str[:2].isin(["44", "45", "46"])]
    assert len(utilities) > 0 and (utilities["class"] == "T").all()
    assert utilities.score.isna().all()
    row = utilities.iloc[0]
    assert "44–46" in explain(evaluation, row.credit_code, row.year).class_rule


def test_reliefs_for_a_and_b_and_totals_by_district_and_class(shandong):
    evaluation, result = shandong
    a_firm = result[result["class"] == "A"].iloc[0]
    assert a_firm.land_tax_relief == pytest.approx(-0.5 * a_firm.land_use_tax)
    assert (result[result["class"].isin(["C", "D", "T"])].land_tax_relief == 0).all()
    totals = evaluation.totals().to_pandas()
    assert totals.entities.sum() == len(result)
    d_2023 = totals[(totals.year == 2023) & (totals["class"] == "D")]
    expected = result[(result.year == 2023) & (result["class"] == "D")]
    assert d_2023.electricity_surcharge.sum() == pytest.approx(
        expected.electricity_surcharge.sum())
    by_district = expected.groupby("district").water_surcharge.sum()
    assert d_2023.set_index("district").water_surcharge.to_dict() == pytest.approx(
        by_district.to_dict())


def test_below_scale_firms_are_scored_on_land_tax_alone(shandong):
    evaluation, result = shandong
    below = result[(result.above_scale == 0) & result.score.notna()].iloc[0]
    why = explain(evaluation, below.credit_code, below.year)
    weights = {line.code: line.effective_weight for line in why.indicators}
    assert weights["tax_per_mu"] == pytest.approx(1)
    assert why.score == pytest.approx(why.indicators[0].normalised)


def test_huangyan_score_is_the_published_formula(data):
    evaluation = evaluate(table(**{c: data[c].tolist() for c in data.columns}),
                          load_spec(TRIAGE / "huangyan_2022_above.yaml"))
    result = evaluation.result_arrow().to_pandas().merge(data, on=["credit_code", "year",
                                                                   "district"])
    row = result.iloc[5]
    expected = (row.tax / row.land_mu / 24.097 * 30 + row.value_added / row.land_mu / 136.16 * 20
                + row.value_added / row.energy_tce / 2.694 * 20
                + row.value_added / row.emissions / 4929.81 * 10
                + row.value_added / row.employees / 18.14 * 10
                + row.rd_spend / row.revenue / 0.0302 * 10)
    assert row.score == pytest.approx(expected)


def test_huaian_benchmark_is_twice_the_unit_average(data):
    evaluation = evaluate(table(**{c: data[c].tolist() for c in data.columns}),
                          load_spec(TRIAGE / "huaian.yaml"))
    frame = data[data.year == 2023].copy()
    frame["tax_per_mu"] = frame.tax / frame.land_mu
    firm = frame.iloc[0]
    why = explain(evaluation, firm.credit_code, 2023)
    line = why.indicators[0]
    district = frame[frame.district == firm.district]
    # The benchmark is taken over the firms evaluated in the unit that year.
    assert line.benchmark == pytest.approx(2 * district.tax_per_mu.mean(), rel=0.05)
    assert line.normalised == pytest.approx(min(100, line.raw / line.benchmark * 100))


def test_district_override_changes_only_what_it_names(data):
    base = load_spec(TRIAGE / "shandong_2019.yaml")
    override = load_spec(TRIAGE / "overrides" / "huangdao_example.yaml")
    assert [g.name for g in override.gates] == [g.name for g in base.gates]
    assert override.classes == base.classes
    weights = {i.code: i.weight for i in override.indicators}
    assert weights["tax_per_mu"] == 0.35 and weights["value_added_per_mu"] == 0.10
    assert weights["revenue_per_energy"] == 0.15
    evaluation = evaluate(table(**{c: data[c].tolist() for c in data.columns}), override)
    result = evaluation.result_arrow().to_pandas().merge(
        data[["credit_code", "year", "high_tech", "dishonest"]], on=["credit_code", "year"])
    scored = result[result.score.notna()]
    assert (scored[scored.high_tech == 1].adjustment >= 3 - 10).all()
    firm = scored[(scored.high_tech == 1) & (scored.dishonest == 0)].iloc[0]
    why = explain(evaluation, firm.credit_code, firm.year)
    bonus = sum(item.points for item in why.adjustments if item.triggered)
    assert bonus == 3
    assert sum(line.contribution for line in why.indicators
               if line.contribution is not None) + bonus == pytest.approx(why.score)


def test_what_if_lists_who_changes_class_and_what_it_costs(data):
    source = table(**{c: data[c].tolist() for c in data.columns})
    base = evaluate(source, load_spec(TRIAGE / "shandong_2019.yaml"))
    draft = evaluate(source, load_spec(TRIAGE / "shandong_2019.yaml", overrides={
        "classes": {"method": "quota", "within": ["district", "above_scale"],
                    "placeholder": "试算：A 类比例放宽到 30%", "levels": [
            {"name": "A", "top": 0.30}, {"name": "B", "top": 0.75}, {"name": "C"},
            {"name": "D", "bottom": 0.05}]}}))
    comparison = compare(base, draft)
    changes = comparison.changes.to_pandas()
    assert len(changes) > 0
    assert set(zip(changes.class_before, changes.class_after, strict=True)) == {("B", "A")}
    before = base.result_arrow().to_pandas()
    after = draft.result_arrow().to_pandas()
    assert comparison.changed == int((after["class"] == "A").sum() - (before["class"] == "A").sum())
    assert comparison.matrix["B"]["A"] == comparison.changed
    relief = comparison.amounts["land_tax_relief"]
    assert relief["after"] == pytest.approx(after.land_tax_relief.sum())
    assert relief["change"] < 0  # more A firms, more relief given
    electricity = comparison.amounts["electricity_surcharge"]
    assert abs(electricity["change"]) <= 1e-9 * electricity["before"]  # D did not move
