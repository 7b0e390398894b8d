"""A real Chromium, driven by Playwright, against the live site."""

from __future__ import annotations

import pytest

from tests.conftest import follow_menu, load_city_and_users

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enterprise_user_sees_own_page_in_chinese_and_is_refused_another(
        live_server, city_dir, browser_page):
    from acupoint.accounts.models import User
    from acupoint.registry.models import Enterprise

    load_city_and_users(city_dir)
    user = User.objects.get(username="enterprise")
    own = user.enterprise
    other = Enterprise.objects.exclude(pk=own.pk).order_by("pk").first()
    page = browser_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "enterprise")
    page.fill("#id_password", "enterprise-demo-2019")
    page.click("form.login button")
    page.wait_for_url(f"{live_server.url}/")
    follow_menu(page, "我的企业")
    page.wait_for_selector("#enterprise-name")
    assert page.inner_text("#enterprise-name") == own.name
    assert "统一社会信用代码" in page.content()
    page.wait_for_selector("[data-chart][data-rendered=true]", timeout=20_000)
    assert page.locator("[data-chart] svg").count() == 1
    page.screenshot(path=str(city_dir / "enterprise_page.png"), full_page=True)

    # Chinese glyphs are drawn, not tofu: the heading is wider than its box of fallbacks.
    width = page.evaluate("() => document.querySelector('#enterprise-name').scrollWidth")
    assert width > 12 * len(own.name) * 0.8

    response = page.goto(f"{live_server.url}/registry/enterprises/{other.credit_code}/")
    assert response.status == 404
    assert other.name not in page.content()
    api = page.goto(f"{live_server.url}/api/enterprises/{other.credit_code}")
    assert api.status == 404
    assert page.outside_requests == []
