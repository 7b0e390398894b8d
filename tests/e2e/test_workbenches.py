"""Every role's workbench in a real Chromium, in Chinese on a 390 px phone and in English at
1,400 px: the page fits the screen, shows the role's own sections, and its notice box
counts what is unread. Screenshots go to ACUPOINT_SCREENSHOTS (default /tmp/acupoint-screens)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import CITY_YEARS, load_city_and_users
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("ACUPOINT_SCREENSHOTS", "/tmp/acupoint-screens"))

# The section each role's workbench must show.
ROLES = {"enterprise": "#bench-class", "huangdao": "#todos", "cluster": "#todos",
         "analyst": "#todos", "ziran": "#open-consultations"}


def test_every_workbench_fits_a_phone_and_a_desktop(live_server, city_dir,
                                                    browser_page):
    from acupoint.cli import _publish_demo_evaluations
    from acupoint.notices import sending
    from acupoint.notices.models import Kind

    load_city_and_users(city_dir)
    _publish_demo_evaluations([CITY_YEARS[1]])
    from acupoint.accounts.models import User

    sending.send(User.objects.all(), sending.Message(
        Kind.TASK_DUE, "/clusters/tasks/", {"task": "报送季度数据", "deadline": "2026-12-07",
                                            "overdue": False}, key="e2e"))
    page, base = browser_page, live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    for username, section in ROLES.items():
        page.set_viewport_size({"width": 390, "height": 844})
        log_in(page, base, username)
        assert page.locator(section).count() == 1, username
        assert page.locator("#notice-box .notice-count").inner_text() == "1"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, username
        page.screenshot(path=str(SHOTS / f"workbench-{username}-390-zh.png"), full_page=True)
        page.set_viewport_size({"width": 1400, "height": 900})
        page.click("form.lang button")  # English
        page.wait_for_selector("html[lang=en]")
        assert page.locator(section).count() == 1, username
        page.screenshot(path=str(SHOTS / f"workbench-{username}-1400-en.png"), full_page=True)
        page.click("form.lang button")  # back to Chinese for the next role
        page.wait_for_selector("html[lang=zh-hans]")
    page.click("#notice-box")
    assert "报送季度数据" in page.locator("#notices").inner_text()
