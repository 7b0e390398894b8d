"""Why an enterprise qualifies for a clause, or what it lacks: each condition with the
enterprise's value, the operator, the threshold and the outcome; the amount's arithmetic; the
gap of a near miss ("研发投入强度 2.7%，需 ≥ 3%"); the data still to supply.

One enterprise is evaluated in plain Python (:mod:`acupoint.engine.rowwise`) with the same
semantics as the vectorised matching, in about a millisecond for the whole library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from acupoint.engine.expr import parse
from acupoint.engine.policy import (
    ALREADY_GRANTED,
    Benefit,
    Catalogue,
    Clause,
    Library,
    Parameter,
    Policy,
    clause_placeholders,
    granted_column,
)
from acupoint.engine.provenance import Mark
from acupoint.engine.rowwise import Compiled, compile_row
from acupoint.engine.rules import (
    ELIGIBLE,
    INELIGIBLE,
    UNKNOWN,
    ClausePlan,
    Matcher,
    coerce,
    near_band,
)
from acupoint.engine.wording import CHINESE, Term, Words, in_words, number


@dataclass(frozen=True)
class ConditionOutcome:
    label: str
    formula: str
    outcome: str  # met / failed / unknown
    value: float | None = None
    op: str = ""
    threshold: float | None = None
    left: str = ""
    unit: str = ""
    needs: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """``2.8% ≥ 3%``: both sides of a comparison in the left side's unit."""
        if not self.op:
            return ""
        return (f"{format_value(self.value, self.unit)} {self.op} "
                f"{format_value(self.threshold, self.unit)}")


@dataclass(frozen=True)
class Explanation:
    key: str
    policy: Policy
    clause: Clause
    status: str
    amount: float | None
    near_miss: bool
    conditions: list[ConditionOutcome]
    arithmetic: str
    parameters: dict[str, float | None]
    # Local values the bureau sets (待定参数) that this clause's outcome rests on.
    placeholders: tuple[Mark, ...] = ()

    @property
    def failed(self) -> list[ConditionOutcome]:
        return [item for item in self.conditions if item.outcome == "failed"]

    @property
    def needs(self) -> list[str]:
        return sorted({name for item in self.conditions for name in item.needs})

    @property
    def failed_mask(self) -> int:
        return sum(1 << index for index, item in enumerate(self.conditions)
                   if item.outcome == "failed")

    @property
    def unknown_mask(self) -> int:
        return sum(1 << index for index, item in enumerate(self.conditions)
                   if item.outcome == "unknown")


@dataclass(frozen=True)
class _CompiledPlan:
    plan: ClausePlan
    conditions: list[Compiled]
    sides: list[tuple[Compiled, Compiled] | None]
    tiers: list[tuple[Compiled, Compiled]]
    formula: Compiled | None
    names: list[list[str]]  # the catalogue variables each condition reads


