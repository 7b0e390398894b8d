"""Policy files: what is refused (with file, line and key), what is warned, and how matching
treats missing data, dated parameters, caps and near misses."""

from __future__ import annotations

import datetime as dt

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acupoint.engine import backends
from acupoint.engine.policy import (
    Library,
    contradictions,
    load_catalogue,
    load_library,
    parse_policy,
)
from acupoint.engine.policy_explain import Explainer, explain_profile, near_miss_text
from acupoint.engine.reform import simulate
from acupoint.engine.rules import ELIGIBLE, INELIGIBLE, UNKNOWN, Matcher, profile_table
from acupoint.engine.spec import SpecError

CATALOGUE = load_catalogue()
SHIPPED = load_library()
DAY = dt.date(2024, 6, 30)

HEADER = """\
policy:
  id: test-policy
  title: 测试政策
  issuer: 测试局
  level: city
  published: 2020-01-01
  illustrative: true
"""

CLAUSE = """\
clauses:
  - id: rd
    article: 第一条
    title: 研发补助
    chain: rd_design
    side: supply
    support: subsidy
    conditions:
      - {label: 营业收入 ≥ 1000 万元, when: "revenue >= 1000"}
      - {label: 研发投入强度 ≥ 3%, when: "rd_intensity >= 0.03"}
    benefit: {formula: "min(0.2 * equipment_investment, 500)", unit: 万元, cap: 400}
    text: 示例条款。
"""


def policy(text: str = CLAUSE, header: str = HEADER):
    """A test policy; its numbers need no source marks (tests of the marks give them)."""
    return parse_policy(header + text, "test.yaml", CATALOGUE, check_marks=False)


def problems(text: str, header: str = HEADER) -> list:
    with pytest.raises(SpecError) as caught:
        policy(text, header)
    return caught.value.problems


def library(*texts: str) -> Library:
    return Library([policy(text) for text in texts], CATALOGUE)


def test_malformed_yaml_names_the_line():
    [problem] = problems(CLAUSE.replace("    side: supply", "    side: [supply"))
    assert problem.key == "(yaml)" and problem.line == 14


def test_unknown_variable_names_line_key_and_a_suggestion():
    [problem] = problems(CLAUSE.replace("revenue >= 1000", "revenu >= 1000"))
    assert problem.line == 16 and problem.key == "clauses.0.conditions.0.when"
    assert "unknown variable 'revenu'" in problem.message and "revenue" in problem.message


@pytest.mark.parametrize(("formula", "message"), [
    ("equipment_investment + 9**9**7 - 9**9**7", "'9**9**7' is too large"),
    ("industry * 2", "text cannot take part in arithmetic"),
    ("min(industry, 3)", "cannot mix a number and a text"),
    ("revenue if industry else 0", "needs a yes/no condition, not a text"),
])
def test_a_formula_that_cannot_be_computed_is_refused_with_line_and_key(formula, message):
    [problem] = problems(CLAUSE.replace("min(0.2 * equipment_investment, 500)", formula))
    assert problem.line == 18 and problem.key == "clauses.0.benefit.formula"
    assert message in problem.message


def test_unknown_key_is_refused_with_a_suggestion():
    found = problems(CLAUSE.replace("    support: subsidy", "    suport: subsidy"))
    by_key = {problem.key: problem for problem in found}
    assert "did you mean support" in by_key["clauses.0.suport"].message
    assert by_key["clauses.0.suport"].line == 14
    assert "clauses.0.support" in by_key


def test_mixing_yuan_and_wan_yuan_needs_a_conversion():
    text = HEADER + """\
parameters:
  rate: {unit: 元/kg, values: [{from: 2020-01-01, value: 20}]}
""" + CLAUSE.replace('"min(0.2 * equipment_investment, 500)"', '"rate * h2_sold_kg"')
    with pytest.raises(SpecError) as caught:
        parse_policy(text, "test.yaml", CATALOGUE)
    [problem] = caught.value.problems
    assert problem.key == "clauses.0.benefit.formula"
    assert "元" in problem.message and "万元" in problem.message and "convert" in problem.message
    fixed = text.replace('"rate * h2_sold_kg"', '''"convert(rate * h2_sold_kg, '元', '万元')"''')
    assert parse_policy(fixed, "test.yaml", CATALOGUE, check_marks=False).clauses[0].id == "rd"


