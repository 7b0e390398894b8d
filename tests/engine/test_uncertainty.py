"""Monte Carlo rank intervals and Sobol indices: exact where they must be, seeded, correct."""

from __future__ import annotations

import numpy as np
import pytest

from acupoint.engine.scorecard import EngineError
from acupoint.engine.uncertainty import analyse, ranks_of, sobol_indices
from tests.engine.helpers import frame, run, table

SPEC = """
name: u
entity: id
groups: [g]
indicators:
  - {code: a, weight: 0.5}
  - {code: b, weight: 0.3}
  - {code: c, weight: 0.2, direction: -1}
classes:
  within: [g]
  levels: [{name: A, top: 0.2}, {name: B, top: 0.6}, {name: C}, {name: D, bottom: 0.05}]
"""


@pytest.fixture(scope="module")
def evaluation():
    rng = np.random.default_rng(11)
    size = 300
    return run(table(id=list(range(size)), g=rng.choice(["x", "y", "z"], size).tolist(),
                     a=rng.gamma(2, 5, size), b=rng.normal(50, 10, size),
                     c=rng.uniform(0, 1, size)), SPEC)


def test_without_any_variation_every_draw_is_the_nominal(evaluation):
    result = analyse(evaluation, draws=50, weight_noise=0.0, normalisations=["nominal"],
                     aggregations=["arithmetic"])
    nominal = frame(evaluation).sort_values("id")
    assert (result.rank_low == nominal["rank"].to_numpy()).all()
    assert (result.rank_high == nominal["rank"].to_numpy()).all()
    assert (result.class_kept == 1).all()


def test_same_seed_same_result_and_intervals_contain_the_median(evaluation):
    first = analyse(evaluation, draws=200, seed=7)
    second = analyse(evaluation, draws=200, seed=7)
    assert (first.rank_low == second.rank_low).all()
    assert np.array_equal(first.class_kept, second.class_kept)
    assert (first.rank_low <= first.rank_median).all()
    assert (first.rank_median <= first.rank_high).all()
    assert ((first.class_kept >= 0) & (first.class_kept <= 1)).all()
    assert first.class_kept.mean() < 1  # real variation moves some entities
    assert first.for_entity(0)["rank_interval_90"][0] == first.rank_low[0]


def test_dirichlet_weights_and_the_thread_pool_give_the_same_answer(evaluation):
    one = analyse(evaluation, draws=130, seed=3, dirichlet=50, workers=1)
    two = analyse(evaluation, draws=130, seed=3, dirichlet=50, workers=2)
    assert (one.rank_low == two.rank_low).all() and (one.rank_high == two.rank_high).all()


def test_ranks_of_breaks_ties_by_position():
    scores = np.array([[3.0], [5.0], [3.0], [1.0]])
    assert ranks_of(scores)[:, 0].tolist() == [2, 1, 3, 4]


def test_sobol_indices_of_the_ishigami_function():
    """Ishigami (a = 7, b = 0.1): S = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437
    (Saltelli et al., Global Sensitivity Analysis: The Primer, 2008, §4.8)."""

    def ishigami(u):
        x = -np.pi + 2 * np.pi * u
        return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])

    first, total = sobol_indices(ishigami, [[0], [1], [2]], 3, samples=100_000, seed=1)
    assert first == pytest.approx([0.3139, 0.4424, 0.0], abs=0.02)
    assert total == pytest.approx([0.5576, 0.4424, 0.2437], abs=0.02)


def test_sensitivity_names_the_assumption_that_matters(evaluation):
    result = analyse(evaluation, draws=20, seed=1, sensitivity_samples=64,
                     normalisations=["nominal"], aggregations=["arithmetic", "geometric"])
    sensitivity = result.sensitivity
    assert set(sensitivity) == {"weights", "normalisation", "aggregation"}
    assert sensitivity["normalisation"]["total_order"] == pytest.approx(0, abs=1e-12)
    assert sensitivity["weights"]["total_order"] > 0


def test_one_period_at_a_time():
    text = SPEC.replace("entity: id", "entity: id\nperiod: year")
    two_years = run(table(id=[1, 1, 2, 2], year=[2020, 2021, 2020, 2021], g="x",
                          a=[1.0, 2.0, 3.0, 4.0], b=[1.0, 2.0, 3.0, 4.0],
                          c=[1.0, 2.0, 3.0, 4.0]), text)
    with pytest.raises(EngineError, match="one period at a time"):
        analyse(two_years, draws=10)


GATED = SPEC + """
gates:
  - {name: new, when: new == 1, then: {min_class: C}, reason: new firms are never D}
  - {name: veto, when: veto == 1, then: {max_class: C}, reason: an accident bars A and B}
"""


def test_protections_and_vetoes_hold_in_every_draw():
    """Without variation each draw is the nominal evaluation, gates included: the bottom share
    is filled around protected firms and vetoed firms are capped, so every class is kept."""
    rng = np.random.default_rng(5)
    size = 400
    a = rng.gamma(2, 5, size)
    worst = np.argsort(a)[:40]  # many of the worst are new firms, many of the best vetoed
    new = np.zeros(size, int)
    new[worst[::2]] = 1
    veto = np.zeros(size, int)
    veto[np.argsort(-a)[:30:2]] = 1
    evaluation = run(table(id=list(range(size)), g=rng.choice(["x", "y"], size).tolist(), a=a,
                           b=rng.normal(50, 1, size), c=rng.uniform(0, 0.01, size),
                           new=new.tolist(), veto=veto.tolist()), GATED)
    classes = frame(evaluation).set_index("id")["class"]
    assert (classes[new == 1] != "D").all() and set(classes[veto == 1]) <= {"C", "D"}
    result = analyse(evaluation, draws=20, weight_noise=0.0, normalisations=["nominal"],
                     aggregations=["arithmetic"])
    assert (result.class_kept == 1).all()
