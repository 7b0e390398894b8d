"""Policy delivery in a real Chromium: an enterprise manager on a phone opens "my policies"
and sees a clause it qualifies for, with its amount and why, and a near miss with its gap;
the bureau simulates an amendment of one clause and sees the change in reach and cost."""

from __future__ import annotations

import pytest

from tests.conftest import follow_menu, load_city_and_users
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enterprise_sees_its_policies_and_bureau_simulates_a_change(
        live_server, city_dir, browser_page):
    load_city_and_users(city_dir)
    page, base = browser_page, live_server.url

    log_in(page, base, "enterprise")
    follow_menu(page, "我的政策")
    page.wait_for_selector("#eligible-count")
    eligible = page.locator('article.eligible[data-clause="demo-manufacturing/'
                            'digital-transformation"]')
    assert "60 万元" in eligible.locator(".amount").inner_text()
    assert "数字化改造投入 300 万元 × 20% = 60 万元" in eligible.locator(".arithmetic").inner_text()
    assert "✓" in eligible.locator(".conditions").inner_text()
    near = page.locator('article.near[data-clause="demo-market/first-unit-equipment"]')
    assert near.locator(".gap").inner_text() == "首台（套）装备销售额 460 万元，需 ≥ 500 万元"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(path=str(city_dir / "my_policies.png"), full_page=True)

    log_in(page, base, "admin")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/policies/demo-manufacturing/")
    before_cost = float(page.inner_text("#policy-cost").replace(",", ""))
    page.click("#simulate-link")
    page.click("#simulate-advanced summary")  # the analyst's view: the file as text
    text = page.input_value("#id_text")
    page.fill("#id_text", text.replace('"digital_investment >= 100"',
                                       '"digital_investment >= 50"'))
    page.click("#simulate-text-form button")
    page.wait_for_selector("#simulation-result")
    baseline = int(page.inner_text("#baseline-eligible"))
    draft = int(page.inner_text("#draft-eligible"))
    assert draft > baseline
    assert float(page.inner_text("#draft-cost").replace(",", "")) > float(
        page.inner_text("#baseline-cost").replace(",", ""))
    assert page.locator("#changes tbody tr").count() == draft - baseline
    # Simulating publishes nothing.
    page.goto(f"{base}/policies/demo-manufacturing/")
    assert float(page.inner_text("#policy-cost").replace(",", "")) == before_cost
    assert not page.outside_requests