def test_adding_yuan_to_wan_yuan_is_refused():
    [problem] = problems(CLAUSE.replace(
        '"min(0.2 * equipment_investment, 500)"', '"h2_retail_price * h2_sold_kg + revenue"'))
    assert "adds 元 and 万元" in problem.message or "adds 万元 and 元" in problem.message


def test_a_parameter_with_overlapping_dates_is_refused():
    text = """\
parameters:
  h2: {unit: 元/kg, values: [{from: 2023-01-01, to: 2023-12-31, value: 20},
                            {from: 2023-06-01, to: 2024-12-31, value: 15}]}
""" + CLAUSE
    [problem] = problems(text)
    assert problem.key == "parameters.h2" and problem.line == 9
    assert "overlap" in problem.message and "2023-06-01" in problem.message


def test_a_clause_that_can_never_match_loads_with_a_warning():
    text = CLAUSE.replace('"rd_intensity >= 0.03"', '"revenue < 800"')
    [warning] = contradictions(policy(text))
    assert "can never match" in warning.message and "revenue" in warning.message
    assert warning.line == 15
    assert contradictions(policy()) == []
    chosen = CLAUSE.replace('"revenue >= 1000"', '''"industry in ['3612', '3670']"''').replace(
        '"rd_intensity >= 0.03"', '''"industry == '1311'"''')
    assert len(contradictions(policy(chosen))) == 1


@pytest.mark.parametrize("attack", [
    "__import__('os').system('rm -rf /')",
    "revenue.__class__",
    "open('/etc/passwd')",
    "(lambda: 1)()",
    "[x for x in revenue]",
])
def test_expression_injection_is_refused_at_load(attack):
    [problem] = problems(CLAUSE.replace('"revenue >= 1000"', f'"{attack}"'))
    assert problem.key == "clauses.0.conditions.0.when" and problem.line == 16


def test_population_functions_are_refused_in_clauses():
    [problem] = problems(CLAUSE.replace('"revenue >= 1000"', '"revenue >= mean(revenue)"'))
    assert "mean()" in problem.message


def test_a_real_policy_must_cite_its_source():
    [problem] = problems(CLAUSE, HEADER.replace("  illustrative: true\n", ""))
    assert problem.key == "policy" and "source" in problem.message


def test_missing_data_makes_the_clause_unknown_and_says_what_is_needed():
    [explained] = explain_profile(library(CLAUSE), {"revenue": 5000}, DAY)
    assert explained.status == UNKNOWN
    assert explained.needs == ["rd_spend"]
    assert [item.outcome for item in explained.conditions] == ["met", "unknown"]


def test_amount_arithmetic_respects_formula_cap_and_unknowns():
    lib = library(CLAUSE)
    [full] = explain_profile(lib, {"revenue": 5000, "rd_spend": 200,
                                   "equipment_investment": 2000}, DAY)
    assert full.status == ELIGIBLE and full.amount == 400
    # In words, with the label and unit of the datum and the rate as a percentage.
    assert full.arithmetic.startswith("取较小值（设备投资 2,000 万元 × 20%，500） = 400 万元")
    assert "equipment_investment" not in full.arithmetic
    [small] = explain_profile(lib, {"revenue": 5000, "rd_spend": 200,
                                    "equipment_investment": 100}, DAY)
    assert small.amount == 20
    # SQL's LEAST skips nulls; an unknown investment must not become the 500 cap.
    [unknown] = explain_profile(lib, {"revenue": 5000, "rd_spend": 200}, DAY)
    assert unknown.status == ELIGIBLE and unknown.amount is None


def test_near_miss_states_the_gap():
    [explained] = explain_profile(library(CLAUSE), {"revenue": 10000, "rd_spend": 270}, DAY)
    assert explained.status == INELIGIBLE and explained.near_miss
    assert near_miss_text(explained.failed[0], CATALOGUE) == "研发投入强度 2.7%，需 ≥ 3%"
    [far] = explain_profile(library(CLAUSE), {"revenue": 10000, "rd_spend": 200}, DAY)
    assert not far.near_miss
    [two] = explain_profile(library(CLAUSE), {"revenue": 950, "rd_spend": 28}, DAY)
    assert len(two.failed) == 2 and not two.near_miss


