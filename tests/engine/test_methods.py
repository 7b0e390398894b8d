"""Every method against figures worked out by hand (or by a closed form), one case each."""

from __future__ import annotations

import math

import numpy as np
import pytest

from acupoint.engine import weights as weighting
from acupoint.engine.explain import explain
from acupoint.engine.periods import cagr, transitions
from acupoint.engine.scorecard import EngineError
from tests.engine.helpers import frame, run, table

ONE = """
name: t
entity: id
indicators: [{code: x, direction: %s}]
normalise: {method: %s}
"""


def scores(values, method="minmax", direction=1, **extra):
    data = table(id=list(range(len(values))), x=values)
    text = ONE % (direction, method)
    result = frame(run(data, text, **extra)).sort_values("id")
    return [None if (v is None or (isinstance(v, float) and math.isnan(v))) else v
            for v in result.score.tolist()]


def test_minmax_both_directions_and_a_range():
    assert scores([1.0, 2.0, 3.0]) == pytest.approx([0, 50, 100])
    assert scores([1.0, 2.0, 3.0], direction=-1) == pytest.approx([100, 50, 0])
    ranged = scores([1.0, 2.0, 3.0], normalise={"method": "minmax", "range": [1, 10]})
    assert ranged == pytest.approx([1, 5.5, 10])


def test_zscore_uses_the_sample_deviation():
    assert scores([1.0, 2.0, 3.0], "zscore") == pytest.approx([-1, 0, 1])
    scaled = scores([1.0, 2.0, 3.0], normalise={"method": "zscore", "mean_sd": [100, 10]})
    assert scaled == pytest.approx([90, 100, 110])


def test_rank_and_percentile_share_ties():
    assert scores([10.0, 30.0, 20.0, 20.0], "rank") == pytest.approx([1, 4, 2, 2])
    assert scores([10.0, 30.0, 20.0, 20.0], "percentile") == pytest.approx(
        [0, 100, 100 / 3, 100 / 3])
    assert scores([10.0, 30.0, 20.0], "rank", direction=-1) == pytest.approx([3, 1, 2])


def test_goalposts_clip_at_both_ends():
    text = ("name: t\nentity: id\nnormalise: {method: goalposts}\n"
            "indicators: [{code: x, goalposts: [0, 10]}]\n")
    result = frame(run(table(id=[1, 2, 3], x=[-5.0, 5.0, 15.0]), text))
    assert result.score.tolist() == pytest.approx([0, 50, 100])


def test_benchmark_ratio_constant_with_cap():
    text = ("name: t\nentity: id\nnormalise: {method: benchmark_ratio}\n"
            "indicators: [{code: x, benchmark: {value: 20}, points: 40, cap: 60}]\n")
    result = frame(run(table(id=[1, 2, 3], x=[10.0, 20.0, 40.0]), text))
    assert result.score.tolist() == pytest.approx([20, 40, 60])


def test_benchmark_ratio_against_twice_the_group_mean():
    """淮安 style: benchmark ≈ 2 × the unit's average, points = the indicator's weight."""
    text = ("name: t\nentity: id\nnormalise: {method: benchmark_ratio}\n"
            "indicators: [{code: x, benchmark: {stat: mean, by: [industry], k: 2},"
            " points: 100}]\n")
    data = table(id=[1, 2, 3, 4], industry=["a", "a", "b", "b"], x=[10.0, 30.0, 5.0, 15.0])
    evaluation = run(data, text)
    result = frame(evaluation)
    assert result.score.tolist() == pytest.approx([25, 75, 25, 75])
    line = explain(evaluation, 2).indicators[0]
    assert line.benchmark == pytest.approx(40)


def test_benchmark_ratio_reversed_for_lower_is_better():
    text = ("name: t\nentity: id\nnormalise: {method: benchmark_ratio}\n"
            "indicators: [{code: x, direction: -1, benchmark: {stat: median}}]\n")
    result = frame(run(table(id=[1, 2, 3], x=[1.0, 2.0, 4.0]), text))
    assert result.score.tolist() == pytest.approx([200, 100, 50])


