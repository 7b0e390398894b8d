"""Reform simulation: a draft clause against the baseline on the real enterprise base.

Both versions are matched on the same profiles; the result is the number eligible and the
estimated cost before and after, the same by district, industry division and size, and the
enterprises that gain or lose most.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from acupoint.engine.policy import Library, Policy
from acupoint.engine.rules import ENTITY, Matcher, prepare

GROUPS = {"district": "district", "industry": "division", "size": "size"}


@dataclass
class Simulation:
    totals: dict[str, dict[str, float]]
    by_group: dict[str, list[dict[str, Any]]]
    changes: list[dict[str, Any]]


def amended(baseline: Library, draft: Policy) -> tuple[Library, list[str]]:
    """The library with the draft's added or changed clauses in place, and their keys."""
    current = {clause.id: clause for policy in baseline.policies
               if policy.policy.id == draft.policy.id for clause in policy.clauses}
    changed = [clause for clause in draft.clauses if current.get(clause.id) != clause]
    library = baseline
    for clause in changed:
        library = library.with_clause(draft.policy.id, clause)
    return library, [draft.key(clause) for clause in changed]


def _eligible(library: Library, table: ir.Table, day: dt.date, keys: set[str],
              side: str) -> pd.DataFrame:
    matches = Matcher(library, day).only(keys).matches(table, keep="eligible").to_pandas()
    return matches.groupby(ENTITY).agg(**{
        f"{side}_clauses": ("clause", "count"),
        f"{side}_amount": ("amount", lambda values: values.fillna(0).sum())})


def simulate(baseline: Library, draft: Library, table: ir.Table, day: dt.date,
             keys: Iterable[str], limit: int = 200) -> Simulation:
    """Reach and cost of the clauses ``keys`` under both libraries, and who gains or loses."""
    keys = set(keys)
    profile = prepare(table, baseline.catalogue).select(
        ENTITY, "district", "industry", "above_scale").to_pandas()
    profile["district"] = profile.district.fillna("?")
    profile["division"] = profile.industry.fillna("??").str[:2]
    profile["size"] = profile.above_scale.map({True: "above", False: "below"}).fillna("?")
    joined = (profile.set_index(ENTITY)
              .join(_eligible(baseline, table, day, keys, "baseline"))
              .join(_eligible(draft, table, day, keys, "draft")))
    for side in ("baseline", "draft"):
        joined[f"{side}_eligible"] = joined[f"{side}_clauses"].notna().astype(int)
        joined[f"{side}_amount"] = joined[f"{side}_amount"].fillna(0.0)
    measures = {"baseline_eligible": "sum", "draft_eligible": "sum",
                "baseline_amount": "sum", "draft_amount": "sum"}
    by_group = {}
    for label, column in GROUPS.items():
        grouped = joined.groupby(column).agg(measures).reset_index()
        by_group[label] = [_row(item, item.pop(column)) for item in grouped.to_dict("records")]
    joined["change"] = joined.draft_amount - joined.baseline_amount
    moved = joined[(joined.change != 0) | (joined.baseline_eligible != joined.draft_eligible)]
    moved = moved.assign(size_of_change=moved.change.abs()).sort_values(
        ["size_of_change"], ascending=False, kind="stable").head(limit).reset_index()
    changes = moved[[ENTITY, "district", "division", "baseline_amount", "draft_amount",
                     "change", "baseline_eligible", "draft_eligible"]].to_dict("records")
    return Simulation(
        totals={side: {"eligible": int(joined[f"{side}_eligible"].sum()),
                       "cost": float(joined[f"{side}_amount"].sum())}
                for side in ("baseline", "draft")},
        by_group=by_group, changes=changes)


def _row(values: dict[str, Any], group: Any) -> dict[str, Any]:
    return {"group": group, "baseline_eligible": int(values["baseline_eligible"]),
            "draft_eligible": int(values["draft_eligible"]),
            "baseline_cost": float(values["baseline_amount"]),
            "draft_cost": float(values["draft_amount"])}
