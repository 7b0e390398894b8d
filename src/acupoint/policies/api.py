"""`POST /api/policy/match`: one enterprise profile against every clause in force, with the
explanation of each result, for other government systems (an approval hall, a service app).

Nothing is stored: the caller sends the profile and gets the matches back."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from acupoint.engine.policy_explain import Explanation, format_value, near_miss_text
from acupoint.engine.provenance import described
from acupoint.engine.rules import ELIGIBLE, INELIGIBLE
from acupoint.policies import library

router = Router(tags=["policies"])
Scalar = float | int | bool | str | None


class MatchRequest(Schema):
    profile: dict[str, Scalar] = Field(..., description="Variables of the policy catalogue.")
    date: dt.date | None = Field(None, description="Match as of this day (default today).")
    tolerance: float = Field(0.10, ge=0, le=1, description="Near-miss margin.")
    include: Literal["relevant", "all"] = "relevant"


class ConditionOut(Schema):
    label: str
    formula: str
    outcome: Literal["met", "failed", "unknown"]
    value: float | None
    op: str
    threshold: float | None
    needs: list[str]


class ClauseMatch(Schema):
    key: str
    policy: str
    document_number: str
    clause: str
    article: str
    title: str
    mode: str
    status: Literal["eligible", "ineligible", "unknown"]
    near_miss: bool
    amount: float | None
    unit: str
    amount_text: str
    arithmetic: str
    gap: str
    needs: list[str]
    conditions: list[ConditionOut]
    text: str = Field(..., description="The document's own words, or a summary (text_kind)")
    text_kind: Literal["original", "summary"]
    placeholders: list[str] = Field(..., description="Values the bureau sets locally (待定参数) "
                                                     "that the status or amount rests on")


class MatchResponse(Schema):
    date: dt.date
    clauses_in_force: int
    matches: list[ClauseMatch]


def _out(item: Explanation) -> dict[str, Any]:
    catalogue = library.catalogue()
    unit = item.clause.benefit.unit
    return {
        "key": item.key, "policy": item.policy.policy.title,
        "document_number": item.policy.policy.number, "clause": item.clause.id,
        "article": item.clause.article, "title": item.clause.title, "mode": item.clause.mode,
        "status": item.status, "near_miss": item.near_miss, "amount": item.amount,
        "unit": unit,
        "amount_text": format_value(item.amount, unit) if item.amount is not None else "",
        "arithmetic": item.arithmetic,
        "gap": near_miss_text(item.failed[0], catalogue) if item.near_miss else "",
        "needs": item.needs, "text": item.clause.wording,
        "text_kind": "original" if item.clause.text else "summary",
        "placeholders": described(item.placeholders),
        "conditions": [{"label": condition.label, "formula": condition.formula,
                        "outcome": condition.outcome, "value": condition.value,
                        "op": condition.op, "threshold": condition.threshold,
                        "needs": list(condition.needs)} for condition in item.conditions]}


@router.post("/match", response=MatchResponse)
def match(request: HttpRequest, body: MatchRequest):
    """Every clause in force for this profile: eligible, near misses and data still needed
    (``include='all'`` adds the plain failures), each with its explanation."""
    catalogue = library.catalogue()
    unknown = sorted(set(body.profile) - set(catalogue.variables) - {"credit_code"})
    if unknown:
        raise HttpError(422, f"unknown variables: {', '.join(unknown)}")
    derived = sorted(name for name in body.profile
                     if name in catalogue.variables and catalogue.variables[name].formula)
    if derived:
        raise HttpError(422, f"computed by the platform, not accepted: {', '.join(derived)}")
    day = body.date or timezone.localdate()
    explainer = library.explainer(day, body.tolerance)
    try:
        explained = explainer.explain(body.profile, relevant_only=body.include != "all")
    except (TypeError, ValueError) as error:
        raise HttpError(422, f"a value has the wrong type: {error}") from None
    chosen = [item for item in explained if body.include == "all"
              or item.status != INELIGIBLE or item.near_miss]
    chosen.sort(key=lambda item: (item.status != ELIGIBLE, not item.near_miss, item.key))
    return {"date": day, "clauses_in_force": len(explainer.matcher.plans),
            "matches": [_out(item) for item in chosen]}
