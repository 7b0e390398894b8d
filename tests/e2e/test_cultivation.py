"""The cultivation ladder in a real Chromium: an enterprise opens its ladder page and sees its
next rung with what it lacks, and applies; its district officer recommends it; the bureau
enters the experts' score and publishes the list for public notice, which anyone can read."""

from __future__ import annotations

import pytest

from tests.conftest import load_city_and_users
from tests.cultivation.test_actions import INNOVATIVE_GAP, firm, officer_of
from tests.e2e.test_enterprise_user import browser_page  # noqa: F401 - the fixture
from tests.e2e.test_triage import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_enterprise_applies_its_district_recommends_and_the_bureau_publishes(
        live_server, city_dir, browser_page):  # noqa: F811
    from acupoint.accounts.models import User

    load_city_and_users(city_dir)
    users = {user.username: user for user in User.objects.all()}
    enterprise = firm(users, **INNOVATIVE_GAP)
    officer = officer_of(enterprise)
    page, base = browser_page, live_server.url

    _log_in(page, base, "enterprise")
    page.get_by_role("link", name="梯度培育").click()
    next_rung = page.locator("#next-rung")
    assert "创新型中小企业" in next_rung.inner_text()
    assert "研发投入强度 1.99% → ≥ 2%（研发费用 +1 万元）" in next_rung.locator(
        "ul.gaps").inner_text()
    page.click("#apply-next button")
    assert "已提交" in page.locator("ul.messages").inner_text()

    _log_in(page, base, officer.username)
    page.goto(f"{base}/cultivation/applications/")
    row = page.locator("#applications tbody tr").first
    row.locator("select[name=recommend]").select_option("yes")
    row.locator("input[name=note]").fill("企业研发投入增长较快，予以推荐")
    row.locator("form.recommend button").click()
    assert "区（市）已推荐" in page.locator("#applications tbody tr").first.inner_text()

    _log_in(page, base, "admin")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/cultivation/applications/")
    row = page.locator("#applications tbody tr").first
    row.locator("input[name=score]").fill("78")
    row.locator("form.score button").click()
    page.locator("#applications tbody tr").first.locator(
        "input[name=application]").check()
    page.select_option("#id_rung", "innovative_sme")
    page.fill("#id_title", "2026年创新型中小企业拟认定名单公示")
    page.click("#publish-notice button")
    assert "2026年创新型中小企业拟认定名单公示" in page.locator("h1").inner_text()
    assert enterprise.name in page.locator("#notice-list").inner_text()
    notice_url = page.url

    page.context.clear_cookies()
    page.goto(notice_url)
    assert enterprise.name in page.locator("#notice-list").inner_text()
    assert page.outside_requests == []
