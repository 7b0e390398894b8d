"""Policy co-creation in a real Chromium: an enterprise submits a demand; an association
writes the first draft; the bureau adopts the demand into a clause, runs a public round in
which two accounts comment, answers both, closes the round, exports the report and publishes;
the enterprise sees its demand adopted into a published clause."""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document

from tests.conftest import follow_menu, load_city_and_users
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMAND = "整车项目奖励上限太低"


def _comment(page, base: str, username: str, round_url: str, text: str) -> None:
    log_in(page, base, username)
    page.goto(round_url)
    form = page.locator('section.clause[data-key="vehicle"] form.comment-form')
    form.locator("textarea").fill(text)
    form.locator("input[name=quote]").fill("最高1亿元")
    form.locator("button").click()
    page.wait_for_selector("ul.messages li.success")


def test_a_demand_goes_from_enterprise_to_a_published_clause(
        live_server, city_dir, browser_page, tmp_path):  # noqa: F811
    load_city_and_users(city_dir)
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, base, "enterprise")
    follow_menu(page, "政策共创")
    page.click("#new-demand")
    page.fill("#id_title", DEMAND)
    page.fill("#id_text", "建议将整车项目奖励上限提高到2亿元，吸引整车企业落户。")
    page.select_option("#id_category", "funding")
    page.click("#demand-form button")
    assert "已收到" in page.locator("#demands tbody tr").first.inner_text()

    log_in(page, base, "admin")
    page.goto(f"{base}/cocreation/")
    page.click("text=新建草案")
    page.fill("#id_title", "新能源汽车产业链政策（征求意见稿）")
    page.fill("#id_policy_id", "cocreated-nev")
    page.fill("#id_author", "association")
    page.click("form[action$='drafts/new'] button")
    draft_url = page.url

    log_in(page, base, "association")
    page.goto(draft_url)
    page.fill("#id_form-0-key", "vehicle")
    page.fill("#id_form-0-article", "第一条")
    page.fill("#id_form-0-title", "整车项目奖励")
    page.fill("#id_form-0-text", "对新落户整车企业，按设备投资的20%给予奖励，最高1亿元。")
    page.select_option("#id_form-0-chain", "manufacturing")
    page.select_option("#id_form-0-side", "supply")
    page.select_option("#id_form-0-support", "reward")
    page.click("#clause-editor button[type=submit]")
    assert "第 2 版" in page.inner_text("h1")

    log_in(page, base, "admin")
    page.goto(f"{base}/cocreation/")
    row = page.locator("#demands tbody tr", has_text=DEMAND)
    row.locator("select[name=status]").select_option("adopted")
    row.locator("select[name=clause]").select_option("cocreated-nev/vehicle")  # by its title
    row.locator("button").click()
    assert "已采纳入草案条款" in page.locator("#demands tbody tr", has_text=DEMAND).inner_text()
    page.goto(draft_url)
    today = dt.date.today()
    page.select_option("#id_kind", "public")
    page.fill("#id_opens", today.isoformat())
    page.fill("#id_closes", (today + dt.timedelta(days=30)).isoformat())
    page.check("#id_public")
    page.click("#round-form button")
    round_url = page.url

    _comment(page, base, "enterprise", round_url, "建议上限提高到2亿元。")
    _comment(page, base, "association", round_url, "建议明确设备投资的认定口径。")

    log_in(page, base, "admin")
    page.goto(round_url)
    assert page.locator("li.comment").count() == 2
    for _ in range(2):
        form = page.locator("form.answer-form").first
        form.locator("select[name=decision]").select_option("partly")
        form.locator("input[name=reason]").fill("上限调整为1.5亿元，口径另行明确。")
        form.locator("button").click()
        page.wait_for_load_state()
    page.click("#close-round button")
    assert "已结束" in page.inner_text("h1")
    with page.expect_download() as download:
        page.click("#report-docx")
    report = tmp_path / "report.docx"
    download.value.save_as(report)
    text = "\n".join(paragraph.text for paragraph in Document(report).paragraphs)
    assert "建议上限提高到2亿元。" in text and "上限调整为1.5亿元" in text

    page.goto(draft_url)
    page.click("#publish-form button")
    page.wait_for_url(f"{base}/policies/cocreated-nev/")
    assert DEMAND in page.inner_text("p.answers")

    log_in(page, base, "enterprise")
    page.goto(f"{base}/cocreation/")
    mine = page.locator("#demands tbody tr", has_text=DEMAND).inner_text()
    assert "已采纳入草案条款" in mine and "第一条" in mine
    assert not page.outside_requests