DATED = """\
parameters:
  h2: {unit: 元/kg, values: [{from: 2023-01-01, to: 2023-12-31, value: 20},
                            {from: 2024-01-01, to: 2024-12-31, value: 15}]}
clauses:
  - id: h2
    article: 二
    title: 加氢补贴
    chain: supporting
    side: demand
    support: subsidy
    conditions: ["h2_sold_kg > 0"]
    benefit: {formula: "convert(h2 * h2_sold_kg, '元', '万元')", unit: 万元}
    text: 加氢补贴。
"""


@pytest.mark.parametrize(("day", "amount"), [
    (dt.date(2023, 1, 1), 200), (dt.date(2023, 12, 31), 200), (dt.date(2024, 1, 1), 150),
    (dt.date(2025, 1, 1), None)])
def test_dated_parameters_take_the_value_in_force(day, amount):
    [explained] = explain_profile(library(DATED), {"h2_sold_kg": 100_000}, day)
    assert explained.amount == amount


def test_policy_out_of_force_is_not_matched():
    text = HEADER.replace("  published: 2020-01-01\n",
                          "  published: 2020-01-01\n  valid_to: 2021-12-31\n")
    lib = Library([parse_policy(text + CLAUSE, "t.yaml", CATALOGUE, check_marks=False)],
                  CATALOGUE)
    assert Matcher(lib, dt.date(2021, 12, 31)).plans
    assert not Matcher(lib, dt.date(2022, 1, 1)).plans


def _reference(row: dict) -> tuple[str, float | None]:
    """The clause of CLAUSE judged by hand, for the property below."""
    revenue, rd, equipment = row["revenue"], row["rd_spend"], row["equipment_investment"]
    outcomes = [None if revenue is None else revenue >= 1000,
                None if rd is None or revenue in (None, 0) else rd / revenue >= 0.03]
    if False in outcomes:
        return INELIGIBLE, None
    amount = None if equipment is None else min(min(0.2 * equipment, 500), 400)
    return (UNKNOWN if None in outcomes else ELIGIBLE), amount


maybe_money = st.one_of(st.none(), st.floats(0, 1e5, allow_nan=False))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.fixed_dictionaries({"revenue": maybe_money, "rd_spend": maybe_money,
                                       "equipment_investment": maybe_money}),
                min_size=1, max_size=30))
def test_vectorised_matching_agrees_with_the_clause_judged_by_hand(rows):
    lib = library(CLAUSE)
    profiles = profile_table([{**row, "credit_code": f"E{index}"}
                              for index, row in enumerate(rows)], CATALOGUE)
    result = Matcher(lib, DAY).matches(ibis.memtable(profiles), keep="all")
    got = {row["credit_code"]: row for row in result.to_pylist()}
    for index, row in enumerate(rows):
        status, amount = _reference(row)
        match = got[f"E{index}"]
        assert match["status"] == status
        if status == ELIGIBLE or (status == UNKNOWN and amount is not None):
            assert match["amount"] == pytest.approx(amount)
        assert (match["failed"] == 0) == (status != INELIGIBLE)
        if match["near_miss"]:
            assert match["unknown"] == 0 and bin(match["failed"]).count("1") == 1


def test_relevant_keeps_exactly_the_pairs_that_are_not_plain_failures():
    from acupoint.demo.profiles import synthetic_profiles
    from acupoint.engine.policy import load_library

    shipped = load_library()
    table = ibis.memtable(synthetic_profiles(300, CATALOGUE, seed=3))
    matcher = Matcher(shipped, DAY)
    every = matcher.matches(table, "all").to_pandas()
    relevant = matcher.matches(table).to_pandas()
    assert len(every) == 300 * len(matcher.plans)
    expected = every[(every.status != INELIGIBLE) | every.near_miss]
    assert len(relevant) == len(expected) > 0
    assert set(relevant.status) == {ELIGIBLE, UNKNOWN, INELIGIBLE}