def test_vector_normalisation():
    text = "name: t\nentity: id\nnormalise: {method: vector}\nindicators: [{code: x}]\n"
    result = frame(run(table(id=[1, 2], x=[3.0, 4.0]), text))
    assert result.score.tolist() == pytest.approx([0.6, 0.8])


TWO = """
name: t
entity: id
indicators:
  - {code: a, weight: 0.4}
  - {code: b, weight: 0.6}
normalise: {method: goalposts}
"""


def two(a, b, **extra):
    data = table(id=list(range(len(a))), a=a, b=b)
    text = TWO.replace("{code: a,", "{code: a, goalposts: [0, 100],").replace(
        "{code: b,", "{code: b, goalposts: [0, 100],")
    return run(data, text, **extra)


def test_arithmetic_re_normalises_weights_over_available_values():
    result = frame(two([80.0, 80.0], [None, 30.0]))
    assert result.score.tolist() == pytest.approx([80, 0.4 * 80 + 0.6 * 30])
    assert result.availability.tolist() == [0.5, 1.0]


def test_minimum_availability_withholds_the_score():
    result = frame(two([80.0, 80.0], [None, 30.0], aggregate={"min_availability": 0.75}))
    assert math.isnan(result.score[0]) and result.score[1] == pytest.approx(50)


def test_geometric_mean_and_zero():
    result = frame(two([100.0, 0.0], [25.0, 50.0], aggregate={"method": "geometric"}))
    assert result.score.tolist() == pytest.approx([100 ** 0.4 * 25 ** 0.6, 0])


def test_topsis_matches_a_hand_computation():
    a, b = np.array([7.0, 8.0, 9.0]), np.array([9.0, 7.0, 6.0])
    evaluation = run(table(id=[1, 2, 3], a=a, b=b),
                     "name: t\nentity: id\nnormalise: {method: vector}\n"
                     "aggregate: {method: topsis}\nindicators:\n"
                     "  - {code: a, weight: 0.5}\n  - {code: b, weight: 0.5, direction: -1}\n")
    v = np.column_stack([a / np.linalg.norm(a), b / np.linalg.norm(b)]) * 0.5
    best = np.array([v[:, 0].max(), v[:, 1].min()])
    worst = np.array([v[:, 0].min(), v[:, 1].max()])
    plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    assert frame(evaluation).score.tolist() == pytest.approx(100 * minus / (plus + minus))


def test_hierarchy_aggregates_pillars_then_the_index():
    text = """
    name: t
    entity: id
    normalise: {method: goalposts}
    aggregates:
      - {code: index}
      - {code: p1, parent: index, weight: 1}
      - {code: p2, parent: index, weight: 3}
    indicators:
      - {code: a, parent: p1, weight: 1, goalposts: [0, 100]}
      - {code: b, parent: p1, weight: 1, goalposts: [0, 100]}
      - {code: c, parent: p2, weight: 1, goalposts: [0, 100]}
    """
    evaluation = run(table(id=[1], a=[20.0], b=[40.0], c=[80.0]), text)
    result = frame(evaluation)
    assert result.p1[0] == pytest.approx(30) and result.p2[0] == pytest.approx(80)
    assert result.score[0] == pytest.approx(0.25 * 30 + 0.75 * 80)
    assert evaluation.weights == pytest.approx({"a": 0.125, "b": 0.125, "c": 0.75})


def test_winsorise_clips_to_the_quantiles():
    values = [float(v) for v in range(1, 101)]
    text = ("name: t\nentity: id\nnormalise: {method: goalposts}\n"
            "treat: {winsorise: {lower: 0.05, upper: 0.95}}\n"
            "indicators: [{code: x, goalposts: [0, 100]}]\n")
    result = frame(run(table(id=list(range(100)), x=values), text))
    assert result.score.min() == pytest.approx(np.quantile(values, 0.05))
    assert result.score.max() == pytest.approx(np.quantile(values, 0.95))


def test_imputation_by_group_mean():
    text = ("name: t\nentity: id\nnormalise: {method: goalposts}\n"
            "treat: {impute: {method: mean, by: [g]}}\n"
            "indicators: [{code: x, goalposts: [0, 100]}]\n")
    data = table(id=[1, 2, 3, 4], g=["a", "a", "a", "b"], x=[10.0, 30.0, None, 50.0])
    assert frame(run(data, text)).score.tolist() == pytest.approx([10, 30, 20, 50])


