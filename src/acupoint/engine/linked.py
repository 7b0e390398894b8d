"""Scorecard consequences linked to a published policy clause.

A differentiated price is written once, in the policy file that publishes it
(``shandong_differentiated_price_2022.yaml``). A triage spec names the clause instead of
repeating its rates and conditions; when the spec is read, the clause's conditions and amount
are written into the consequence as formulas over the scorecard's columns, with the
parameters' values in force on the policy's first day. A run stores the inlined spec, so it
stays reproducible whatever later happens to the policy file.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

from acupoint.engine.expr import parse
from acupoint.engine.policy import Clause, Library, Policy, conditions_of, load_library
from acupoint.engine.spec import SpecError, SpecProblem, nearest_line
from acupoint.engine.units import UnitError, factor


def inline_consequences(data: dict[str, Any], source: str,
                        lines: Mapping[tuple, int]) -> dict[str, Any]:
    consequences = data.get("consequences")
    if not isinstance(consequences, list) or not any(_pending(item) for item in consequences):
        return data
    library = load_library()
    inlined, problems = [], []
    for index, item in enumerate(consequences):
        if _pending(item):
            try:
                item = {**item, **clause_formulas(library, item)}
            except (KeyError, UnitError) as error:
                path = ("consequences", index, "clause")
                problems.append(SpecProblem(source, nearest_line(lines, path),
                                            ".".join(map(str, path)), str(error).strip("'\"")))
        inlined.append(item)
    if problems:
        raise SpecError(problems)
    return {**data, "consequences": inlined}


def _pending(item: Any) -> bool:
    return isinstance(item, dict) and bool(item.get("clause")) and not item.get("amount")


def find_clause(library: Library, key: str) -> tuple[Policy, Clause]:
    policy_id, _, clause_id = key.partition("/")
    for policy, clause in library.clauses():
        if policy.policy.id == policy_id and clause.id == clause_id:
            return policy, clause
    raise KeyError(f"no clause '{key}' in the shipped policies")


def clause_formulas(library: Library, item: Mapping[str, Any]) -> dict[str, Any]:
    """``kind``, ``when``, ``amount`` and ``source`` of a consequence linked to a clause."""
    policy, clause = find_clause(library, str(item["clause"]))
    day = policy.policy.valid_from or policy.policy.published
    values = {name: parameter.at(day) for name, parameter in policy.parameters.items()}
    names = {**{name: value for name, value in values.items() if value is not None},
             **dict(item.get("inputs") or {})}
    when = " and ".join(f"({_rewrite(condition.when, names)})"
                        for condition in conditions_of(clause))
    benefit = clause.benefit
    amount = "None"
    if benefit.formula:
        amount = _rewrite(benefit.formula, names)
    for tier in reversed(benefit.tiers):
        amount = (f"if_({_rewrite(tier.when, names)}, {_rewrite(tier.amount, names)}, "
                  f"{amount})")
    if benefit.cap is not None:
        amount = f"min({amount}, {benefit.cap:g})"
    scale = factor(benefit.unit, str(item["unit"]))
    sign = -1 if item.get("payable") else 1
    return {"kind": "clause", "when": when, "amount": f"{sign * scale:g} * ({amount})",
            "source": f"{policy.policy.number} {clause.article}".strip()}


class _Rename(ast.NodeTransformer):
    def __init__(self, names: Mapping[str, Any]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id not in self.names:
            return node
        value = self.names[node.id]
        return ast.Name(value) if isinstance(value, str) else ast.Constant(value)


def _rewrite(formula: str, names: Mapping[str, Any]) -> str:
    """The formula with the clause's variables as scorecard columns and its parameters as
    the values they had."""
    tree = ast.parse(parse(formula).source, mode="eval")  # a fresh tree: parsed ones are shared
    return ast.unparse(_Rename(names).visit(tree))
