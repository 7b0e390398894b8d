"""The shipped policy library: real clauses cite their sources, the library covers every chain
link on both sides, each file's own example enterprises pass, and the published schema is
current."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import acupoint.specs
from acupoint.engine.policy import (
    CHAIN_LINKS,
    SIDES,
    load_library,
    policy_schema_text,
    shipped_dir,
)
from acupoint.engine.policy_tests import run_policy_tests

LIBRARY = load_library()
OUTCOMES = run_policy_tests(LIBRARY)
REAL = ("qd-nev-2019", "qd-nev-2022", "sd-price-2022")


def test_the_library_has_fifty_clauses_across_every_chain_link_and_side():
    clauses = LIBRARY.clauses()
    assert len(clauses) >= 50
    cells = Counter((clause.chain, clause.side) for _, clause in clauses)
    assert {chain for chain, _ in cells} == set(CHAIN_LINKS)
    assert {side for _, side in cells} == set(SIDES)
    assert not LIBRARY.warnings


def test_the_real_policies_are_shipped_and_every_real_clause_cites_its_source():
    ids = {policy.policy.id for policy in LIBRARY.policies}
    assert set(REAL) <= ids
    for policy, clause in LIBRARY.clauses():
        if policy.is_illustrative(clause):
            assert "示例" in policy.policy.title
            continue
        assert clause.source or policy.policy.source, policy.key(clause)
        assert clause.article and clause.wording, policy.key(clause)
        assert policy.policy.number, policy.policy.id


def _policy(policy_id: str):
    return next(item for item in LIBRARY.policies if item.policy.id == policy_id)


def test_the_2022_policy_is_the_published_document():
    info = _policy("qd-nev-2022").policy
    assert info.title == "青岛市加快新能源汽车产业高质量发展若干政策措施"
    assert info.number == "青政办字〔2022〕77号"
    assert str(info.published) == "2022-12-29"
    articles = {clause.id: clause.article for clause in _policy("qd-nev-2022").clauses}
    assert articles == {"vehicle-sales-growth": "一、（一）", "key-components": "二、（二）",
                        "other-parts": "二、（三）", "fcev-sales-growth": "三、（四）",
                        "h2-refuelling": "三、（五）"}


def test_the_2022_amounts_follow_the_document():
    import datetime as dt

    policy = _policy("qd-nev-2022")
    day = dt.date(2023, 6, 1)
    assert policy.parameters["vehicle_growth_rate"].at(day) == 0.005
    assert policy.parameters["fcev_growth_rate"].at(day) == 0.01
    assert policy.parameters["h2_subsidy_2023"].at(day) == 20
    assert policy.parameters["h2_subsidy_2024"].at(day) == 15
    clauses = {clause.id: clause for clause in policy.clauses}
    caps = {key: (clause.benefit.cap, clause.benefit.cap_over) for key, clause in clauses.items()}
    assert caps["vehicle-sales-growth"] == (5000, "policy_period")
    assert caps["fcev-sales-growth"] == (5000, "policy_period")
    assert caps["key-components"] == (1000, "claim") and caps["other-parts"] == (300, "claim")
    growth = clauses["vehicle-sales-growth"].period
    assert (growth.start, growth.end) == (2022, 2024)
    for key in ("key-components", "other-parts"):
        conditions = " and ".join(item.when for item in clauses[key].conditions)
        assert "founded >= '2022-01-01'" in conditions
        assert "fixed_asset_investment >= 1000" in conditions


def test_the_2019_vehicle_reward_is_for_new_approved_projects_under_3_billion():
    policy = _policy("qd-nev-2019")
    assert all(clause.article.startswith(("一、", "加氢", "燃料")) for clause in policy.clauses)
    reward = next(clause for clause in policy.clauses if clause.id == "passenger-car-approval")
    conditions = {item.when for item in reward.conditions}
    assert {"project_investment < 300000", "nev_project_newly_filed",
            "nev_passenger_approval"} <= conditions


def test_every_policy_carries_its_own_tests():
    tested = Counter(outcome.policy for outcome in OUTCOMES)
    for policy in LIBRARY.policies:
        assert tested[policy.policy.id] >= 3, policy.policy.id
    statuses = {outcome.message for outcome in OUTCOMES}
    assert statuses


@pytest.mark.parametrize("outcome", OUTCOMES,
                         ids=[f"{item.policy}:{item.test}:{item.clause}" for item in OUTCOMES])
def test_shipped_policy_examples(outcome):
    assert outcome.passed, outcome.message


def test_a_failing_example_is_reported(tmp_path):
    source = (shipped_dir() / "qingdao_nev_2022.yaml").read_text(encoding="utf-8")
    broken = source.replace("key-components: {status: eligible, amount: 400}",
                            "key-components: {status: eligible, amount: 401}", 1)
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    failures = [item for item in run_policy_tests(load_library([path])) if not item.passed]
    assert len(failures) == 1 and "expected amount 401" in failures[0].message


def test_the_published_schema_is_current():
    path = Path(acupoint.specs.__file__).parent / "policy.schema.json"
    assert path.read_text(encoding="utf-8") == policy_schema_text()
    schema = json.loads(policy_schema_text())
    assert "clauses" in schema["properties"]
