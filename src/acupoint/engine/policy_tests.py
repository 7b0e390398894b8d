"""Policy files' own tests (as OpenFisca's YAML tests): example enterprises with the status,
amount and near miss the file expects. Each example is matched twice, by the vectorised
matching and by the one-row explanation, and both must give what the file says."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis

from acupoint.engine.policy import Expectation, Library, Policy
from acupoint.engine.policy_explain import Explainer, Explanation
from acupoint.engine.rules import ENTITY, Matcher, profile_table

AMOUNT_TOLERANCE = 0.005


@dataclass(frozen=True)
class TestOutcome:
    policy: str
    test: str
    clause: str
    passed: bool
    message: str


def run_policy_tests(library: Library, names: Sequence[str] = ()) -> list[TestOutcome]:
    outcomes = []
    for policy in library.policies:
        if names and policy.policy.id not in names:
            continue
        only = Library([policy], library.catalogue)
        for number, test in enumerate(policy.tests):
            day = test.date or policy.policy.valid_from or policy.policy.published
            matcher = Matcher(only, day)
            profile = {**test.enterprise, ENTITY: f"test-{number}"}
            explained = {item.clause.id: item for item in Explainer(matcher).explain(profile)}
            table = ibis.memtable(profile_table([profile], library.catalogue))
            vectorised = {row["clause"]: row
                          for row in matcher.matches(table, keep="all").to_pylist()}
            for clause_id, expected in test.expect.items():
                outcomes.append(_compare(policy, test.name, clause_id, expected,
                                         explained.get(clause_id), vectorised.get(clause_id)))
    return outcomes


def _compare(policy: Policy, test: str, clause_id: str, expected: Expectation,
             got: Explanation | None, row: dict | None) -> TestOutcome:
    def outcome(passed: bool, message: str) -> TestOutcome:
        return TestOutcome(policy.policy.id, test, clause_id, passed, message)

    if got is None or row is None:
        return outcome(expected.status == "not_in_force",
                       "ok" if expected.status == "not_in_force"
                       else "the clause is not in force on the test's date")
    if expected.status == "not_in_force":
        return outcome(False, f"expected the clause not in force, but it is ({got.status})")
    if got.status != expected.status:
        reasons = "; ".join(f"{item.label}: {item.outcome}" for item in got.conditions
                            if item.outcome != "met")
        return outcome(False, f"expected {expected.status}, got {got.status}"
                       + (f" ({reasons})" if reasons else ""))
    if expected.amount is not None and (
            got.amount is None or abs(got.amount - expected.amount) > AMOUNT_TOLERANCE):
        return outcome(False, f"expected amount {expected.amount}, got {got.amount} "
                       f"({got.arithmetic})")
    if expected.near_miss is not None and got.near_miss != expected.near_miss:
        return outcome(False, f"expected near_miss {expected.near_miss}, got {got.near_miss}")
    disagreement = _disagreement(got, row)
    if disagreement:
        return outcome(False, f"the vectorised matching disagrees: {disagreement}")
    return outcome(True, "ok")


def _disagreement(got: Explanation, row: dict) -> str:
    if row["status"] != got.status:
        return f"status {row['status']} against {got.status}"
    if row["near_miss"] != got.near_miss:
        return f"near_miss {row['near_miss']} against {got.near_miss}"
    if (row["amount"] is None) != (got.amount is None) or (
            got.amount is not None and abs(row["amount"] - got.amount) > AMOUNT_TOLERANCE):
        return f"amount {row['amount']} against {got.amount}"
    return ""

