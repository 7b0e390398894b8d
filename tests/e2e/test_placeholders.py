"""Placeholder marks in a real Chromium: the enterprise sees 待定参数 beside its class and its
surcharges on its evaluation card and beside the amounts of example clauses in its policy
inbox, opens the list with a tap on a phone, and reads a clause as 摘要 where no original text
is held; the same in English on a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CITY_YEARS, load_city_and_users
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/acupoint-screens")


def _published_run():
    from acupoint.cli import _publish_demo_evaluations
    from acupoint.triage.models import EvaluationRun

    _publish_demo_evaluations([CITY_YEARS[1]])
    return EvaluationRun.objects.get(status=EvaluationRun.Status.PUBLISHED)


def test_the_enterprise_sees_which_figures_rest_on_placeholders(
        live_server, city_dir, browser_page):
    from acupoint.accounts.models import User

    load_city_and_users(city_dir)
    run = _published_run()
    firm = User.objects.get(username="enterprise").enterprise
    page, base = browser_page, live_server.url
    SHOTS.mkdir(exist_ok=True)

    log_in(page, base, "enterprise")
    page.goto(f"{base}/triage/{run.pk}/firms/{firm.credit_code}/")
    mark = page.locator(".cards details.placeholder-mark").first
    assert mark.locator("summary").inner_text() == "待定参数"
    mark.locator("summary").click()  # a tap opens the list on a phone
    listed = mark.locator("ul").inner_text()
    assert "权重由县级政府确定" in listed and "本市自行设定" in listed
    assert "B 类" in page.locator("#card-placeholders + ul").inner_text()
    page.screenshot(path=str(SHOTS / "card-phone-zh.png"), full_page=True)

    page.goto(f"{base}/policies/enterprise/{firm.credit_code}/")
    example = page.locator(
        'article.eligible[data-clause="demo-manufacturing/digital-transformation"]')
    assert "60 万元" in example.locator("h3").inner_text()
    assert "数字化改造投入 300 万元 × 20% = 60 万元（上限 300 万元）" in example.locator(
        ".arithmetic").inner_text()
    assert example.locator("details.placeholder-mark summary").inner_text() == "待定参数"
    example.locator("details.placeholder-mark summary").click()
    assert "示例政策" in example.locator("details.placeholder-mark ul").inner_text()
    assert "条款摘要（非原文）" in example.locator("details:not(.placeholder-mark) summary")\
        .inner_text()
    page.screenshot(path=str(SHOTS / "inbox-phone-zh.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("form.lang button")  # English
    page.goto(f"{base}/triage/{run.pk}/firms/{firm.credit_code}/")
    assert page.locator(".cards details.placeholder-mark summary").first.inner_text() \
        == "Placeholder values"
    page.screenshot(path=str(SHOTS / "card-desktop-en.png"), full_page=True)
    page.goto(f"{base}/policies/enterprise/{firm.credit_code}/")
    example = page.locator(
        'article.eligible[data-clause="demo-manufacturing/digital-transformation"]')
    assert example.locator("details.placeholder-mark summary").inner_text() == \
        "Placeholder values"
    # The arithmetic in English words; the data keep the labels of the catalogue.
    assert "数字化改造投入 300 万元 × 20% = 60 万元 (cap 300 万元)" in example.locator(
        ".arithmetic").inner_text()
    page.screenshot(path=str(SHOTS / "inbox-desktop-en.png"), full_page=True)
    assert page.outside_requests == []
