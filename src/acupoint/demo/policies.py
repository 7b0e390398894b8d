"""The demo city's policy delivery: the shipped policies published, policy data (tags and
figures the registry does not hold) for a plausible share of firms, one matching, and some
applications and ratings. All synthetic.

The demo enterprise gets data that make one clause eligible and another a near miss, so
that "my policies" shows both."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db.models import Max

from acupoint.policies.actions import do_rematch, publish_shipped
from acupoint.policies.models import (
    Application,
    Match,
    MatchRun,
    PolicyDocument,
    PolicyFact,
    Rating,
)
from acupoint.registry.models import AnnualData, Enterprise
from acupoint.workdays import is_workday

SOURCE = "合成演示数据"
DEMO_FIRM_FACTS = {"digital_investment": 300.0, "first_unit_equipment": 460.0,
                   "high_tech": True, "invention_patents": 6}


def seed(demo_firm: Enterprise | None, seed: int = 2019) -> None:
    if PolicyDocument.objects.exists():
        return
    publish_shipped()
    rng = np.random.default_rng(seed)
    facts: list[PolicyFact] = []
    for enterprise_id, industry in Enterprise.objects.values_list("pk", "industry_code"):
        facts.extend(PolicyFact(enterprise_id=enterprise_id, name=name, value=value,
                                source=SOURCE)
                     for name, value in _facts(industry, rng).items())
    if demo_firm is not None:
        PolicyFact.objects.filter(enterprise=demo_firm).delete()
        facts = [fact for fact in facts if fact.enterprise_id != demo_firm.pk]
        facts.extend(PolicyFact(enterprise=demo_firm, name=name, value=value, source=SOURCE)
                     for name, value in DEMO_FIRM_FACTS.items())
    PolicyFact.objects.bulk_create(facts, batch_size=2000)
    run = do_rematch(None, MatchRun.Trigger.PUBLICATION)
    _applications(run.as_of, rng)
    _ratings(rng)


def _facts(industry: str, rng: np.random.Generator) -> dict[str, object]:
    facts: dict[str, object] = {}
    draw = rng.uniform(size=12)
    if industry.startswith("36"):
        if draw[0] < 0.3:
            facts["nev_parts_maker"] = True
            facts["project_equipment_investment"] = round(float(rng.lognormal(7, 1)), 1)
        if draw[1] < 0.1:
            facts["nev_key_component"] = True
            facts["project_equipment_investment"] = round(float(rng.lognormal(7.5, 1)), 1)
        if draw[0] < 0.3 or draw[1] < 0.1:
            facts["project_invoiced_sales"] = bool(draw[11] < 0.7)
        if draw[2] < 0.03:
            facts["nev_vehicle_maker"] = True
            facts["vehicle_sales_prev"] = round(float(rng.lognormal(12, 0.5)), 0)
            facts["vehicle_sales"] = round(facts["vehicle_sales_prev"] * float(
                rng.uniform(0.9, 1.3)), 0)
    if draw[3] < 0.004:
        facts.update(h2_station=True, h2_sold_kg=round(float(rng.uniform(5e4, 6e5)), 0),
                     h2_retail_price=round(float(rng.uniform(32, 38)), 1),
                     h2_station_years=int(rng.integers(1, 5)))
    if draw[4] < 0.08:
        facts["high_tech"] = True
    if draw[5] < 0.05:
        facts["srdi_level"] = str(rng.choice(["city", "city", "provincial", "national"]))
    if draw[6] < 0.05:
        facts["digital_investment"] = round(float(rng.lognormal(4.5, 0.8)), 1)
    if draw[7] < 0.04:
        facts["exhibition_cost"] = round(float(rng.uniform(5, 80)), 1)
    if draw[8] < 0.2:
        facts["invention_patents"] = int(rng.integers(0, 30))
    if draw[9] < 0.02:
        facts["first_unit_equipment"] = round(float(rng.lognormal(6, 0.8)), 1)
    if draw[10] < 0.06:
        facts["loan_interest"] = round(float(rng.uniform(5, 200)), 1)
    return facts


def _workday_after(day: dt.date, days: int) -> dt.date:
    while days:
        day += dt.timedelta(days=1)
        days -= is_workday(day)[0]
    return day


def _applications(today: dt.date, rng: np.random.Generator) -> None:
    """Some of the eligible firms applied earlier this year; most were paid within the 60
    working days of 快申快享, a few are still waiting."""
    eligible = list(Match.objects.filter(status="eligible", amount__gt=0)
                    .exclude(clause__mode="auto").values_list(
                        "enterprise_id", "clause_id", "amount", "clause__period_from")[:400])
    latest = dict(AnnualData.objects.filter(year__lt=today.year).values("enterprise_id")
                  .annotate(year=Max("year")).values_list("enterprise_id", "year"))
    start = dt.date(today.year, 1, 5)
    applications = []
    for enterprise_id, clause_id, amount, yearly in eligible:
        if rng.uniform() > 0.4:
            continue
        submitted = _workday_after(start, int(rng.integers(0, 120)))
        application = Application(enterprise_id=enterprise_id, clause_id=clause_id,
                                  estimated=amount, submitted_on=submitted,
                                  year=latest.get(enterprise_id) if yearly else None,
                                  status=Application.Status.SUBMITTED)
        if rng.uniform() < 0.8:
            application.status = Application.Status.APPROVED
            application.approved_on = _workday_after(submitted, int(rng.integers(5, 25)))
            application.approved_amount = amount
            if rng.uniform() < 0.8:
                application.status = Application.Status.PAID
                application.paid_on = _workday_after(application.approved_on,
                                                     int(rng.integers(5, 40)))
                application.paid_amount = amount
        if application.paid_on and application.paid_on > today:
            application.status, application.paid_on = Application.Status.APPROVED, None
        applications.append(application)
    Application.objects.bulk_create(applications, ignore_conflicts=True)


def _ratings(rng: np.random.Generator) -> None:
    pairs = set(Match.objects.filter(status="eligible").values_list(
        "enterprise_id", "clause__document_id")[:600])
    Rating.objects.bulk_create([
        Rating(enterprise_id=enterprise_id, document_id=document_id,
               score=int(rng.choice([3, 4, 4, 5, 5, 2])))
        for enterprise_id, document_id in sorted(pairs) if rng.uniform() < 0.3],
        ignore_conflicts=True)
