"""The project fast track in a real Chromium: a district officer, on a phone, records that the
planning department accepted a project's complete application long enough ago that the
government's time is past the reform's 100 working days, then a correction asked of the
applicant (补正, when the clock stops); the project is overdue on the board, and the planning
department's member finds it and its escalation on the department dashboard."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import follow_menu, load_city_and_users
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _project():
    from acupoint.accounts.models import User
    from acupoint.projects import actions, defaults
    from acupoint.projects.models import Department, StageRule
    from acupoint.registry.models import District

    defaults.ensure(Department, StageRule)  # a transactional test starts from a flushed base
    Department.objects.get(code="natural-resources").members.add(
        User.objects.get(username="ziran"))
    officer = User.objects.get(username="huangdao")
    project = actions.do_create_project(
        officer, name="示例海洋装备项目", investor="示例海洋装备有限公司", industry_code="3733",
        planned_investment=80_000.0, district=District.objects.get(name="黄岛"),
        first_contact=dt.date(2025, 3, 3))
    for stage, day in (("negotiation", dt.date(2025, 3, 10)), ("signing", dt.date(2025, 4, 1)),
                       ("registration", dt.date(2025, 4, 8))):
        actions.do_record_stage(officer, project, stage=stage, day=day)
    return project


def _column_of(page, project_pk: int) -> str:
    return page.locator(f"li.project-card[data-project='{project_pk}']").evaluate(
        "card => card.closest('section.column').dataset.stage")


def test_an_officer_records_a_stage_and_the_overdue_stage_reaches_its_department(
        live_server, city_dir, browser_page):
    load_city_and_users(city_dir)
    project = _project()
    page, base = browser_page, live_server.url

    log_in(page, base, "huangdao")
    follow_menu(page, "项目")
    assert _column_of(page, project.pk) == "registration"
    page.click(f"li.project-card[data-project='{project.pk}'] a")
    form = page.locator("#accept-application")
    form.locator("select[name=stage]").select_option("land_planning")
    form.locator("input[name=day]").fill("2025-04-10")
    form.locator("button").click()
    assert "政府审批用时开始计算" in page.locator("ul.messages").inner_text()
    waiting = page.locator("#waiting").inner_text()
    assert "立项用地规划许可" in waiting and "逾期" in waiting
    row = page.locator("#approvals tbody tr").first
    row.locator("select[name=step]").select_option("correction")
    row.locator("input[name=day]").fill("2025-10-09")
    row.locator("input[name=note]").fill("缺少用地预审意见")
    row.locator("button").click()
    row = page.locator("#approvals tbody tr").first
    assert "2025-10-09 – 待补正（缺少用地预审意见）" in row.inner_text()
    assert "申请人补正期间不计时" in page.locator("#waiting").inner_text()
    assert "100" in page.locator("#approval-total").inner_text()
    page.screenshot(path="/tmp/project-phone.png", full_page=True)

    page.goto(f"{base}/projects/")
    card = page.locator(f"li.project-card[data-project='{project.pk}']")
    assert "逾期" in card.inner_text()

    log_in(page, base, "ziran")
    page.set_viewport_size({"width": 1280, "height": 900})
    follow_menu(page, "本部门")
    page.get_by_role("link", name="市自然资源和规划局").click()
    overdue = page.locator(f"#overdue tr[data-project='{project.pk}']")
    assert "立项用地规划许可" in overdue.inner_text()
    assert "示例海洋装备项目" in page.locator("#open-escalations").inner_text()
    assert page.outside_requests == []
