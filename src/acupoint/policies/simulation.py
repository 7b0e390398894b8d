"""Reform simulation on the registry: an amended policy file against the published one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from acupoint.engine.reform import Simulation, simulate
from acupoint.policies import actions, library, profiles
from acupoint.policies.models import PolicyDocument


@dataclass
class Outcome:
    changed: list[str]
    simulation: Simulation

    @property
    def eligible_change(self) -> int:
        totals = self.simulation.totals
        return totals["draft"]["eligible"] - totals["baseline"]["eligible"]

    @property
    def cost_change(self) -> float:
        totals = self.simulation.totals
        return totals["draft"]["cost"] - totals["baseline"]["cost"]


def run(document: PolicyDocument, text: str, day: dt.date) -> Outcome:
    """Every clause the draft adds or changes, matched both ways on every enterprise."""
    draft_policy = actions.parse_policy_text(text, f"{document.policy_id}.yaml")
    if draft_policy.policy.id != document.policy_id:
        raise ValidationError(_("The draft must keep the policy id '%(id)s'.")
                              % {"id": document.policy_id})
    baseline = library.published_library()
    current = {clause.id: clause for policy in baseline.policies
               if policy.policy.id == document.policy_id for clause in policy.clauses}
    changed = [clause for clause in draft_policy.clauses if current.get(clause.id) != clause]
    if not changed:
        raise ValidationError(_("The draft changes no clause."))
    draft = baseline
    for clause in changed:
        draft = draft.with_clause(document.policy_id, clause)
    table = ibis.memtable(profiles.profiles(baseline.catalogue, day))
    keys = [draft_policy.key(clause) for clause in changed]
    return Outcome([clause.id for clause in changed],
                   simulate(baseline, draft, table, day, keys))