class Explainer:
    """A matcher's clauses compiled once for one-row evaluation (pages, the API, tests)."""

    def __init__(self, matcher: Matcher, words: Words = CHINESE) -> None:
        self.matcher = matcher
        self.words = words
        self.catalogue = matcher.library.catalogue
        self._terms_by_policy: dict[str, dict[str, Term]] = {}
        self._marks_by_policy: dict[str, dict[str, list[Mark]]] = {}

    @cached_property
    def _derived(self) -> list[tuple[str, Compiled]]:
        return [(name, compile_row(variable.formula))
                for name, variable in self.catalogue.variables.items() if variable.formula]

    @cached_property
    def _compiled(self) -> list[_CompiledPlan]:
        compiled = []
        for plan in self.matcher.plans:
            def build(source: str, plan: ClausePlan = plan) -> Compiled:
                return compile_row(source, plan.params)

            benefit = plan.clause.benefit
            compiled.append(_CompiledPlan(
                plan, [build(item.when) for item in plan.conditions],
                [(build(item.left), build(item.right)) if item else None
                 for item in plan.comparisons],
                [(build(tier.when), build(tier.amount)) for tier in benefit.tiers],
                build(benefit.formula) if benefit.formula else None,
                [sorted(parse(item.when).names & set(self.catalogue.variables))
                 for item in plan.conditions]))
        return compiled

    def profile_row(self, profile: Mapping[str, Any]) -> dict[str, Any]:
        """The profile typed by the catalogue, with the derived variables computed (and what
        each clause already granted, kept under its own name)."""
        row = {name: coerce(_or_default(profile.get(name), variable.default), variable.kind)
               for name, variable in self.catalogue.variables.items() if not variable.formula}
        row.update({name: coerce(value, "number") for name, value in profile.items()
                    if name.startswith(f"{ALREADY_GRANTED}:") and value is not None})
        for name, formula in self._derived:
            value = formula(row)
            row[name] = None if value is None else float(value)
        return row

    def explain(self, profile: Mapping[str, Any],
                relevant_only: bool = False) -> list[Explanation]:
        """Every clause in force explained; with ``relevant_only``, the plain failures (one
        condition failed, not narrowly) are skipped before they are explained."""
        row = self.profile_row(profile)
        return [self._explain_one(item, row) for item in self._compiled
                if not relevant_only or self._may_matter(item, row)]

    def _may_matter(self, compiled: _CompiledPlan, row: dict[str, Any]) -> bool:
        """False only for a clause failed by a condition that is not close to its bar."""
        for index, condition in enumerate(compiled.conditions):
            outcome = condition(row)
            if outcome is not None and not outcome:
                sides = compiled.sides[index]
                if sides is None:
                    return False
                value, threshold = _float(sides[0](row)), _float(sides[1](row))
                if value is None or not threshold:
                    return False
                low, high = near_band(threshold, self.matcher.tolerance)
                if not low <= value <= high:
                    return False
        return True

    def _explain_one(self, compiled: _CompiledPlan, row: dict[str, Any]) -> Explanation:
        plan = compiled.plan
        own = granted_column(plan.key)
        if own in row:
            row = {**row, ALREADY_GRANTED: row[own]}
        outcomes: list[ConditionOutcome] = []
        for index, condition in enumerate(plan.conditions):
            value = compiled.conditions[index](row)
            ok = None if value is None else bool(value)
            comparison = plan.comparisons[index]
            left = (comparison.left_name or comparison.left) if comparison else ""
            variable = self.catalogue.variables.get(left)
            names = compiled.names[index]
            sides = compiled.sides[index]
            outcomes.append(ConditionOutcome(
                label=condition.label or condition.when, formula=condition.when,
                outcome="unknown" if ok is None else "met" if ok else "failed",
                value=_float(sides[0](row)) if sides else None,
                op=comparison.op if comparison else "",
                threshold=_float(sides[1](row)) if sides else None,
                left=left, unit=variable.unit if variable else "",
                needs=missing_inputs(self.catalogue, names, row) if ok is None else (),
                values={name: row.get(name) for name in names}))
        status = (INELIGIBLE if any(item.outcome == "failed" for item in outcomes)
                  else UNKNOWN if any(item.outcome == "unknown" for item in outcomes)
                  else ELIGIBLE)
        near = self._near(compiled, outcomes) if status == INELIGIBLE else False
        amount, raw, formula = self._amount(compiled, row)
        shown = None if status == INELIGIBLE and not near else amount
        values = {**row, **plan.params}
        return Explanation(
            key=plan.key, policy=plan.policy, clause=plan.clause, status=status,
            amount=shown, near_miss=near, conditions=outcomes,
            arithmetic=arithmetic(plan.clause, formula, values, shown, self._terms(plan),
                                  raw if shown is not None else None, self.words),
            parameters=dict(plan.params),
            placeholders=tuple(self._placeholders(plan.policy).get(plan.clause.id, ())))

    def _placeholders(self, policy: Policy) -> dict[str, list[Mark]]:
        policy_id = policy.policy.id
        if policy_id not in self._marks_by_policy:
            self._marks_by_policy[policy_id] = clause_placeholders(policy)
        return self._marks_by_policy[policy_id]

    def _terms(self, plan: ClausePlan) -> dict[str, Term]:
        policy_id = plan.policy.policy.id
        if policy_id not in self._terms_by_policy:
            self._terms_by_policy[policy_id] = terms_of(self.catalogue, plan.policy.parameters)
        return self._terms_by_policy[policy_id]

    def _near(self, compiled: _CompiledPlan, outcomes: list[ConditionOutcome]) -> bool:
        failed = [index for index, item in enumerate(outcomes) if item.outcome == "failed"]
        if len(failed) != 1 or any(item.outcome == "unknown" for item in outcomes):
            return False
        item = outcomes[failed[0]]
        if not item.op or item.value is None or item.threshold in (None, 0):
            return False
        low, high = near_band(item.threshold, self.matcher.tolerance)
        return low <= item.value <= high

    def _amount(self, compiled: _CompiledPlan, row: dict[str, Any]) -> tuple[
            float | None, float | None, str | None]:
        """The capped amount, the amount before the cap, and the formula that gave it (the
        tier that applies)."""
        benefit = compiled.plan.clause.benefit
        if compiled.formula is not None:
            raw, formula = _float(compiled.formula(row)), benefit.formula
        else:
            chosen = next((index for index, (when, _) in enumerate(compiled.tiers)
                           if when(row)), None)
            if chosen is None:
                return None, None, None
            raw = _float(compiled.tiers[chosen][1](row))
            formula = benefit.tiers[chosen].amount
        amount = raw
        if raw is not None and benefit.cap is not None:
            amount = min(raw, remaining_cap(benefit, row))
        return amount, raw, formula