def test_simulation_counts_who_gains_and_who_loses():
    baseline = library(CLAUSE)
    draft_text = CLAUSE.replace('"rd_intensity >= 0.03"', '"rd_intensity >= 0.02"')
    draft = baseline.with_clause("test-policy", policy(draft_text).clauses[0])
    rows = [{"credit_code": "A", "district": "黄岛", "revenue": 5000, "rd_spend": 200,
             "equipment_investment": 1000},
            {"credit_code": "B", "district": "城阳", "revenue": 5000, "rd_spend": 120,
             "equipment_investment": 1000},
            {"credit_code": "C", "district": "城阳", "revenue": 5000, "rd_spend": 50,
             "equipment_investment": 1000}]
    table = ibis.memtable(profile_table(rows, CATALOGUE))
    result = simulate(baseline, draft, table, DAY, ["test-policy/rd"])
    assert result.totals == {"baseline": {"eligible": 1, "cost": 200.0},
                             "draft": {"eligible": 2, "cost": 400.0}}
    assert [(row["credit_code"], row["change"]) for row in result.changes] == [("B", 200.0)]
    by_district = {row["group"]: row for row in result.by_group["district"]}
    assert by_district["城阳"]["draft_eligible"] == 1 and by_district["城阳"][
        "baseline_eligible"] == 0


def test_duckdb_and_spark_match_alike(tmp_path):
    import shutil

    import pyarrow.parquet as pq

    from acupoint.demo.profiles import synthetic_profiles
    from acupoint.engine.policy import load_library
    from tests.conftest import require

    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        require("ACUPOINT_REQUIRE_SPARK", "Java is not installed: Spark cannot start")
    shipped = load_library()
    path = tmp_path / "profiles.parquet"
    pq.write_table(synthetic_profiles(400, CATALOGUE, seed=11), path)
    frames = []
    for con in (backends.connect("duckdb"), backends.connect("pyspark")):
        table = con.read_parquet(str(path), table_name="profiles")
        frame = Matcher(shipped, DAY).matches(table).to_pandas()
        frames.append(frame.sort_values(["credit_code", "policy", "clause"])
                      .reset_index(drop=True))
    duck, sparked = frames
    assert len(duck) == len(sparked) > 0
    for name in ("credit_code", "policy", "clause", "status", "failed", "unknown",
                 "near_miss"):
        assert duck[name].tolist() == sparked[name].tolist(), name
    assert duck.amount.fillna(-1).round(6).tolist() == sparked.amount.fillna(-1).round(
        6).tolist()


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**31), missing=st.sampled_from([0.0, 0.05, 0.3]))
def test_one_row_explanations_agree_with_the_vectorised_matching(seed, missing):
    from acupoint.demo.profiles import synthetic_profiles
    from acupoint.engine.policy import load_library

    matcher = Matcher(load_library(), DAY)
    profiles = synthetic_profiles(120, CATALOGUE, seed=seed, missing=missing)
    bulk = matcher.matches(ibis.memtable(profiles), "all").to_pylist()
    by_pair = {(row["credit_code"], f"{row['policy']}/{row['clause']}"): row for row in bulk}
    explainer = Explainer(matcher)
    for profile in profiles.to_pylist():
        relevant = {item.key for item in explainer.explain(profile, relevant_only=True)
                    if item.status != INELIGIBLE or item.near_miss}
        assert relevant == {key for (code, key), row in by_pair.items()
                            if code == profile["credit_code"]
                            and (row["status"] != INELIGIBLE or row["near_miss"])}
        for item in explainer.explain(profile):
            row = by_pair[(profile["credit_code"], item.key)]
            assert (row["status"], row["near_miss"]) == (item.status, item.near_miss), item.key
            assert (row["failed"], row["unknown"]) == (item.failed_mask, item.unknown_mask)
            assert (row["amount"] is None) == (item.amount is None), item.key
            if item.amount is not None:
                assert row["amount"] == pytest.approx(item.amount, rel=1e-9, abs=1e-9)


