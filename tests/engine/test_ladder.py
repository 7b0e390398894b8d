"""The cultivation ladder's shipped rungs, judged on hand-made firms right at each threshold:
just in qualifies, just out does not and says what it lacks; missing data is unknown, never
failed; the version in force is chosen by date, and a date before any version is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acupoint.engine.ladder import (
    FAILED,
    NOT_QUALIFIED,
    QUALIFIED,
    UNKNOWN,
    Evaluator,
    load_ladder,
    parse_rung,
)
from acupoint.engine.spec import SpecError

LADDER = load_ladder()
EVALUATOR = Evaluator(LADDER)
D = dt.date


def judge(key: str, profile: dict):
    rung, version = key.split("@")
    return EVALUATOR.evaluate(LADDER.version(rung, version), profile)


def failed(verdict) -> list[str]:
    return [item.id for item in verdict.binding if item.outcome == FAILED]


# Firms that meet every binding condition of a rung exactly at its threshold.
AT_THRESHOLD = {
    "srdi_sme@2026": {
        "title_innovative": True, "niche_years": 3, "revenue": 1500, "revenue_prev": 1500,
        "main_revenue": 1200, "debt_ratio": 0.80, "rd_spend": 100, "rd_spend_prev": 100,
        "ip_class_i": 1, "evaluation_score": 50},
    "little_giant@2022": {
        "niche_years": 3, "revenue": 10_000, "revenue_prev": 10_000, "main_revenue": 7_000,
        "main_revenue_prev": 7_000 / 1.05, "main_revenue_prev2": 7_000 / 1.05 ** 2,
        "core_information_system": True, "quality_certified": True, "debt_ratio": 0.70,
        "market_share": 0.10, "own_brand": True, "rd_spend": 300, "rd_spend_prev": 300,
        "rd_centre_level": "city", "ip_class_i_used": 2, "key_chain_link": True,
        "priority_product_field": True},
    "little_giant@2026": {
        "title_srdi": True, "niche_years": 3, "revenue": 5_000, "revenue_prev": 4_800,
        "revenue_prev2": 5_000 / 1.05 ** 2, "main_revenue": 4_500, "debt_ratio": 0.75,
        "rd_spend": 600, "rd_spend_prev": 600, "ip_class_i": 4, "market_share": 0.10,
        "market_rank_china": 5, "product_field": "basic", "evaluation_score": 60},
    "single_champion@2023": {
        "niche_years": 10, "main_revenue": 40_000, "main_revenue_prev": 40_000,
        "main_revenue_prev2": 40_000, "market_rank_world": 3},
    "hidden_champion@2018": {  # growth must exceed 5%: 2,500 after 2,380 is 5.04%
        "revenue": 2_500, "revenue_prev": 2_380, "revenue_prev2": 1_120, "debt_ratio": 0.6499,
        "rd_spend": 50, "niche_years": 5, "customer_share_3y": 0.10},
    "gazelle@2020": {
        "age_years": 3, "debt_ratio": 0.6999, "listed": False, "revenue": 2_000,
        "revenue_prev": 1_700, "revenue_prev2": 2_000 / 1.2 ** 2, "profit_cagr_2y": 0.0,
        "rd_spend": 100, "invention_patents": 2, "utility_models": 5, "software_copyrights": 2,
        "standards_led": 0},
}
# One step just past each binding condition's threshold: (condition, changes).
JUST_OUT = {
    "srdi_sme@2026": [
        ("innovative", {"title_innovative": False}), ("niche_years", {"niche_years": 2.9}),
        ("revenue", {"revenue": 1499, "equity_raised_2y": 1999}),
        ("main_share", {"main_revenue": 1199}), ("debt_ratio", {"debt_ratio": 0.8001}),
        ("rd_spend", {"rd_spend_prev": 99}), ("rd_intensity", {"revenue_prev": 3334}),
        ("ip", {"ip_class_i": 0}), ("evaluation", {"evaluation_score": 49.9})],
    "little_giant@2022": [
        ("niche_years", {"niche_years": 2}),
        ("main_share", {"main_revenue": 6_999, "main_revenue_prev": 6_999 / 1.05,
                        "main_revenue_prev2": 6_999 / 1.05 ** 2}),
        ("main_growth", {"main_revenue_prev2": 7_000 / 1.05 ** 2 + 1}),
        ("information_system", {"core_information_system": False}),
        ("certification", {"quality_certified": False}), ("debt_ratio", {"debt_ratio": 0.7001}),
        ("market_share", {"market_share": 0.0999}), ("brand", {"own_brand": False}),
        ("rd", {"rd_spend_prev": 299}), ("rd_centre", {"rd_centre_level": "none"}),
        ("ip", {"ip_class_i_used": 1}), ("chain", {"key_chain_link": False}),
        ("product_field", {"priority_product_field": False})],
    "little_giant@2026": [
        ("srdi", {"title_srdi": False}), ("niche_years", {"niche_years": 2}),
        ("revenue", {"revenue": 4_999, "revenue_prev2": 4_999 / 1.05 ** 2}),
        ("rd_intensity", {"revenue_prev": 20_001}),
        ("main_share", {"main_revenue": 4_499}), ("growth", {"revenue_prev2": 4_536}),
        ("debt_ratio", {"debt_ratio": 0.7501}), ("rd_spend", {"rd_spend": 599}),
        ("ip", {"ip_class_i": 3}), ("market", {"market_share": 0.0999}),
        ("field", {"product_field": "other"}), ("evaluation", {"evaluation_score": 59})],
    "single_champion@2023": [
        ("field_years", {"niche_years": 9}), ("main_revenue", {"main_revenue_prev2": 39_999}),
        ("world_rank", {"market_rank_world": 4})],
    "hidden_champion@2018": [
        ("revenue", {"revenue_prev2": 1_119}), ("growth", {"revenue_prev": 2_500 / 1.05}),
        ("debt_ratio", {"debt_ratio": 0.65}), ("rd_intensity", {"rd_spend": 49.9}),
        ("field_years", {"niche_years": 4}), ("customers", {"customer_share_3y": 0.0999})],
    "gazelle@2020": [
        ("age", {"age_years": 2.9}), ("debt_ratio", {"debt_ratio": 0.70}),
        ("unlisted", {"listed": True}), ("growth", {"revenue_prev2": 1_390}),
        ("rd_intensity", {"rd_spend": 99}), ("ip", {"invention_patents": 1})],
}


@pytest.mark.parametrize("key", sorted(AT_THRESHOLD))
def test_a_firm_exactly_at_every_threshold_qualifies(key):
    verdict = judge(key, AT_THRESHOLD[key])
    assert verdict.status == QUALIFIED, [(item.id, item.outcome) for item in verdict.binding]


@pytest.mark.parametrize(("key", "condition", "changes"), [
    (key, condition, changes) for key, cases in sorted(JUST_OUT.items())
    for condition, changes in cases])
def test_a_firm_just_past_one_threshold_fails_that_condition_alone(key, condition, changes):
    verdict = judge(key, {**AT_THRESHOLD[key], **changes})
    assert verdict.status == NOT_QUALIFIED
    assert failed(verdict) == [condition]
    assert verdict.gaps and verdict.gaps[0]


def test_every_binding_condition_of_the_shipped_rungs_is_tested_at_its_threshold():
    for key, cases in JUST_OUT.items():
        rung, version = key.split("@")
        assert {item.id for item in LADDER.version(rung, version).binding} == {
            condition for condition, _changes in cases}, key


INNOVATIVE_60 = {  # 创新能力 10 + 10, 成长性 15 + 5, 专业化 5 + 15: exactly 60, every floor met
    "ip_high_value": 0, "ip_class_i_own": 0, "ip_class_i": 1, "revenue": 10_000,
    "rd_spend": 200, "main_revenue": 6_000, "main_revenue_prev": 6_000 / 1.1,
    "debt_ratio": 0.75, "emerging_catalogue": False, "equity_raised_3y": 0}


def test_the_little_giant_2022_innovation_route_stands_in_for_the_innovation_conditions():
    """创新直通: a national science award (top 3 of the winners) or 创客中国 national top 50
    waives R&D, the R&D institution and the Ⅰ类 IP; never the other conditions."""
    weak = {**AT_THRESHOLD["little_giant@2022"], "rd_spend_prev": 0,
            "rd_centre_level": "none", "ip_class_i_used": 0}
    assert failed(judge("little_giant@2022", weak)) == ["rd", "rd_centre", "ip"]
    for route in ("national_science_award_top3", "makers_top50"):
        assert judge("little_giant@2022", {**weak, route: True}).status == QUALIFIED
        outside = {**weak, route: True, "key_chain_link": False}
        assert failed(judge("little_giant@2022", outside)) == ["chain"]


def test_the_first_rung_is_named_for_the_rules_in_force():
    assert LADDER.in_force("innovative_sme", D(2026, 3, 31)).rung.name == "创新型中小企业"
    spec = LADDER.in_force("innovative_sme", D(2026, 4, 1))
    assert spec.rung.name == "科技和创新型中小企业"
    assert spec.rung.document == "工信部企业〔2026〕2号"
    # Judged by the 2022 criteria until a merged standard appears.
    assert judge("innovative_sme@2026", INNOVATIVE_60).score == 60


def test_the_city_grants_only_its_own_titles():
    grantors = {spec.key: spec.rung.recognised_by for spec in LADDER.specs}
    assert {grantors[key] for key in ("innovative_sme@2022", "innovative_sme@2026",
                                      "srdi_sme@2022", "srdi_sme@2026")} == {"province"}
    assert {grantors[key] for key in ("little_giant@2022", "little_giant@2026",
                                      "single_champion@2023")} == {"miit"}
    assert [key for key, grantor in grantors.items() if grantor == "city"] == [
        "hidden_champion@2018"]


def test_innovative_sme_passes_at_60_with_its_floors_and_fails_just_below():
    verdict = judge("innovative_sme@2022", INNOVATIVE_60)
    assert verdict.status == QUALIFIED and verdict.score == 60
    assert verdict.groups == {"创新能力": 20, "成长性": 20, "专业化": 20}
    below = judge("innovative_sme@2022", {**INNOVATIVE_60, "rd_spend": 199})
    assert below.status == NOT_QUALIFIED and below.score == 55
    # The smallest change back: R&D intensity to 2%, said with the money it takes.
    assert below.gaps == ["研发投入强度 1.99% → ≥ 2%（研发费用 +1 万元）（+5 分）"]


def test_innovative_sme_fails_a_sub_score_floor_whatever_the_total():
    strong_elsewhere = {**INNOVATIVE_60, "ip_class_i": 0, "ip_class_ii": 0, "rd_spend": 300,
                        "main_revenue_prev": 6_000 / 1.15, "debt_ratio": 0.55,
                        "emerging_catalogue": True, "main_revenue": 7_000}
    verdict = judge("innovative_sme@2022", strong_elsewhere)
    assert verdict.score == 75 and verdict.groups["创新能力"] == 15
    assert verdict.status == NOT_QUALIFIED
    # The nearest move that lifts 创新能力 to its floor: R&D intensity from 3% to 5%.
    assert verdict.gaps == ["研发投入强度 3% → ≥ 5%（研发费用 +200 万元）（+5 分）"]


def test_a_direct_route_qualifies_in_place_of_the_score():
    weak = {**INNOVATIVE_60, "rd_spend": 0, "ip_class_i": 0, "ip_class_ii": 0}
    assert judge("innovative_sme@2022", weak).status == NOT_QUALIFIED
    assert judge("innovative_sme@2022", {**weak, "high_tech": True}).status == QUALIFIED
    assert judge("innovative_sme@2022", {**weak, "equity_raised_3y": 500}).status == QUALIFIED
    assert judge("innovative_sme@2022", {**weak, "equity_raised_3y": 499}).status \
        == NOT_QUALIFIED


def test_missing_data_is_unknown_and_names_the_datum_never_a_failure():
    verdict = judge("innovative_sme@2022", {**INNOVATIVE_60, "debt_ratio": None})
    assert verdict.status == UNKNOWN and verdict.needs == ["debt_ratio"]
    assert (verdict.score, verdict.score_if_known) == (55, 65)
    # Below a floor whatever the missing datum says: not qualified, however unknown.
    assert judge("innovative_sme@2022", {**INNOVATIVE_60, "debt_ratio": None,
                                         "rd_spend": 150}).status == NOT_QUALIFIED
    debt = next(item for item in verdict.indicators if item.id == "debt_ratio")
    assert debt.points is None and debt.needs == ["debt_ratio"]
    hopeless = judge("innovative_sme@2022", {"revenue": 10_000, "rd_spend": 0})
    assert hopeless.status == UNKNOWN  # every other indicator could still be at its best
    patents = {"invention_patents": None, "utility_models": None, "software_copyrights": None,
               "standards_led": None}
    gazelle = judge("gazelle@2020", {**AT_THRESHOLD["gazelle@2020"], **patents})
    assert gazelle.status == UNKNOWN
    ip = next(item for item in gazelle.binding if item.id == "ip")
    assert ip.outcome == UNKNOWN and ip.needs == sorted(patents)
    # One route known to hold decides it whatever the others are.
    assert judge("gazelle@2020", {**AT_THRESHOLD["gazelle@2020"], **patents,
                                  "standards_led": 1}).status == QUALIFIED


SRDI_2022 = {  # binding at threshold; 60 points exactly
    "niche_years": 2, "rd_spend": 300, "revenue": 10_000, "main_revenue": 8_000,
    "main_revenue_prev": 8_000 / 1.1, "main_revenue_prev2": 8_000 / 1.1 ** 2,
    "product_field": "gap", "digital_level": 2, "quality_items": 2, "net_profit": 600,
    "debt_ratio": 0.5, "distinctive_points": 1, "ip_class_i": 1, "rd_spend_prev": 300,
    "equity_raised_2y": 0,
    "ip_high_value": 0, "ip_class_i_own": 0, "rd_staff": 10, "employees": 100,
    "rd_centre_level": "city"}


def test_srdi_2022_binding_conditions_then_60_points_or_a_route():
    verdict = judge("srdi_sme@2022", SRDI_2022)
    assert failed(verdict) == [] and verdict.score == 60, [
        (item.id, item.points) for item in verdict.indicators]
    assert verdict.status == QUALIFIED
    below = judge("srdi_sme@2022", {**SRDI_2022, "distinctive_points": 0.5})
    assert below.status == NOT_QUALIFIED and below.score == 59.5
    assert judge("srdi_sme@2022", {**SRDI_2022, "distinctive_points": 0.5,
                                   "makers_top500": True}).status == QUALIFIED
    short = judge("srdi_sme@2022", {**SRDI_2022, "rd_spend": 299})
    assert failed(short) == ["rd_intensity"]
    assert short.gaps[0] == "研发投入强度 2.99% → ≥ 3%（研发费用 +1 万元）"
    small = judge("srdi_sme@2022", {**SRDI_2022, "revenue": 999, "rd_spend": 100,
                                    "equity_raised_2y": 2_000})
    assert "revenue" not in failed(small)


def test_the_version_in_force_is_chosen_by_date():
    assert LADDER.in_force("srdi_sme", D(2026, 3, 31)).rung.version == "2022"
    assert LADDER.in_force("srdi_sme", D(2026, 4, 1)).rung.version == "2026"
    assert LADDER.in_force("little_giant", D(2026, 3, 31)).rung.document \
        == "工信部企业〔2022〕63号"
    assert LADDER.in_force("little_giant", D(2026, 4, 1)).rung.document \
        == "工信部企业〔2026〕2号"
    # The same firm under both: the 2022 points system takes it, the 2026 rules do not (it is
    # not a current 创新型中小企业 and has been in its niche only 2 years).
    firm = SRDI_2022
    assert EVALUATOR.evaluate(LADDER.in_force("srdi_sme", D(2026, 3, 31)), firm).status \
        == QUALIFIED
    later = EVALUATOR.evaluate(LADDER.in_force("srdi_sme", D(2026, 4, 1)), firm)
    assert later.status == NOT_QUALIFIED
    assert {"innovative", "niche_years"} <= set(failed(later))


def test_a_date_before_any_rule_version_is_refused_with_the_versions_known():
    with pytest.raises(LookupError) as refused:
        LADDER.in_force("srdi_sme", D(2021, 12, 31))
    assert "2021-12-31" in str(refused.value) and "2022: 2022-06-01" in str(refused.value)
    with pytest.raises(KeyError):
        LADDER.in_force("unicorn", D(2024, 1, 1))


def test_the_next_rung_up_the_national_ladder():
    assert LADDER.next_rung(None) == "innovative_sme"
    assert LADDER.next_rung("innovative_sme") == "srdi_sme"
    assert LADDER.next_rung("little_giant") == "single_champion"
    assert LADDER.next_rung("single_champion") is None


def test_a_bad_rung_file_names_the_line_and_the_key():
    text = """rung:
  rung: test_rung
  name: 测试
  level: 1
  version: "1"
  document: 测试〔2024〕1号
  from: 2024-01-01
  recognised_by: city
  recogniser: 测试局
