"""The race round trip in a real Chromium: the bureau runs an assessment and publishes it; the
cluster's manager sees the result on the cluster page and updates one of its tasks."""

from __future__ import annotations

import pytest

from tests.conftest import CITY_YEARS, follow_menu, load_city_and_users
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = CITY_YEARS[1]


def test_bureau_publishes_manager_sees_result_and_updates_task(
        live_server, city_dir, browser_page):
    from acupoint.accounts.models import User
    from acupoint.clusters.models import Assessment, Task

    load_city_and_users(city_dir)
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, base, "analyst")
    follow_menu(page, "集聚区赛马")
    page.wait_for_selector("[data-chart-map], #chart-map, [data-chart]")
    page.fill("#id_year", str(YEAR))
    page.fill("#id_fund", "5000")
    page.click("#run-assessment button")
    page.wait_for_selector('#assessment-status[data-status="draft"]')
    assert page.locator("table.leaderboard tbody tr").count() == 14
    assert page.inner_text("th.reward-total") == "5000.00"
    page.click("#publish-assessment button")
    page.wait_for_selector('#assessment-status[data-status="published"]')
    assessment = Assessment.objects.get(period=str(YEAR))
    assert assessment.status == Assessment.Status.PUBLISHED

    manager = User.objects.get(username="cluster")
    task = Task.objects.filter(cluster=manager.cluster).exclude(status="done").first()
    if task is None:
        task = Task.objects.filter(cluster=manager.cluster).first() or Task.objects.create(
            meeting=Task.objects.first().meeting, decision="完成招商图谱",
            cluster=manager.cluster, deadline=assessment.created_at.date())
        task.status = "open"
        task.save()
    log_in(page, base, "cluster")
    page.set_viewport_size({"width": 390, "height": 844})
    follow_menu(page, "集聚区赛马")
    page.get_by_role("link", name=manager.cluster.name).first.click()
    page.wait_for_selector("#latest-result")
    result = assessment.results.get(cluster=manager.cluster)
    assert f"{result.members}" in page.inner_text("#latest-result")
    row = page.locator(f'tr[data-task="{task.pk}"]')
    row.locator("select[name=status]").select_option("done")
    row.locator("input[name=note]").fill("图谱已报联席会议办公室")
    row.locator("button").click()
    page.wait_for_selector(".messages li")
    task.refresh_from_db()
    assert (task.status, task.note) == ("done", "图谱已报联席会议办公室")