def _sorted(frame):
    return frame.sort_values(["credit_code", "policy", "clause"]).reset_index(drop=True)


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**31), missing=st.sampled_from([0.0, 0.05, 0.3]))
def test_polars_and_duckdb_match_alike_in_every_mode(seed, missing):
    from acupoint.demo.profiles import synthetic_profiles
    from acupoint.engine.policy import load_library

    profiles = synthetic_profiles(150, CATALOGUE, seed=seed, missing=missing)
    matcher = Matcher(load_library(), DAY)
    for keep in ("all", "relevant", "eligible"):
        duck, polar = (
            _sorted(matcher.matches(backends.connect(name).create_table("p", profiles),
                                    keep).to_pandas())
            for name in ("duckdb", "polars"))
        assert len(duck) == len(polar) > 0, keep
        for name in ("credit_code", "clause", "status", "failed", "unknown", "near_miss"):
            assert duck[name].astype(str).tolist() == polar[name].astype(str).tolist(), name
        assert duck.amount.fillna(-1).round(6).tolist() == polar.amount.fillna(-1).round(
            6).tolist(), keep


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**31), missing=st.sampled_from([0.0, 0.05, 0.3]),
       backend=st.sampled_from(["duckdb", "polars"]))
def test_keeping_only_the_eligible_gives_the_eligible_pairs_and_counts_the_unknown(
        seed, missing, backend):
    from acupoint.demo.profiles import synthetic_profiles
    from acupoint.engine.policy import load_library
    from acupoint.engine.rules import Reach

    table = backends.connect(backend).create_table(
        "p", synthetic_profiles(150, CATALOGUE, seed=seed, missing=missing))
    matcher = Matcher(load_library(), DAY)
    keys = [plan.key for plan in matcher.plans]
    every, eligible_reach = Reach.empty(keys), Reach.empty(keys)
    every_pair = matcher.matches(table, "all", reach=every).to_pandas()
    eligible = matcher.matches(table, "eligible", reach=eligible_reach).to_pandas()
    expected = _sorted(every_pair[every_pair.status == ELIGIBLE])
    eligible = _sorted(eligible)
    assert set(eligible.status) <= {ELIGIBLE}
    assert eligible.credit_code.astype(str).tolist() == expected.credit_code.astype(
        str).tolist()
    assert eligible.clause.astype(str).tolist() == expected.clause.astype(str).tolist()
    assert eligible.amount.fillna(-1).tolist() == pytest.approx(
        expected.amount.fillna(-1).tolist())
    assert (eligible.failed == 0).all() and (eligible.unknown == 0).all()
    assert eligible_reach.eligible.tolist() == every.eligible.tolist()
    assert eligible_reach.unknown.tolist() == every.unknown.tolist()
    assert eligible_reach.cost == pytest.approx(every.cost)


def test_polars_streams_every_row_in_order_in_small_batches():
    table = backends.connect("polars").create_table(
        "t", profile_table([{"credit_code": f"E{index:03d}", "revenue": index}
                            for index in range(250)], CATALOGUE))
    batches = list(backends.record_batches(table.select("credit_code", "revenue"), 64))
    assert len(batches) >= 4 and max(batch.num_rows for batch in batches) <= 64
    codes = [code for batch in batches for code in batch.column("credit_code").to_pylist()]
    assert codes == [f"E{index:03d}" for index in range(250)]


def test_an_unknown_keep_names_the_modes():
    with pytest.raises(ValueError, match="relevant, all, eligible"):
        Matcher(library(CLAUSE), DAY).compile(ibis.memtable(profile_table([], CATALOGUE)),
                                              keep="some")


@settings(deadline=None)
@given(st.lists(st.integers(0, 3_000_000), min_size=1, max_size=5))
def test_a_cap_over_the_policy_period_holds_whatever_the_yearly_growth(growths):
    """Year after year, each year's reward is 0.5% of the growth up to what earlier years left
    of the 5,000 万 cap, and the years together never pass it."""
    lib = SHIPPED
    granted = 0.0
    for year, growth in zip(range(2022, 2025), growths, strict=False):
        [item] = [e for e in explain_profile(lib, {
            "industry": "3612", "year": year, "nev_vehicle_maker": True,
            "vehicle_sales": 1_000_000 + growth, "vehicle_sales_prev": 1_000_000,
            "already_granted": granted}, dt.date(year + 1, 5, 1))
            if e.key == "qd-nev-2022/vehicle-sales-growth"]
        left = 5000 - granted
        if growth == 0 or left <= 0:
            assert item.status == INELIGIBLE
            continue
        assert item.amount == pytest.approx(min(0.005 * growth, left))
        granted += item.amount
    assert granted <= 5000 + 1e-9
