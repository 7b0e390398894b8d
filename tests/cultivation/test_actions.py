"""The ladder as the bureau, a district and an enterprise work it: data checked on entry,
titles with their validity, an application judged under the rules of its day, the district's
recommendation, the experts' score, public notice with objections, recognition with its reward;
and the refusals each step owes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from acupoint.accounts.actions import do_create_user
from acupoint.accounts.models import AuditEntry, User
from acupoint.accounts.roles import Role
from acupoint.cultivation import actions, evaluation
from acupoint.cultivation.models import Application, Title
from acupoint.policies.models import PolicyFact
from acupoint.registry.models import AnnualData

pytestmark = pytest.mark.django_db
D = dt.date
# A firm that meets the 2022 专精特新 rules with 65 points, and not the 2026 ones (it is not a
# current 创新型中小企业 and has been in its niche only 2 years).
SRDI_FIRM = {"niche_years": 2, "main_revenue": 8_000, "main_revenue_prev": 8_000 / 1.1,
             "main_revenue_prev2": 8_000 / 1.1 ** 2, "product_field": "gap",
             "digital_level": 3, "quality_items": 2, "net_profit": 600, "debt_ratio": 0.5,
             "distinctive_points": 4, "ip_class_i": 1, "ip_high_value": 0, "ip_class_i_own": 0,
             "rd_staff": 10, "rd_centre_level": "city", "equity_raised_2y": 0}


# The same firm one step short of 创新型中小企业 (55 of 60 points): R&D intensity 1.99%.
INNOVATIVE_GAP = {"rd_spend": 199, "niche_years": 1, "ip_class_i": 1, "ip_class_ii": 0,
                  "main_revenue": 6_000, "main_revenue_prev": 6_000 / 1.1, "debt_ratio": 0.75,
                  "equity_raised_3y": 0, "emerging_catalogue": False, "high_tech": False,
                  "science_award_3y": False, "tech_demonstration": False}


def officer_of(enterprise):
    """A district officer of the enterprise's district; the password follows the demo's
    rule (name-demo-2019), which a short name keeps clear of the similarity validator."""
    username = f"d{enterprise.district.code}"
    existing = User.objects.filter(username=username).first()
    return existing or do_create_user(None, username=username,
                                      password=f"{username}-demo-2019",
                                      role=Role.DISTRICT_OFFICER, district=enterprise.district)


def firm(users, revenue: float = 10_000, rd_spend: float = 300, employees: int = 100,
         **data):
    enterprise = users["enterprise"].enterprise
    for year in (2022, 2023, 2024):
        AnnualData.objects.update_or_create(enterprise=enterprise, year=year, defaults={
            "revenue": revenue, "rd_spend": rd_spend, "employees": employees})
    actions.do_set_data(users["admin"], enterprise, {**SRDI_FIRM, **data})
    return enterprise


def test_data_are_checked_on_entry_and_land_together_or_not_at_all(users):
    enterprise = firm(users)
    before = dict(PolicyFact.objects.filter(enterprise=enterprise).values_list("name", "value"))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        actions.do_set_data(users["enterprise"], enterprise, {
            "invention_patents": 25_000, "market_share": 1.4, "ip_class_i": "几项",
            "rd_staff": 500})
    messages = refused.value.messages
    assert len(messages) == 4
    assert any("25,000" in text and "0–2,000" in text for text in messages)
    assert any("cannot exceed the employees (100)" in text for text in messages)
    assert dict(PolicyFact.objects.filter(enterprise=enterprise).values_list(
        "name", "value")) == before  # nothing of the four landed
    with pytest.raises(ValidationError):
        actions.do_set_data(users["admin"], enterprise, {"rd_intensity": 0.5})  # derived
    actions.do_set_data(users["enterprise"], enterprise, {"ip_class_i": ""})
    assert not PolicyFact.objects.filter(enterprise=enterprise, name="ip_class_i").exists()
    other = AnnualData.objects.exclude(enterprise=enterprise).first().enterprise
    with pytest.raises(PermissionDenied):
        actions.do_set_data(users["enterprise"], other, {"ip_class_i": 1})


def test_a_title_expires_after_its_grant_and_takes_its_validity_from_the_rules(users):
    enterprise = users["enterprise"].enterprise
    with pytest.raises(ValidationError) as refused:
        actions.do_record_title(users["admin"], enterprise, rung="srdi_sme",
                                granted=D(2024, 5, 1), expires=D(2023, 5, 1))
    assert "expires" in refused.value.message_dict
    title = actions.do_record_title(users["admin"], enterprise, rung="srdi_sme",
                                    granted=D(2024, 5, 1), document="鲁工信〔2024〕示例号")
    assert title.expires == D(2027, 5, 1)  # three years under the 2022 rules
    with pytest.raises(PermissionDenied):
        actions.do_record_title(users["huangdao"], enterprise, rung="gazelle",
                                granted=D(2024, 5, 1))


def test_the_ladder_view_shows_titles_next_rung_gaps_and_expiring_titles(users):
    enterprise = firm(users)
    view = evaluation.ladder_view(enterprise, D(2025, 6, 30))
    assert view.held == [] and view.next_rung == "innovative_sme"
    assert {verdict.spec.rung.rung for verdict in view.qualifies} >= {"srdi_sme"}
    actions.do_record_title(users["admin"], enterprise, rung="srdi_sme",
                            granted=D(2023, 9, 1))
    later = evaluation.ladder_view(enterprise, D(2026, 4, 15))
    assert [title.rung for title in later.held] == ["srdi_sme"]
    assert later.next_rung == "little_giant"
    assert later.next_verdict.spec.rung.version == "2026"
    assert later.next_verdict.status == "not_qualified" and later.next_verdict.gaps
    assert [verdict.spec.rung.version for verdict in later.other_versions] == ["2022"]
    # Expiring on 2026-09-01 and failing the 2026 rules it would be re-reviewed under.
    assert [title.rung for title, _verdict in later.expiring] == ["srdi_sme"]


def test_a_provincial_title_is_forwarded_and_its_decision_recorded_not_granted_by_the_city(
        users):
    enterprise = firm(users)
    day = D(2025, 6, 30)
    application = actions.do_apply(users["enterprise"], enterprise, "srdi_sme", day)
    assert application.version == "2022" and application.verdict["status"] == "qualified"
    with pytest.raises(ValidationError):
        actions.do_apply(users["enterprise"], enterprise, "srdi_sme", day)  # under way
    with pytest.raises(PermissionDenied):
        actions.do_recommend(users["cluster"], application, True)
    with pytest.raises(ValidationError):
        actions.do_score(users["admin"], application, 80)  # not recommended yet
    officer = officer_of(enterprise)
    with pytest.raises(ValidationError):
        actions.do_recommend(officer, application, False, " ")
    actions.do_recommend(officer, application, True, "推荐")
    actions.do_score(users["admin"], application, 82.5, "市级初审")
    # The province recognises 专精特新中小企业: no city notice, no city grant.
    with pytest.raises(ValidationError) as refused:
        actions.do_publish_notice(users["admin"], "srdi_sme", [application],
                                  title="拟认定名单", published_on=D(2025, 7, 1))
    assert "山东省工业和信息化厅" in str(refused.value)
    with pytest.raises(PermissionDenied):
        actions.do_forward(officer, [application], D(2025, 7, 1))
    actions.do_forward(users["admin"], [application], D(2025, 7, 1))
    application.refresh_from_db()
    assert application.status == Application.Status.FORWARDED
    with pytest.raises(ValidationError):
        actions.do_record_outcome(users["admin"], application, recognised=True, document=" ",
                                  day=D(2025, 9, 1))
    with pytest.raises(ValidationError):  # before it was forwarded
        actions.do_record_outcome(users["admin"], application, recognised=True,
                                  document="鲁工信中小〔2025〕88号", day=D(2025, 6, 1))
    actions.do_record_outcome(users["admin"], application, recognised=True,
                              document="鲁工信中小〔2025〕88号", day=D(2025, 9, 1))
    application.refresh_from_db()
    title = application.title
    assert application.status == Application.Status.RECOGNISED
    assert title.document == "鲁工信中小〔2025〕88号" and "山东省工业和信息化厅" in title.source
    assert title.expires == D(2028, 9, 1) and application.reward is None
    with pytest.raises(ValidationError) as held:
        actions.do_apply(users["enterprise"], enterprise, "srdi_sme", D(2025, 10, 1))
    assert "already holds" in str(held.value) or "已" in str(held.value)
    assert AuditEntry.objects.filter(action="cultivation.forward").exists()
    assert AuditEntry.objects.filter(action="cultivation.recognise").exists()


def test_the_city_puts_its_own_title_on_notice_and_grants_it(users):
    enterprise = firm(users)
    application = actions.do_apply(users["admin"], enterprise, "hidden_champion",
                                   D(2025, 6, 30))
    actions.do_recommend(users["admin"], application, True)
    actions.do_score(users["admin"], application, 82.5)
    with pytest.raises(ValidationError):  # the city grants it: a notice, not forwarding
        actions.do_forward(users["admin"], [application], D(2025, 7, 1))
    notice = actions.do_publish_notice(users["admin"], "hidden_champion", [application],
                                       title="2025年青岛市隐形冠军企业拟认定名单公示",
                                       published_on=D(2025, 7, 1))
    objection = actions.do_object(users["admin"], application, "数据存疑", "匿名", D(2025, 7, 3))
    with pytest.raises(ValidationError):
        actions.do_recognise(users["admin"], notice, D(2025, 7, 5))  # notice still running
    with pytest.raises(ValidationError):
        actions.do_recognise(users["admin"], notice, D(2025, 7, 10))  # objection open
    actions.do_settle_objection(users["admin"], objection, False, "经核查，数据属实")
    actions.do_recognise(users["admin"], notice, D(2025, 7, 10))
    application.refresh_from_db()
    assert application.status == Application.Status.RECOGNISED
    assert application.title.source == "青岛市工业和信息化局"


def test_a_national_title_earns_the_city_reward_and_a_refusal_is_recorded(users):
    enterprise = firm(users)
    Title.objects.create(enterprise=enterprise, rung="srdi_sme", granted=D(2023, 1, 1),
                         expires=D(2026, 1, 1))
    giant = actions.do_apply(users["admin"], enterprise, "little_giant", D(2025, 6, 30))
    actions.do_recommend(users["admin"], giant, True)
    actions.do_forward(users["admin"], [giant], D(2025, 7, 1))
    actions.do_record_outcome(users["admin"], giant, recognised=True,
                              document="工信部企业函〔2025〕151号", day=D(2025, 8, 1))
    giant.refresh_from_db()
    assert giant.reward == 100 and giant.title.source == "工业和信息化部"
    actions.do_pay_reward(users["admin"], giant, D(2025, 9, 1))
    with pytest.raises(ValidationError):
        actions.do_pay_reward(users["admin"], giant, D(2025, 9, 2))
    other = actions.do_apply(users["admin"], enterprise, "gazelle", D(2025, 6, 30))
    actions.do_recommend(users["admin"], other, True)
    actions.do_forward(users["admin"], [other], D(2025, 7, 1))
    actions.do_record_outcome(users["admin"], other, recognised=False,
                              document="鲁工信发〔2025〕9号", day=D(2025, 8, 1), note="未入选")
    other.refresh_from_db()
    assert other.status == Application.Status.REJECTED and other.title is None
    assert other.outcome_document == "鲁工信发〔2025〕9号"


def test_an_application_on_a_day_before_any_rules_is_refused(users):
    enterprise = firm(users)
    with pytest.raises(ValidationError) as refused:
        actions.do_apply(users["admin"], enterprise, "srdi_sme", D(2021, 6, 1))
    assert "2021-06-01" in str(refused.value)
    assert not Application.objects.exists()