def remaining_cap(benefit: Benefit, row: Mapping[str, Any]) -> float:
    """The cap, less what earlier years granted when it holds over the policy period."""
    assert benefit.cap is not None
    if benefit.cap_over != "policy_period":
        return benefit.cap
    return max(benefit.cap - float(row.get(ALREADY_GRANTED) or 0), 0.0)


def _or_default(value: Any, default: Any) -> Any:
    return default if value is None else value


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def missing_inputs(catalogue: Catalogue, names: Iterable[str],
                   row: Mapping[str, Any]) -> tuple[str, ...]:
    """The data to supply: null names, with a derived one traced back to its null inputs."""
    missing: list[str] = []
    for name in names:
        if row.get(name) is not None:
            continue
        formula = catalogue.variables[name].formula
        inputs = sorted(parse(formula).names & set(catalogue.variables)) if formula else []
        traced = missing_inputs(catalogue, inputs, row) if inputs else ()
        missing.extend(traced or (name,))
    return tuple(dict.fromkeys(missing))


def terms_of(catalogue: Catalogue, parameters: Mapping[str, Parameter] | None = None
             ) -> dict[str, Term]:
    """How every variable and parameter reads in an explanation: its label and unit."""
    terms = {name: Term(variable.label, variable.unit)
             for name, variable in catalogue.variables.items()}
    terms.update({name: Term(parameter.label or name, parameter.unit)
                  for name, parameter in (parameters or {}).items()})
    return terms


def arithmetic(clause: Clause, formula: str | None, values: Mapping[str, Any],
               amount: float | None, terms: Mapping[str, Term], raw: float | None = None,
               words: Words = CHINESE) -> str:
    """The amount in words with the enterprise's figures put in:
    ``项目设备投资 2,000 万元 × 20% = 400 万元（上限 1,000 万元）``."""
    benefit = clause.benefit
    if not benefit.monetary:
        return benefit.text
    if formula is None:
        return ""
    text = in_words(formula, values, terms, words)
    unit = benefit.unit
    capped = raw is not None and amount is not None and round(raw, 2) != round(amount, 2)
    if amount is not None:
        result = number(round(amount, 2), unit)
        if capped:
            text += " = " + words.capped.format(raw=number(round(raw, 2), unit), amount=result)
        elif text != number(round(amount, 2)):
            text += f" = {result}"
        else:
            text = result
    if benefit.cap is not None:
        text += words.aside.format(text=cap_words(benefit, values, words))
    return text


def cap_words(benefit: Benefit, values: Mapping[str, Any], words: Words = CHINESE) -> str:
    """``上限 1,000 万元``, or for a cap over the policy period what is left of it."""
    assert benefit.cap is not None
    cap = number(benefit.cap, benefit.unit)
    if benefit.cap_over != "policy_period":
        return words.cap.format(cap=cap)
    granted = float(values.get(ALREADY_GRANTED) or 0)
    return words.cap_period.format(cap=cap, granted=number(granted, benefit.unit),
                                   left=number(max(benefit.cap - granted, 0), benefit.unit))


def near_miss_text(outcome: ConditionOutcome, catalogue: Catalogue) -> str:
    """"研发投入强度 2.7%，需 ≥ 3%": the one condition a near miss fails, in words."""
    variable = catalogue.variables.get(outcome.left)
    label = variable.label if variable else outcome.left
    unit = variable.unit if variable else ""
    return (f"{label} {format_value(outcome.value, unit)}，需 {outcome.op} "
            f"{format_value(outcome.threshold, unit)}")


def format_value(value: float | None, unit: str = "") -> str:
    if value is None:
        return "?"
    if unit == "%":
        return f"{value * 100:.4g}%"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()


def explain_profile(library: Library, profile: Mapping[str, Any], day: dt.date,
                    tolerance: float = 0.10) -> list[Explanation]:
    """Every clause in force explained for one enterprise profile (a dict of variables)."""
    return Explainer(Matcher(library, day, tolerance)).explain(profile)
