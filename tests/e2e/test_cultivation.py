"""The cultivation ladder in a real Chromium: an enterprise opens its ladder page and sees its
next rung with what it lacks and who grants it, and applies; its district officer recommends
it; the bureau enters the preliminary score, forwards the firm to the province (the city does
not grant provincial titles) and records the province's decision with its document number,
which the enterprise then sees on its ladder."""

from __future__ import annotations

import pytest

from tests.conftest import follow_menu, load_city_and_users
from tests.cultivation.test_actions import INNOVATIVE_GAP, firm, officer_of
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_enterprise_applies_its_district_recommends_and_the_bureau_forwards(
        live_server, city_dir, browser_page):
    from acupoint.accounts.models import User

    load_city_and_users(city_dir)
    users = {user.username: user for user in User.objects.all()}
    enterprise = firm(users, **INNOVATIVE_GAP)
    officer = officer_of(enterprise)
    page, base = browser_page, live_server.url

    log_in(page, base, "enterprise")
    follow_menu(page, "梯度培育")
    next_rung = page.locator("#next-rung")
    assert "科技和创新型中小企业" in next_rung.inner_text()  # the 2026 name of the first rung
    assert "山东省工业和信息化厅" in page.locator("#next-grantor").inner_text()
    assert "研发投入强度 1.99% → ≥ 2%（研发费用 +1 万元）" in next_rung.locator(
        "ul.gaps").first.inner_text()
    assert page.get_attribute("#apply-next", "data-state") == "short"
    page.click("#apply-next button")
    assert "研发投入强度" in page.inner_text("#apply-warning")  # warned before filing
    page.click("#apply-anyway button")
    assert "已提交" in page.locator("ul.messages").inner_text()
    assert page.get_attribute("#apply-next", "data-state") == "under_way"

    log_in(page, base, officer.username)
    page.goto(f"{base}/cultivation/applications/")
    row = page.locator("#applications tbody tr").first
    row.locator("select[name=recommend]").select_option("yes")
    row.locator("input[name=note]").fill("企业研发投入增长较快，予以推荐")
    row.locator("form.recommend button").click()
    assert "区（市）已推荐" in page.locator("#applications tbody tr").first.inner_text()

    log_in(page, base, "admin")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/cultivation/applications/")
    row = page.locator("#applications tbody tr").first
    row.locator("input[name=score]").fill("78")
    row.locator("form.score button").click()
    page.locator("#applications tbody tr").first.locator(
        "input[name=application]").check()
    page.click("#forward button")
    row = page.locator("#applications tbody tr").first
    assert "已报送认定机关" in row.inner_text()
    row.locator("select[name=recognised]").select_option("yes")
    row.locator("input[name=document]").fill("鲁工信中小〔2026〕31号")
    import datetime as dt

    row.locator("input[name=day]").fill(dt.date.today().isoformat())
    row.locator("form.outcome button").click()
    row = page.locator("#applications tbody tr").first
    assert "已认定" in row.inner_text() and "鲁工信中小〔2026〕31号" in row.inner_text()
    page.screenshot(path="/tmp/cultivation-applications.png", full_page=True)

    log_in(page, base, "enterprise")
    follow_menu(page, "梯度培育")
    titles = page.locator("#titles").inner_text()
    assert "科技和创新型中小企业" in titles and "鲁工信中小〔2026〕31号" in titles
    assert "山东省工业和信息化厅" in titles
    assert page.outside_requests == []