binding:
  - {id: rd, label: 研发, when: rd_spendd >= 100}
score:
  pass: 60
  floors: {不存在: 10}
  indicators:
    - {id: x, label: x, group: 专业化, bands: [{points: 5}]}
"""
    with pytest.raises(SpecError) as refused:
        parse_rung(text, "bad.yaml", LADDER.catalogue)
    message = str(refused.value)
    assert "bad.yaml" in message and "不存在" in message
    fixed = text.replace("floors: {不存在: 10}", "floors: {专业化: 5}")
    with pytest.raises(SpecError) as unknown:
        parse_rung(fixed, "bad.yaml", LADDER.catalogue)
    problem = unknown.value.problems[0]
    assert problem.line == 11 and problem.key == "binding.0.when"
    assert "rd_spendd" in problem.message


NUMBERS = {"ip_high_value": (0, 2), "ip_class_i_own": (0, 2), "ip_class_i": (0, 3),
           "ip_class_ii": (0, 3), "revenue": (500, 20_000), "rd_spend": (0, 1_500),
           "rd_spend_prev": (0, 1_500), "main_revenue": (300, 20_000),
           "main_revenue_prev": (300, 20_000), "main_revenue_prev2": (300, 20_000),
           "debt_ratio": (0.2, 0.9), "niche_years": (0, 12), "digital_level": (1, 4),
           "quality_items": (0, 3), "net_profit": (-200, 2_000), "distinctive_points": (0, 15),
           "rd_staff": (0, 60), "employees": (60, 400), "equity_raised_2y": (0, 7_000),
           "equity_raised_3y": (0, 800)}
FLAGS = ("emerging_catalogue", "high_tech", "makers_top500", "award_top3_provincial")


@st.composite
def firms(draw):
    profile = {name: draw(st.floats(low, high, allow_nan=False))
               for name, (low, high) in NUMBERS.items()}
    profile.update({name: draw(st.booleans()) for name in FLAGS})
    profile["rd_centre_level"] = draw(st.sampled_from(["none", "below", "city", "provincial"]))
    profile["product_field"] = draw(st.sampled_from(["gap", "basic", "other"]))
    hidden = draw(st.sets(st.sampled_from(sorted(NUMBERS)), max_size=4))
    return profile, hidden


@settings(max_examples=150, deadline=None)
@given(firms(), st.sampled_from(["innovative_sme@2022", "srdi_sme@2022", "gazelle@2020"]))
def test_a_verdict_reached_with_data_missing_holds_whatever_the_data_turn_out_to_be(
        firm, key):
    profile, hidden = firm
    verdict = judge(key, {name: None if name in hidden else value
                          for name, value in profile.items()})
    assert verdict.score is None or verdict.score <= (verdict.score_if_known or 0)
    full = judge(key, profile)
    if verdict.status != UNKNOWN:
        assert full.status == verdict.status
    if verdict.score is not None:
        assert verdict.score <= full.score <= verdict.score_if_known