def test_fixed_weights_are_normalised_and_equal_ignores_them():
    evaluation = two([1.0], [2.0], weights={"method": "equal"})
    assert evaluation.weights == {"a": 0.5, "b": 0.5}
    evaluation = run(table(id=[1], a=[1.0], b=[2.0]),
                     TWO.replace("0.4", "2").replace("0.6", "6"), normalise={"method": "minmax"})
    assert evaluation.weights == pytest.approx({"a": 0.25, "b": 0.75})


def _matrix(evaluation, codes):
    result = evaluation.table.select(*[f"{c}__norm" for c in codes]).to_pandas()
    return result.to_numpy(float)


def test_entropy_weights_follow_the_definition():
    rng = np.random.default_rng(3)
    a, b, c = rng.uniform(1, 10, 30), rng.uniform(4, 5, 30), rng.gamma(1, 3, 30)
    data = table(id=list(range(30)), a=a, b=b, c=c)
    evaluation = run(data, "name: t\nentity: id\nweights: {method: entropy}\n"
                     "indicators: [{code: a}, {code: b}, {code: c}]\n")
    x = _matrix(evaluation, "abc")
    p = x / x.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = -np.nansum(np.where(p > 0, p * np.log(p), 0), axis=0) / np.log(len(x))
    expected = (1 - e) / (1 - e).sum()
    assert list(evaluation.weights.values()) == pytest.approx(expected)
    assert sum(evaluation.weights.values()) == pytest.approx(1)


def test_critic_weights_follow_the_definition():
    rng = np.random.default_rng(4)
    a = rng.uniform(0, 10, 40)
    data = table(id=list(range(40)), a=a, b=a * 0.5 + rng.normal(0, 1, 40),
                 c=rng.uniform(0, 10, 40))
    evaluation = run(data, "name: t\nentity: id\nweights: {method: critic}\n"
                     "indicators: [{code: a}, {code: b}, {code: c}]\n")
    x = _matrix(evaluation, "abc")
    info = x.std(axis=0) * (1 - np.corrcoef(x, rowvar=False)).sum(axis=1)
    assert list(evaluation.weights.values()) == pytest.approx(info / info.sum())


def test_pca_weights_from_the_correlation_matrix():
    rng = np.random.default_rng(5)
    base = rng.normal(size=50)
    data = table(id=list(range(50)), a=base + rng.normal(0, .1, 50),
                 b=base + rng.normal(0, .1, 50), c=rng.normal(size=50))
    evaluation = run(data, "name: t\nentity: id\nweights: {method: pca}\n"
                     "indicators: [{code: a}, {code: b}, {code: c}]\n")
    values, vectors = np.linalg.eigh(np.corrcoef(_matrix(evaluation, "abc"), rowvar=False))
    keep = values >= 1
    expected = (vectors[:, keep] ** 2 * (values[keep] / values[keep].sum())).sum(axis=1)
    assert list(evaluation.weights.values()) == pytest.approx(expected / expected.sum())


