"""The operations page in a real Chromium, as the bureau's administrator reads it on a phone in
Chinese and on a desktop in English: health with the silent worker named, the failed task by
its name with its traceback behind a toggle, nothing wider than the screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import load_city_and_users
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/acupoint-screens")


def _failed_import() -> None:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        status="FAILED", args_kwargs={}, task_path="acupoint.registry.tasks.import_file",
        backend_name="default", run_after=timezone.now(), finished_at=timezone.now(),
        exception_class_path="django.db.utils.OperationalError",
        traceback="Traceback (most recent call last):\n  File \"/opt/acupoint/lib/python3.11/"
                  "site-packages/acupoint/registry/tasks.py\", line 20, in import_file\n"
                  "django.db.utils.OperationalError: server closed the connection unexpectedly")


def test_the_administrator_reads_health_queue_and_failures(live_server, city_dir,
                                                           browser_page):
    load_city_and_users(city_dir)
    _failed_import()
    page, base = browser_page, live_server.url
    SHOTS.mkdir(exist_ok=True)

    log_in(page, base, "admin")
    page.goto(f"{base}/operations/")
    assert "数据库响应正常" in page.locator("#health li.met").first.inner_text()
    assert page.locator("#health li.not-met").count() == 1  # no worker in this test
    assert "acupoint worker" in page.locator("#health li.not-met").inner_text()
    assert "尚无评估批次" in page.locator("#recent-runs").inner_text()
    assert "失败 1" in page.locator("#queue-counts").inner_text()
    failed = page.locator("#failed-tasks tbody tr").first
    assert failed.locator("td").first.inner_text() == "数据导入"
    failed.locator("summary").click()
    assert "server closed the connection" in failed.locator("pre.traceback").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "operations-phone-zh.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("form.lang button")  # English
    page.wait_for_selector("html[lang=en]")
    assert "1 failed" in page.locator("#queue-counts").inner_text()
    assert page.locator("#failed-tasks tbody tr td").first.inner_text() == "Data import"
    page.screenshot(path=str(SHOTS / "operations-desktop-en.png"), full_page=True)
