"""`GET /api/cultivation/enterprises/{credit_code}/ladder`: an enterprise's titles, its next
rung under the rules in force and what it takes, for the systems a firm already uses (a
service app, an approval hall); scoped exactly like the ladder page."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema

from acupoint.cultivation import evaluation, selectors
from acupoint.cultivation.actions import recogniser
from acupoint.engine.ladder import Verdict, rung_placeholders
from acupoint.engine.provenance import described

router = Router(tags=["cultivation"])


class TitleOut(Schema):
    rung: str
    name: str
    granted: dt.date
    expires: dt.date | None
    document: str
    recognised_by: str = Field(..., description="The body that granted the title")


class RungConditionOut(Schema):
    id: str
    label: str
    outcome: str
    gap: str
    needs: list[str]


class IndicatorOut(Schema):
    id: str
    label: str
    group: str
    points: float | None
    best: float


class VerdictOut(Schema):
    rung: str
    name: str
    version: str
    document: str
    status: str
    score: float | None
    pass_mark: float | None
    binding: list[RungConditionOut]
    indicators: list[IndicatorOut]
    routes: list[RungConditionOut]
    gaps: list[str]
    needs: list[str]
    recognised_by: str = Field(..., description="The body that grants the title")
    placeholders: list[str] = Field(..., description="Values of the rung its document does "
                                                     "not give (待定参数)")


class LadderOut(Schema):
    credit_code: str
    day: dt.date
    held: list[TitleOut]
    next_rung: VerdictOut | None
    also_qualifies: list[str]


def _conditions(items) -> list[dict]:
    return [{"id": item.id, "label": item.label, "outcome": item.outcome, "gap": item.gap,
             "needs": item.needs} for item in items]


def _verdict(verdict: Verdict) -> dict:
    info = verdict.spec.rung
    return {"rung": info.rung, "name": info.name, "version": info.version,
            "document": info.document, "status": verdict.status, "score": verdict.score,
            "pass_mark": verdict.pass_mark, "binding": _conditions(verdict.binding),
            "indicators": [{"id": item.id, "label": item.label, "group": item.group,
                            "points": item.points, "best": item.best}
                           for item in verdict.indicators],
            "routes": _conditions(verdict.routes), "gaps": verdict.gaps, "needs": verdict.needs,
            "recognised_by": info.recogniser,
            "placeholders": described(rung_placeholders(verdict.spec))}


@router.get("/enterprises/{credit_code}/ladder", response=LadderOut)
def ladder(request: HttpRequest, credit_code: str, day: dt.date | None = None):
    enterprise = get_object_or_404(selectors.enterprises(request.user), credit_code=credit_code)
    view = evaluation.ladder_view(enterprise, day or timezone.localdate())
    return {"credit_code": enterprise.credit_code, "day": view.day,
            "held": [{"rung": title.rung, "name": evaluation.name_on(title.rung, title.granted),
                      "granted": title.granted, "expires": title.expires,
                      "document": title.document,
                      "recognised_by": recogniser(title.rung, title.granted)[1]}
                     for title in view.held],
            "next_rung": _verdict(view.next_verdict) if view.next_verdict else None,
            "also_qualifies": [verdict.spec.rung.rung for verdict in view.qualifies]}
