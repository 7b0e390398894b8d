"""Each role's main task from its workbench to the end, in a real Chromium, through forms
only: an enterprise applies for a policy on its phone, the bureau finds and approves it and
records the payment, the enterprise sees it paid; the bureau assesses the clusters with its
own weights; the bureau simulates a policy amendment by changing a figure."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import follow_menu, load_city_and_users
from tests.e2e.conftest import SHOTS, demo_work, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _field(page, *words: str):
    """The input of the labelled field whose label holds every one of ``words``."""
    row = page.locator(".form-grid p")
    for word in words:
        row = row.filter(has_text=word)
    return row.first.locator("input")


def test_an_application_goes_from_the_enterprise_to_payment(live_server, city_dir,
                                                            browser_page):
    from acupoint.accounts.models import User

    load_city_and_users(city_dir)
    firm = User.objects.get(username="enterprise").enterprise
    page, base = browser_page, live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)

    log_in(page, base, "enterprise")
    page.set_viewport_size({"width": 390, "height": 844})
    follow_menu(page, "我的政策")
    article = page.locator("article.eligible").filter(has=page.locator("form button")).first
    from acupoint.policies.models import PolicyClause

    clause = PolicyClause.objects.get(key=article.get_attribute("data-clause")).title
    article.locator("form button").click()
    assert page.locator("ul.messages").count() == 1

    log_in(page, base, "admin")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.locator("#todos a[href*='/policies/applications/']").first.click()
    page.fill("#application-filters input[name=q]", firm.name)
    page.click("#application-filters button")
    page.wait_for_url(re.compile(r"[?&]q="))  # the list swapped in place, the address kept
    rows = page.locator("#applications tbody tr")
    assert all(firm.name in text for text in rows.all_inner_texts())
    mine = rows.filter(has_text=clause).first
    page.evaluate("window.samePage = true")
    mine.locator("select[name=status]").select_option("approved")
    mine.locator("form.decide button").click()
    # The list waits for decisions: the approved one leaves it, swapped in place.
    expect(page.locator("#applications tbody tr").filter(has_text=clause)).to_have_count(0)
    assert page.evaluate("window.samePage === true")
    assert "q=" in page.url  # and still on the filtered list
    page.goto(f"{base}/policies/applications/?q={firm.credit_code}&status=approved")
    mine = page.locator("#applications tbody tr").filter(has_text=clause).first
    mine.locator("select[name=status]").select_option("paid")
    mine.locator("input[name=amount]").fill("20")
    mine.locator("form.decide button").click()
    page.goto(f"{base}/policies/applications/?q={firm.credit_code}&status=paid")
    assert page.locator("#applications tbody tr").filter(has_text=clause).count() == 1

    log_in(page, base, "enterprise")
    page.set_viewport_size({"width": 390, "height": 844})
    timeline = page.locator("#bench-applications .timeline-item").filter(has_text=clause)
    assert timeline.locator("li.done").last.inner_text().startswith("已拨付")
    page.screenshot(path=str(SHOTS / "journey-application-paid-390.png"), full_page=True)

    log_in(page, base, "admin")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/policies/applications/?status=submitted")
    form = page.locator("#applications form.decide").first
    box = form.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_the_bureau_assesses_the_clusters_with_its_own_weights(live_server, city_dir,
                                                               browser_page):
    from acupoint.clusters.models import Assessment

    load_city_and_users(city_dir)
    demo_work()
    page, base = browser_page, live_server.url
    log_in(page, base, "analyst")
    page.set_viewport_size({"width": 1400, "height": 900})
    follow_menu(page, "集聚区赛马")
    _field(page, "整体规划", "考核总分").fill("25")
    page.click("#run-assessment button.primary")
    assert "100%" in page.inner_text("#run-assessment")  # 105% refused, nothing computed
    assert not Assessment.objects.filter(status=Assessment.Status.DRAFT).exists()
    _field(page, "产业层次", "考核总分").fill("25")
    page.click("#run-assessment button.primary")
    page.wait_for_url(re.compile(r"/race/assessments/\d+/$"))
    draft = Assessment.objects.get(status=Assessment.Status.DRAFT)
    weights = {item["code"]: item["weight"] for item in draft.spec_data["aggregates"]
               if item.get("weight") is not None}
    assert weights["planning"] == pytest.approx(0.25) and weights["level"] == pytest.approx(0.25)
    page.screenshot(path=str(SHOTS / "journey-assessment-1400.png"), full_page=True)


def test_the_bureau_simulates_an_amendment_by_changing_a_figure(live_server, city_dir,
                                                                browser_page):
    load_city_and_users(city_dir)
    page, base = browser_page, live_server.url
    log_in(page, base, "admin")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{base}/policies/demo-manufacturing/")
    page.click("#simulate-link")
    threshold = _field(page, "数字化", "≥")
    assert threshold.input_value() == "100.0" or threshold.input_value() == "100"
    threshold.fill("50")
    page.click("#simulate-form button.primary")
    page.wait_for_selector("#simulation-result")
    assert int(page.inner_text("#draft-eligible")) > int(page.inner_text("#baseline-eligible"))
    assert "digital_investment" not in page.inner_text("#amendment-figures")
    page.screenshot(path=str(SHOTS / "journey-amendment-1400.png"), full_page=True)
    assert not page.outside_requests
