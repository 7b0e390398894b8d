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
        assert clause.article and clause.text, policy.key(clause)
        assert policy.policy.number, policy.policy.id


def test_the_2022_hydrogen_subsidy_follows_the_published_dates():
    import datetime as dt

    policy = next(item for item in LIBRARY.policies if item.policy.id == "qd-nev-2022")
    h2 = policy.parameters["h2_subsidy"]
    assert h2.at(dt.date(2023, 6, 1)) == 20 and h2.at(dt.date(2024, 6, 1)) == 15
    assert h2.at(dt.date(2025, 6, 1)) is None
    caps = {clause.id: clause.benefit.cap for clause in policy.clauses}
    assert caps["vehicle-sales-growth"] == 5000 and caps["key-components"] == 1000
    assert caps["other-parts"] == 300 and caps["fcev-sales-growth"] == 5000


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
                            "key-components: {status: eligible, amount: 401}")
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    failures = [item for item in run_policy_tests(load_library([path])) if not item.passed]
    assert len(failures) == 1 and "expected amount 401" in failures[0].message


def test_the_published_schema_is_current():
    path = Path(acupoint.specs.__file__).parent / "policy.schema.json"
    assert path.read_text(encoding="utf-8") == policy_schema_text()
    schema = json.loads(policy_schema_text())
    assert "clauses" in schema["properties"]
