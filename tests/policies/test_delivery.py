"""Policy delivery on the demo city: publication matches every enterprise, the inbox shows
new matches, 免申即享 grants wait for verification, applications run to payment in working
days, ratings are one per enterprise and policy, and every page is scoped by role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from acupoint.policies import actions, selectors
from acupoint.policies.models import (
    Application,
    Match,
    MatchRun,
    PolicyClause,
    PolicyDocument,
    PolicyFact,
    Rating,
)
from acupoint.registry.models import Enterprise
from acupoint.workdays import working_days

pytestmark = pytest.mark.django_db


def client_for(users, username) -> Client:
    client = Client()
    client.force_login(users[username])
    return client


def test_the_demo_publishes_the_shipped_library_and_matches_it():
    assert PolicyDocument.objects.count() >= 7
    assert PolicyClause.objects.count() >= 50
    assert Match.objects.filter(status="eligible").exists()
    assert Match.objects.filter(status="near").exists()
    assert MatchRun.objects.exists()


def test_the_demo_enterprise_qualifies_for_one_clause_and_narrowly_misses_another(users):
    firm = users["enterprise"].enterprise
    response = client_for(users, "enterprise").get(
        reverse("policies:enterprise", args=[firm.credit_code]))
    assert response.status_code == 200
    eligible = {item["e"].key: item for item in response.context["eligible"]}
    near = {item["e"].key: item for item in response.context["near"]}
    digital = eligible["demo-manufacturing/digital-transformation"]
    assert digital["e"].amount == 60
    assert digital["e"].arithmetic.startswith("数字化改造投入 300 万元 × 20% = 60 万元")
    assert near["demo-market/first-unit-equipment"]["gap"] == \
        "首台（套）装备销售额 460 万元，需 ≥ 500 万元"
    html = response.content.decode()
    assert "首台（套）装备销售额 460 万元，需 ≥ 500 万元" in html and "60 万元" in html


def test_supplying_a_datum_rematches_and_lands_a_new_match(users):
    firm = users["enterprise"].enterprise
    clause = PolicyClause.objects.get(key="demo-market/exhibitions")
    assert not Match.objects.filter(enterprise=firm, clause=clause, status="eligible").exists()
    actions.do_set_fact(users["enterprise"], firm, "exhibition_cost", "40")
    match = Match.objects.get(enterprise=firm, clause=clause)
    assert match.status == "eligible" and match.amount == 20 and match.read_at is None
    assert MatchRun.objects.first().trigger == MatchRun.Trigger.DATA
    assert actions.do_mark_read(users["enterprise"], firm) >= 1
    assert not Match.objects.filter(enterprise=firm, read_at__isnull=True).exists()


def test_a_datum_must_be_a_fact_of_the_catalogue_and_typed(users):
    firm = users["enterprise"].enterprise
    with pytest.raises(ValidationError):
        actions.do_set_fact(users["enterprise"], firm, "revenue", "100")
    with pytest.raises(ValidationError):
        actions.do_set_fact(users["enterprise"], firm, "exhibition_cost", "很多")
    other = Enterprise.objects.exclude(pk=firm.pk).first()
    with pytest.raises(PermissionDenied):
        actions.do_set_fact(users["enterprise"], other, "exhibition_cost", "10")


def test_automatic_clauses_are_granted_pending_verification(users):
    firm = users["enterprise"].enterprise
    PolicyFact.objects.update_or_create(enterprise=firm, name="high_tech",
                                        defaults={"value": True})
    actions.do_rematch(None, MatchRun.Trigger.DATA, [firm.pk])
    grant = Application.objects.get(enterprise=firm, clause__key="demo-innovation/"
                                    "high-tech-recognition")
    assert grant.status == Application.Status.PENDING_VERIFICATION and grant.estimated == 30


def test_an_application_runs_to_payment_in_working_days(users):
    firm = users["enterprise"].enterprise
    clause = PolicyClause.objects.get(key="demo-manufacturing/digital-transformation")
    application = actions.do_apply(users["enterprise"], firm, clause,
                                   day=dt.date(2024, 9, 27))
    with pytest.raises(ValidationError):
        actions.do_apply(users["enterprise"], firm, clause)
    with pytest.raises(PermissionDenied):
        actions.do_decide_application(users["enterprise"], application, "approved",
                                      dt.date(2024, 10, 8))
    with pytest.raises(ValidationError):
        actions.do_decide_application(users["admin"], application, "paid", dt.date(2024, 10, 8))
    actions.do_decide_application(users["admin"], application, "approved",
                                  dt.date(2024, 10, 8))
    with pytest.raises(ValidationError):
        actions.do_decide_application(users["admin"], application, "paid",
                                      dt.date(2024, 10, 7))
    actions.do_decide_application(users["admin"], application, "paid", dt.date(2024, 10, 14))
    application.refresh_from_db()
    assert application.paid_amount == 60
    # 2024-09-28 (Saturday) and 2024-10-12 (Saturday) were worked; 10-01..07 was National Day.
    assert working_days(application.submitted_on, application.paid_on).days == 8


def test_an_enterprise_rates_a_policy_once(users):
    firm = users["enterprise"].enterprise
    document = PolicyDocument.objects.get(policy_id="demo-manufacturing")
    actions.do_rate(users["enterprise"], firm, document, 4, "有用")
    actions.do_rate(users["enterprise"], firm, document, 5)
    assert Rating.objects.get(enterprise=firm, document=document).score == 5
    with pytest.raises(ValidationError):
        actions.do_rate(users["enterprise"], firm, document, 6)
    with pytest.raises(PermissionDenied):
        actions.do_rate(users["admin"], firm, document, 3)
    average, count = selectors.ratings(users["admin"])[document.pk]
    assert 1 <= average <= 5 and count >= 1


def test_reach_is_scoped_to_the_district(users):
    everything = selectors.reach(users["admin"])
    district = selectors.reach(users["huangdao"])
    expected = Match.objects.filter(status="eligible",
                                    enterprise__district=users["huangdao"].district).count()
    assert sum(item.eligible for item in district.values()) == expected
    assert sum(item.eligible for item in everything.values()) == Match.objects.filter(
        status="eligible").count() > expected


@pytest.mark.parametrize("username", ["huangdao", "cluster", "association"])
def test_other_enterprises_policy_pages_are_refused(users, username):
    firm = users["enterprise"].enterprise
    outsider = Enterprise.objects.exclude(pk=firm.pk).exclude(
        district=users["huangdao"].district).exclude(cluster=users["cluster"].cluster).first()
    response = client_for(users, username).get(
        reverse("policies:enterprise", args=[outsider.credit_code]))
    assert response.status_code == 404


def test_enterprise_users_do_not_see_reach_or_simulate(users):
    client = client_for(users, "enterprise")
    assert client.get(reverse("policies:reach")).status_code == 403
    assert client.get(reverse("policies:simulate", args=["qd-nev-2022"])).status_code == 403
    assert client.get(reverse("policies:mine")).status_code == 302


def test_imported_figures_rematch_and_land_in_the_inbox(users, tmp_path,
                                                        django_capture_on_commit_callbacks):
    from acupoint.registry.actions import do_import_file

    firm = users["enterprise"].enterprise
    clause = PolicyClause.objects.get(key="demo-market/export-growth")
    Match.objects.filter(enterprise=firm, clause=clause).delete()
    path = tmp_path / "exports.csv"
    path.write_text(f"统一社会信用代码,年份,出口额\n{firm.credit_code},2025,5000\n",
                    encoding="utf-8")
    runs = MatchRun.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        batch = do_import_file(users["admin"], path)
    assert batch.status == "landed"
    assert MatchRun.objects.count() == runs + 1
    assert MatchRun.objects.first().trigger == MatchRun.Trigger.DATA
    match = Match.objects.get(enterprise=firm, clause=clause)
    assert match.status == "eligible" and match.amount == 50 and match.read_at is None
    with django_capture_on_commit_callbacks(execute=True):
        do_import_file(users["admin"], path)  # the same figures again: nothing to match
    assert MatchRun.objects.count() == runs + 1


def test_a_corrected_shipped_policy_replaces_the_one_the_platform_published(users):
    """A database made before a correction (the 2022 NEV policy at 5%) takes the corrected
    file; a policy the bureau published or amended itself is left alone."""
    document = PolicyDocument.objects.get(policy_id="qd-nev-2022")
    corrected = document.yaml_text
    document.yaml_text = corrected.replace("value: 0.005", "value: 0.05")
    document.save(update_fields=["yaml_text"])
    assert [item.policy_id for item in actions.publish_shipped()] == ["qd-nev-2022"]
    document.refresh_from_db()
    assert document.yaml_text == corrected
    assert actions.publish_shipped() == []  # nothing changed since
    PolicyDocument.objects.filter(pk=document.pk).update(
        yaml_text=corrected.replace("value: 0.005", "value: 0.004"),
        published_by=users["admin"])
    assert actions.publish_shipped() == []  # the bureau's own amendment stays
