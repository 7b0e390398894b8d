"""Caps that hold for a firm over the whole policy period, from the platform's own records:
the 2022 NEV policy's 5,000 万 per vehicle maker. Yearly claims are one per year of figures,
the match shows what earlier years left, and an approval past the cap is refused, also when
two are decided at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from acupoint.policies import actions, profiles
from acupoint.policies.models import Application, Match, MatchRun, PolicyClause, PolicyFact
from acupoint.registry.models import Enterprise
from tests.conftest import load_city_and_users

GROWTH = "qd-nev-2022/vehicle-sales-growth"
DAY = dt.date(2025, 5, 1)  # the 2024 figures: the last year the policy rewards


def vehicle_maker(growth: float) -> Enterprise:
    """A vehicle maker whose sales grew by ``growth`` 万元 in its latest year."""
    firm = Enterprise.objects.filter(annual__year=2024).order_by("pk").first()
    firm.industry_code = "3612"
    firm.save(update_fields=["industry_code"])
    for name, value in (("nev_vehicle_maker", True), ("vehicle_sales", 500000 + growth),
                        ("vehicle_sales_prev", 500000)):
        PolicyFact.objects.update_or_create(enterprise=firm, name=name,
                                            defaults={"value": value})
    return firm


def granted(firm: Enterprise, year: int, amount: float, status: str = "approved"
            ) -> Application:
    """A claim for ``year`` decided as ``status`` (paid: paid in full)."""
    return Application.objects.create(
        enterprise=firm, clause=PolicyClause.objects.get(key=GROWTH), year=year,
        status=status, estimated=amount, approved_amount=amount,
        paid_amount=amount if status == "paid" else None,
        submitted_on=dt.date(year + 1, 3, 1), approved_on=dt.date(year + 1, 4, 1))


@pytest.mark.django_db
def test_the_match_pays_only_what_earlier_years_left_of_the_cap():
    firm = vehicle_maker(growth=400000)  # 0.5% of 40 亿 = 2,000 万
    actions.do_rematch(None, MatchRun.Trigger.DATA, [firm.pk], day=DAY)
    assert Match.objects.get(enterprise=firm, clause__key=GROWTH).amount == 2000
    granted(firm, 2022, 1500)
    granted(firm, 2023, 2500, status="paid")
    granted(firm, 2024, 900, status="rejected")  # a refused claim grants nothing
    profile = profiles.profile_of(firm, DAY)
    assert profile[f"already_granted:{GROWTH}"] == 4000 and profile["year"] == 2024
    actions.do_rematch(None, MatchRun.Trigger.DATA, [firm.pk], day=DAY)
    assert Match.objects.get(enterprise=firm, clause__key=GROWTH).amount == 1000


@pytest.mark.django_db
def test_a_firm_that_had_the_whole_cap_gets_no_more():
    firm = vehicle_maker(growth=400000)
    granted(firm, 2022, 5000)
    actions.do_rematch(None, MatchRun.Trigger.DATA, [firm.pk], day=DAY)
    assert not Match.objects.filter(enterprise=firm, clause__key=GROWTH,
                                    status="eligible").exists()


@pytest.mark.django_db
def test_growth_after_2024_is_not_rewarded():
    firm = vehicle_maker(growth=400000)
    actions.do_rematch(None, MatchRun.Trigger.DATA, [firm.pk], day=dt.date(2026, 5, 1))
    firm.annual.filter(year=2024).update(year=2025)
    actions.do_rematch(None, MatchRun.Trigger.DATA, [firm.pk], day=dt.date(2026, 5, 1))
    assert not Match.objects.filter(enterprise=firm, clause__key=GROWTH,
                                    status="eligible").exists()


@pytest.mark.django_db
def test_a_yearly_clause_takes_one_claim_per_year_and_a_one_off_clause_one_claim(users):
    firm = vehicle_maker(growth=400000)
    actions.do_rematch(None, MatchRun.Trigger.DATA, [firm.pk], day=DAY)
    clause = PolicyClause.objects.get(key=GROWTH)
    claim = actions.do_apply(users["admin"], firm, clause, day=DAY)
    assert claim.year == 2024
    with pytest.raises(ValidationError):
        actions.do_apply(users["admin"], firm, clause, day=DAY)
    granted(firm, 2023, 100)  # the year before is a claim of its own
    assert Application.objects.filter(enterprise=firm, clause=clause).count() == 2


@pytest.mark.django_db
def test_an_approval_past_the_cap_is_refused_with_what_is_left(users):
    firm = vehicle_maker(growth=400000)
    granted(firm, 2022, 4000)
    claim = Application.objects.create(enterprise=firm, clause=PolicyClause.objects.get(
        key=GROWTH), year=2023, status="submitted", estimated=2000,
        submitted_on=dt.date(2024, 3, 1))
    with pytest.raises(ValidationError) as refused:
        actions.do_decide_application(users["admin"], claim, "approved", dt.date(2024, 4, 1))
    assert "1,000" in str(refused.value) and "4,000" in str(refused.value)
    actions.do_decide_application(users["admin"], claim, "approved", dt.date(2024, 4, 1),
                                  amount=1000)
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.approved_amount == 1000


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_cannot_pass_the_cap_together(city_dir):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL (the second pass of make test)")
    from acupoint.accounts.models import User

    load_city_and_users(city_dir)
    admin = User.objects.get(username="admin")
    firm = vehicle_maker(growth=400000)
    granted(firm, 2022, 2000)
    clause = PolicyClause.objects.get(key=GROWTH)
    claims = [Application.objects.create(enterprise=firm, clause=clause, year=year,
                                         status="submitted", estimated=2000,
                                         submitted_on=dt.date(year + 1, 3, 1))
              for year in (2023, 2024)]
    barrier = threading.Barrier(len(claims))
    outcomes: list[str] = []

    def approve(claim: Application) -> None:
        barrier.wait()
        try:
            actions.do_decide_application(admin, claim, "approved", dt.date(2025, 4, 1))
            outcomes.append("approved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(claim,)) for claim in claims]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "refused"]
    total = sum(item.granted_amount for item in Application.objects.filter(
        enterprise=firm, clause=clause))
    assert total == 4000