def test_ahp_eigenvalue_matches_the_closed_form_for_three_criteria():
    """For a 3×3 reciprocal matrix λmax = 1 + (a₁₂a₂₃/a₁₃)^⅓ + (a₁₃/(a₁₂a₂₃))^⅓."""
    result = weighting.ahp([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    ratio = 3 * 3 / 5
    assert result.lambda_max == pytest.approx(1 + ratio ** (1 / 3) + ratio ** (-1 / 3))
    assert result.consistency_ratio == pytest.approx((result.lambda_max - 3) / 2 / 0.58)
    # Saaty's 3-criteria example: weights ≈ 0.637, 0.258, 0.105; CR ≈ 0.033.
    assert result.weights == pytest.approx([0.637, 0.258, 0.105], abs=1e-3)
    assert result.consistency_ratio == pytest.approx(0.033, abs=1e-3)
    consistent = weighting.ahp([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
    assert consistent.weights == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert consistent.consistency_ratio == pytest.approx(0, abs=1e-9)


AHP = """
name: t
entity: id
weights:
  method: ahp
  matrix: {index: %s}
indicators: [{code: a}, {code: b}, {code: c}]
"""


def test_ahp_in_a_spec_refuses_inconsistent_judgements_unless_overridden():
    data = table(id=[1, 2], a=[1.0, 2.0], b=[2.0, 1.0], c=[1.0, 3.0])
    bad = "[[1, 9, 0.1111111111], [0.1111111111, 1, 9], [9, 0.1111111111, 1]]"
    with pytest.raises(EngineError, match=r"inconsistent \(CR = "):
        run(data, AHP % bad)
    evaluation = run(data, AHP % bad, weights={"method": "ahp", "allow_inconsistent": True,
                                               "matrix": {"index": [[1, 9, 1 / 9], [1 / 9, 1, 9],
                                                                    [9, 1 / 9, 1]]}})
    assert evaluation.methods()["ahp_consistency_ratio"]["index"] > 0.1
    good = run(data, AHP % "[[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]]")
    assert list(good.weights.values()) == pytest.approx([4 / 7, 2 / 7, 1 / 7])


def test_ahp_matrix_must_fit_the_members():
    data = table(id=[1], a=[1.0], b=[2.0], c=[1.0])
    with pytest.raises(EngineError, match="3 members"):
        run(data, AHP % "[[1, 2], [0.5, 1]]")
    with pytest.raises(EngineError, match="reciprocal"):
        run(data, AHP % "[[1, 2, 2], [2, 1, 2], [0.5, 0.5, 1]]")


QUOTA = """
name: t
entity: id
groups: [g]
indicators: [{code: x}]
classes:
  method: quota
  within: [g]
  levels: [{name: A, top: 0.2}, {name: B, top: 0.6}, {name: C}, {name: D, bottom: 0.05}]
"""


def test_quota_counts_and_ties_by_key():
    data = table(id=[f"e{i:02d}" for i in range(10)], g="x",
                 x=[9.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0])
    result = frame(run(data, QUOTA)).sort_values("id")
    assert result["class"].tolist() == ["A", "A", "B", "B", "B", "B", "C", "C", "C", "D"]
    assert result["rank"].tolist() == [1, 1, 3, 4, 5, 6, 7, 8, 9, 10]
    tie = table(id=["b", "a", "c", "d", "e"], g="x", x=[1.0, 1.0, 1.0, 1.0, 1.0])
    tied = frame(run(tie, QUOTA)).set_index("id")["class"]
    assert tied["a"] == "A" and tied["b"] == "B" and tied["e"] == "D"


def test_quota_is_applied_within_each_group_separately():
    data = table(id=list(range(15)), g=["x"] * 10 + ["y"] * 5, x=[float(i) for i in range(15)])
    result = frame(run(data, QUOTA))
    per_group = result.groupby(["g", "class"]).size().to_dict()
    assert per_group[("x", "A")] == 2 and per_group[("y", "A")] == 1
    assert per_group[("x", "D")] == 1 and per_group[("y", "D")] == 1
    assert result.set_index("id").rank_in_group[14] == 1


def test_threshold_and_count_classes():
    text = ("name: t\nentity: id\nnormalise: {method: goalposts}\n"
            "indicators: [{code: x, goalposts: [0, 100]}]\n"
            "classes: {method: threshold, levels: [{name: 优, min_score: 80}, "
            "{name: 良, min_score: 60}, {name: 差}]}\n")
    result = frame(run(table(id=[1, 2, 3], x=[85.0, 60.0, 10.0]), text))
    assert result["class"].tolist() == ["优", "良", "差"]
    stars = ("name: t\nentity: id\nindicators: [{code: x}]\n"
             "classes:\n  method: count\n  criteria:\n"
             "    - {name: tax, when: x >= 10}\n    - {name: rd, when: rd >= 0.03}\n"
             "    - {name: patents, when: patents > 0}\n"
             "  levels: [{name: 三星, min_met: 3}, {name: 二星, min_met: 2}, "
             "{name: 一星, min_met: 1}, {name: 无星}]\n")
    data = table(id=[1, 2, 3, 4], x=[12.0, 12.0, 1.0, 1.0], rd=[0.05, 0.01, 0.04, None],
                 patents=[2, 1, 0, 0])
    assert frame(run(data, stars))["class"].tolist() == ["三星", "二星", "一星", "无星"]


GATES = QUOTA + """
gates:
  - {when: accident == 1, then: {max_class: C}, reason: 发生重大安全环保事故}
  - {when: new == 1, then: {min_class: C}, reason: 新建企业不评D}
  - {when: polluter == 1, then: {class: D}, reason: 超标排放}
  - {when: building == 1, then: {exclude: true}, reason: 在建项目}
"""


def test_gates_cap_floor_force_and_exclude():
    data = table(id=list(range(10)), g="x", x=[float(v) for v in range(10, 0, -1)],
                 accident=[1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                 new=[0, 0, 0, 0, 0, 0, 0, 0, 1, 0],
                 polluter=[0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
                 building=[0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    evaluation = run(data, GATES)
    result = frame(evaluation).set_index("id")
    # Nine evaluated: A = floor(1.8) = 1, B up to floor(5.4) = 5, D = ceil(0.45) = 1. The
    # worst (8) is a new firm that may not be D, so D goes to the next worst (7).
    assert result["class"].tolist() == ["C", "B", "D", "B", "B", "C", "C", "D", "C", "T"]
    assert math.isnan(result.score[9])
    # The excluded entity does not shift the minimum: the worst evaluated scores 0.
    assert result.score[8] == pytest.approx(0)
    why = explain(evaluation, 0)
    assert why.gates[0].triggered and not why.gates[1].triggered
    assert "发生重大安全环保事故" in why.class_rule
    assert "在建项目" in explain(evaluation, 9).class_rule
    assert evaluation.counts()["classes"]["T"] == 1


def test_explanation_contributions_add_up_with_missing_values():
    text = """
    name: t
    entity: id
    aggregates: [{code: index}, {code: p, parent: index, weight: 2}, {code: q, parent: index}]
    indicators:
      - {code: a, parent: p, weight: 1}
      - {code: b, parent: p, weight: 3}
      - {code: c, parent: q, weight: 1}
    """
    data = table(id=[1, 2, 3], a=[1.0, 5.0, 3.0], b=[None, 2.0, 8.0], c=[4.0, 1.0, None])
    evaluation = run(data, text)
    for key in (1, 2, 3):
        why = explain(evaluation, key)
        total = sum(line.contribution or 0 for line in why.indicators)
        assert total == pytest.approx(why.score)
        assert sum(line.effective_weight for line in why.indicators) == pytest.approx(1)


def test_streaks_levels_and_surcharges_across_years():
    text = QUOTA + """
period: year
streaks:
  - name: d_years
    when: class == 'D'
    status: [{min: 1, label: 黄牌}, {min: 3, label: 退出}]
consequences:
  - {name: electricity_surcharge, unit: 元, per: kwh, level: d_years,
     rates: {D: [0.05, 0.10, 0.15]}}
trends: [score]
"""
    years = [2019, 2020, 2021, 2022]
    rows = {"id": [], "year": [], "g": [], "x": [], "kwh": []}
    for year in years:
        for entity in range(10):
            value = float(entity) if entity != 0 or year != 2020 else 50.0
            rows["id"].append(entity)
            rows["year"].append(year)
            rows["g"].append("x")
            rows["x"].append(value)
            rows["kwh"].append(1000.0)
        # Alone in its unit, entity 99 is in the bottom 5% (rounded up) every year.
        for key, value in (("id", 99), ("year", year), ("g", "y"), ("x", 1.0), ("kwh", 1000.0)):
            rows[key].append(value)
    evaluation = run(table(**rows), text)
    result = frame(evaluation)
    firm = result[result.id == 0].sort_values("year")
    assert firm["class"].tolist() == ["D", "A", "D", "D"]
    assert firm.d_years.tolist() == [1, 0, 1, 2]
    assert firm.d_years_status.fillna("").tolist() == ["黄牌", "", "黄牌", "黄牌"]
    assert firm.electricity_surcharge.tolist() == pytest.approx([50, 0, 50, 100])
    alone = result[result.id == 99].sort_values("year")
    assert alone.d_years.tolist() == [1, 2, 3, 4]
    assert alone.electricity_surcharge.tolist() == pytest.approx([50, 100, 150, 150])
    assert alone.d_years_status.tolist() == ["黄牌", "黄牌", "退出", "退出"]
    matrix = transitions(evaluation)
    assert matrix["D"]["A"] == 1 and matrix["A"]["D"] == 1 and matrix["D"]["D"] >= 4
    assert sum(sum(row.values()) for row in matrix.values()) == 33
    growth = cagr(evaluation).to_pandas().set_index("id")
    top = growth.loc[9]
    assert top.score_cagr == pytest.approx(0)
    assert growth.loc[2].score_first > 0


def test_a_missing_year_breaks_a_streak():
    text = ("name: t\nentity: id\nperiod: year\nindicators: [{code: x}]\n"
            "streaks: [{name: low_years, when: x < 5}]\n")
    data = table(id=[1, 1, 1, 1, 2, 2], year=[2019, 2021, 2022, 2023, 2019, 2020],
                 x=[1.0, 1.0, 1.0, 9.0, 1.0, 1.0])
    result = frame(run(data, text)).sort_values(["id", "year"])
    assert result.low_years.tolist() == [1, 1, 2, 0, 1, 2]


def test_bottom_ranks_in_a_row_warn_then_exit():
    """赛马: the bottom two of each unit, two years running → warning, three → exit."""
    text = """
name: race
entity: id
period: year
groups: [g]
indicators: [{code: x}]
streaks:
  - name: bottom_years
    when: rank_in_group > count(score, by=g) - 2
    status: [{min: 2, label: 黄牌警告}, {min: 3, label: 退出}]
"""
    rows = {"id": [], "year": [], "g": [], "x": []}
    for year in (2019, 2020, 2021):
        for entity in range(5):
            rows["id"].append(entity)
            rows["year"].append(year)
            rows["g"].append("x")
            # Entity 4 is last every year; entity 3 is second to last only in 2019–2020.
            rows["x"].append({4: 0.0, 3: 1.0 if year < 2021 else 9.0}.get(entity, 5.0 + entity))
    result = frame(run(table(**rows), text))
    last = result[result.id == 4].sort_values("year")
    assert last.bottom_years.tolist() == [1, 2, 3]
    assert last.bottom_years_status.fillna("").tolist() == ["", "黄牌警告", "退出"]
    recovered = result[result.id == 3].sort_values("year")
    assert recovered.bottom_years.tolist() == [1, 2, 0]


def test_cagr_formula():
    text = "name: t\nentity: id\nperiod: year\nindicators: [{code: x}]\ntrends: [x]\n"
    data = table(id=[1, 1, 1], year=[2019, 2020, 2021], x=[100.0, 150.0, 121.0])
    growth = cagr(run(data, text)).to_pandas()
    assert growth.x_cagr[0] == pytest.approx(0.1)


def test_reward_pool_by_score_share_with_cap_and_by_tiers():
    text = """
    name: t
    entity: id
    normalise: {method: goalposts}
    indicators: [{code: x, goalposts: [0, 100]}]
    consequences:
      - {name: reward, unit: 万元, kind: pool, pool: 1000, cap: 450, eligible: x >= 20}
      - {name: prize, unit: 万元, kind: pool, split: rank_tiers,
         tiers: [{top: 1, amount: 300}, {top: 3, amount: 100}]}
    """
    data = table(id=[1, 2, 3, 4, 5], x=[80.0, 60.0, 40.0, 20.0, 10.0])
    result = frame(run(data, text)).set_index("id")
    # 80/200 of 1000 = 400; shares 400, 300, 200, 100 — no cap binds.
    assert result.reward.tolist() == pytest.approx([400, 300, 200, 100, 0])
    assert result.prize.tolist() == pytest.approx([300, 100, 100, 0, 0])
    capped = frame(run(data, text.replace("cap: 450", "cap: 350"))).set_index("id")
    # 400 is capped at 350; the 50 left goes to the others by share (300:200:100).
    # Shares are paid to the cent of a 万元 and still add up to the fund exactly.
    assert capped.reward.tolist() == [350, 325, 216.67, 108.33, 0]
    assert round(capped.reward.sum() * 100) == 100_000
