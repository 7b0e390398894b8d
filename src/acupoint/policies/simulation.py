"""Reform simulation on the registry: an amended policy file against the published one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from acupoint.engine import backends
from acupoint.engine.reform import Simulation, amended, simulate
from acupoint.policies import actions, library, profiles
from acupoint.policies.models import PolicyDocument


@dataclass
class Outcome:
    changed: list[str]
    simulation: Simulation
    changed_titles: list[str]

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
    draft, keys = amended(baseline, draft_policy)
    if not keys:
        raise ValidationError(_("The draft changes no clause."))
    table = backends.in_memory(profiles.profiles(baseline.catalogue, day), "profiles")
    changed = [key.split("/", 1)[1] for key in keys]
    titles = {clause.id: f"{clause.article} {clause.title}".strip()
              for clause in draft_policy.clauses}
    return Outcome(changed, simulate(baseline, draft, table, day, keys),
                   [titles.get(clause, clause) for clause in changed])
