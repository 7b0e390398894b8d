"""The triage round trip in a real Chromium: an analyst runs, reviews and publishes an
evaluation; the enterprise sees its card and disputes a figure; the analyst accepts."""

from __future__ import annotations

import pytest

from tests.conftest import CITY_YEARS, follow_menu, load_city_and_users
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = CITY_YEARS[1]


def test_analyst_publishes_enterprise_appeals_analyst_resolves(
        live_server, city_dir, browser_page, tmp_path):  # noqa: F811
    from acupoint.accounts.models import User
    from acupoint.registry.models import AnnualData
    from acupoint.triage.models import Appeal, EvaluationRun

    load_city_and_users(city_dir)
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, base, "analyst")
    follow_menu(page, "亩均评价")
    page.select_option("#id_spec", "shandong_2019.yaml")
    page.fill("#id_year", str(YEAR))
    page.click("#start-run button")
    page.wait_for_selector('#run-status[data-status="draft"]', timeout=60_000)
    page.wait_for_selector("#district-chart[data-rendered=true], [data-chart][data-rendered=true]",
                           timeout=20_000)
    assert page.locator("#by-district tbody tr").count() >= 5

    page.get_by_role("link", name="排名").first.click()
    page.wait_for_selector("table.results")
    assert page.locator("table.results tbody tr").count() == 50
    page.select_option("#id_grade", "D")
    page.click("#ranking-filters button")
    grades = page.locator("table.results tbody tr").evaluate_all(
        "rows => rows.map(row => row.dataset.grade)")
    assert grades and set(grades) == {"D"}
    page.go_back()
    page.go_back()
    page.click("#fragile-link")
    page.wait_for_selector("table.results")
    page.go_back()
    page.click("#publish button")
    page.wait_for_selector('#run-status[data-status="published"]')
    run = EvaluationRun.objects.get()
    assert run.status == EvaluationRun.Status.PUBLISHED

    firm = User.objects.get(username="enterprise").enterprise
    log_in(page, base, "enterprise")
    page.set_viewport_size({"width": 390, "height": 844})
    follow_menu(page, "我的评价")
    page.wait_for_selector("#card-name")
    assert page.inner_text("#card-name") == firm.name
    assert page.inner_text("#card-class") == run.results.get(enterprise=firm).grade
    assert page.inner_text("#card-percentile")[0] in "前后"  # counted from the nearer end
    assert page.locator("#class-rules").is_visible()
    recorded = AnnualData.objects.get(enterprise=firm, year=YEAR).tax
    evidence = tmp_path / "完税证明.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence")
    page.select_option("#id_field", "tax")
    page.fill("#id_claimed_value", str(round(recorded * 3, 2)))
    page.fill("#id_reason", "第四季度税款漏报，附完税证明。")
    page.set_input_files("#id_attachment", str(evidence))
    page.click("#appeal-form button")
    page.wait_for_selector("#card-appeals .appeal-status")
    assert page.inner_text("#card-appeals .appeal-status") == "待处理"
    page.screenshot(path=str(city_dir / "triage_card.png"), full_page=True)

    log_in(page, base, "analyst")
    follow_menu(page, "异议申诉")
    page.locator("#appeals tbody a").first.click()
    page.check("input[name=decision][value=accept]")
    page.fill("#id_answer", "经核实，采纳更正，已重新评价。")
    page.click("#resolve-form button")
    page.wait_for_selector("#appeal-preview")
    assert "其他" in page.inner_text("#preview-others")
    page.screenshot(path=str(city_dir / "appeal_preview.png"), full_page=True)
    page.click("#confirm-form button")
    page.wait_for_selector("#corrected-run")
    assert page.inner_text("#appeal-status") == "已采纳"
    appeal = Appeal.objects.get()
    assert appeal.corrected_run.status == EvaluationRun.Status.PUBLISHED

    log_in(page, base, "enterprise")
    follow_menu(page, "我的评价")
    page.wait_for_selector("#card-appeals")
    assert f"/triage/{appeal.corrected_run_id}/" in page.url
    assert "经核实，采纳更正" in page.inner_text("#card-appeals")
    assert page.outside_requests == []
