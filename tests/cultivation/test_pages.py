"""The cultivation pages: an enterprise's ladder with its next rung and gaps, its data form,
applying; the district's recommendation, the experts' score, the public notice with an
objection settled, recognition; candidate pools with targets and their .xlsx."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from acupoint.accounts.actions import do_issue_token
from acupoint.cultivation import actions, evaluation
from acupoint.cultivation.evaluation import in_force as evaluation_in_force
from acupoint.cultivation.models import Application, Notice, Title
from acupoint.demo import ladder
from acupoint.registry.models import Enterprise
from tests.cultivation.test_actions import INNOVATIVE_GAP, firm, officer_of

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_enterprise_sees_its_ladder_with_the_next_rung_and_applies(users):
    enterprise = firm(users, rd_spend=250)
    client = client_for(users["enterprise"])
    assert client.get(reverse("cultivation:hub")).url == reverse(
        "cultivation:ladder", args=[enterprise.credit_code])
    page = client.get(reverse("cultivation:ladder", args=[enterprise.credit_code]))
    html = page.content.decode()
    assert 'id="next-rung"' in html and "创新型中小企业" in html
    response = client.post(reverse("cultivation:save-data", args=[enterprise.credit_code]),
                           {"ip_class_i": "99999", "niche_years": "3"}, follow=True)
    assert any("2,000" in str(message) for message in response.context["messages"])
    warned = client.post(reverse("cultivation:apply", args=[enterprise.credit_code]),
                         {"rung": "srdi_sme"})
    warning = warned.content.decode().split('id="apply-warning"')[1].split("</section>")[0]
    assert not Application.objects.exists()  # failing criteria: asked first, nothing filed
    assert "<li>" in warning and 'name="acknowledged"' in warning
    client.post(reverse("cultivation:apply", args=[enterprise.credit_code]),
                {"rung": "srdi_sme", "acknowledged": "True"})
    application = Application.objects.get()
    assert application.rung == "srdi_sme"
    mine = client.get(reverse("cultivation:ladder", args=[enterprise.credit_code]))
    assert f'<span class="status">{application.get_status_display()}</span>' in \
        mine.content.decode()
    other = Enterprise.objects.exclude(pk=enterprise.pk).first()
    assert client.get(reverse("cultivation:ladder", args=[other.credit_code])).status_code \
        == 404


def test_district_recommends_and_the_bureau_forwards_and_records_the_decision(users):
    enterprise = firm(users)
    client_for(users["enterprise"]).post(
        reverse("cultivation:apply", args=[enterprise.credit_code]),
        {"rung": "srdi_sme", "acknowledged": "True"})
    application = Application.objects.get()
    officer = client_for(officer_of(enterprise))
    listing = officer.get(reverse("cultivation:applications")).content.decode()
    assert f'data-application="{application.pk}"' in listing
    assert "山东省工业和信息化厅" in listing  # who recognises it, not the city
    officer.post(reverse("cultivation:recommend", args=[application.pk]),
                 {"recommend": "yes", "note": "符合条件"})
    bureau = client_for(users["admin"])
    bureau.post(reverse("cultivation:score", args=[application.pk]), {"score": "85"})
    bureau.post(reverse("cultivation:publish"), {
        "rung": "srdi_sme", "title": "专精特新中小企业拟认定名单", "days": 5,
        "application": [application.pk]})
    assert not Notice.objects.exists()  # the city does not put provincial titles on notice
    bureau.post(reverse("cultivation:forward"), {"application": [application.pk]})
    application.refresh_from_db()
    assert application.status == "forwarded" and application.expert_score == 85
    bureau.post(reverse("cultivation:outcome", args=[application.pk]), {
        "recognised": "yes", "document": "鲁工信中小〔2026〕12号",
        "day": dt.date.today().isoformat()})
    application.refresh_from_db()
    assert application.status == "recognised"
    assert application.title.document == "鲁工信中小〔2026〕12号"
    ladder = client_for(users["enterprise"]).get(
        reverse("cultivation:ladder", args=[enterprise.credit_code])).content.decode()
    assert "鲁工信中小〔2026〕12号" in ladder and "山东省工业和信息化厅" in ladder


def test_the_city_publishes_its_own_title_for_public_notice(users):
    enterprise = firm(users)
    bureau = client_for(users["admin"])
    bureau.post(reverse("cultivation:apply", args=[enterprise.credit_code]),
                {"rung": "hidden_champion", "acknowledged": "True"})
    application = Application.objects.get()
    bureau.post(reverse("cultivation:recommend", args=[application.pk]), {"recommend": "yes"})
    bureau.post(reverse("cultivation:score", args=[application.pk]), {"score": "85"})
    response = bureau.post(reverse("cultivation:publish"), {
        "rung": "hidden_champion", "title": "青岛市隐形冠军企业拟认定名单", "days": 5,
        "application": [application.pk]})
    notice = Notice.objects.get()
    assert response.url == reverse("cultivation:notice", args=[notice.pk])
    public = Client().get(reverse("cultivation:notice", args=[notice.pk])).content.decode()
    assert enterprise.name in public and "/object" not in public  # no forms for the public
    application.refresh_from_db()
    assert application.status == "noticed"


def test_pools_rank_ready_firms_and_export_them(users):
    enterprise = firm(users)
    client = client_for(users["analyst"])
    html = client.get(reverse("cultivation:pools")).content.decode()
    assert 'data-rung="innovative_sme"' in html and 'id="targets"' in html
    opened = client.get(reverse("cultivation:pools"), {
        "rung": "innovative_sme", "q": enterprise.credit_code}).content.decode()
    table = opened.split('id="candidates"')[1].split("</table>")[0]
    assert enterprise.name in table and table.count("<tr>") == 2  # the header and the firm
    missing = client.get(reverse("cultivation:pools"), {
        "rung": "innovative_sme", "q": "no-such-firm"}).content.decode()
    assert 'class="empty"' in missing
    book = openpyxl.load_workbook(io.BytesIO(b"".join(
        client.get(reverse("cultivation:pools-export")).streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert any(enterprise.credit_code in row for row in rows)
    assert client_for(users["enterprise"]).get(reverse("cultivation:pools")).status_code == 403


def holding(users, rung: str, granted_days_ago: int, expires_in_days: int):
    """The test firm, holding ``rung`` since some days ago until some days from today."""
    enterprise = firm(users)
    today = dt.date.today()
    Title.objects.create(enterprise=enterprise, rung=rung,
                         granted=today - dt.timedelta(days=granted_days_ago),
                         expires=today + dt.timedelta(days=expires_in_days))
    return enterprise


def test_the_report_lists_pools_and_titles_about_to_expire(users):
    enterprise = holding(users, "single_champion", 900, 100)
    client = client_for(users["analyst"])
    html = client.get(reverse("cultivation:pools")).content.decode()
    expiring = html.split('id="expiring"')[1].split("</ul>")[0]
    assert enterprise.name in expiring and "单项冠军" in expiring
    document = Document(io.BytesIO(b"".join(
        client.get(reverse("cultivation:report")).streaming_content)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "制造业单项冠军企业" in text and enterprise.name in text
    assert document.inline_shapes  # the targets chart


def test_the_demo_ladder_fills_the_pools_and_the_titles(users):
    assert ladder.seed(count=60) > 0
    assert ladder.seed(count=60) == 0  # once
    assert Title.objects.exists()
    html = client_for(users["analyst"]).get(reverse("cultivation:pools")).content.decode()
    assert 'class="pool"' in html
    enterprise = users["enterprise"].enterprise
    page = client_for(users["enterprise"]).get(
        reverse("cultivation:ladder", args=[enterprise.credit_code])).content.decode()
    assert 'id="next-rung"' in page


def test_the_ladder_page_compares_the_next_rung_under_its_other_rule_version(users):
    enterprise = holding(users, "srdi_sme", 30, 1_000)
    today = dt.date.today()
    html = client_for(users["enterprise"]).get(
        reverse("cultivation:ladder", args=[enterprise.credit_code])).content.decode()
    in_force = evaluation_in_force("little_giant", today)
    other = next(spec for spec in evaluation.ladder().versions("little_giant")
                 if spec is not in_force)
    now, compared = html.split('id="other-versions"')
    assert in_force.rung.document in now and other.rung.document in compared



def test_the_bureau_records_a_little_giants_city_reward_on_the_applications_page(users):
    enterprise = holding(users, "srdi_sme", 400, 700)
    giant = actions.do_apply(users["admin"], enterprise, "little_giant",
                             dt.date.today() - dt.timedelta(days=20))
    actions.do_recommend(users["admin"], giant, True)
    actions.do_forward(users["admin"], [giant], dt.date.today() - dt.timedelta(days=10))
    actions.do_record_outcome(users["admin"], giant, recognised=True,
                              document="工信部企业函〔2026〕8号", day=dt.date.today())
    bureau = client_for(users["admin"])
    page = bureau.get(reverse("cultivation:applications")).content.decode()
    assert "100 万元" in page and 'class="inline pay"' in page and "工业和信息化部" in page
    response = bureau.post(reverse("cultivation:pay", args=[giant.pk]))
    assert response.url == reverse("cultivation:applications")
    giant.refresh_from_db()
    assert giant.reward_paid_on == dt.date.today()
    assert 'class="inline pay"' not in bureau.get(
        reverse("cultivation:applications")).content.decode()


def test_the_ladder_api_answers_in_the_callers_scope(users):
    enterprise = firm(users, **INNOVATIVE_GAP)
    token = do_issue_token(None, users["enterprise"], "test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    answer = Client().get(f"/api/cultivation/enterprises/{enterprise.credit_code}/ladder",
                          **auth)
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["next_rung"]["rung"] == "innovative_sme"
    assert data["next_rung"]["status"] == "not_qualified"
    assert data["next_rung"]["gaps"] == [
        "研发投入强度 1.99% → ≥ 2%（研发费用 +1 万元）（+5 分）"]
    other = Enterprise.objects.exclude(pk=enterprise.pk).first()
    assert Client().get(f"/api/cultivation/enterprises/{other.credit_code}/ladder",
                        **auth).status_code == 404
    assert Client().get(f"/api/cultivation/enterprises/{enterprise.credit_code}/ladder"
                        ).status_code == 401


def test_the_apply_button_says_whether_the_criteria_are_met_or_an_application_is_under_way(
        users):
    enterprise = firm(users)
    client = client_for(users["enterprise"])
    ladder_url = reverse("cultivation:ladder", args=[enterprise.credit_code])

    def state() -> str:
        page = client.get(ladder_url).content.decode()
        return page.split('id="apply-next" data-state="')[1].split('"')[0]

    verdict = evaluation.verdict_today(enterprise, "innovative_sme", dt.date.today())
    assert state() == {"qualified": "ready", "not_qualified": "short"}.get(
        verdict.status, "unknown")
    client.post(reverse("cultivation:apply", args=[enterprise.credit_code]),
                {"rung": "innovative_sme", "acknowledged": "True"})
    assert state() == "under_way"
    assert "disabled" in client.get(ladder_url).content.decode().split(
        'id="apply-next"')[1].split("</form>")[0]
