"""Every role's workbench in a real Chromium, in Chinese and English, on a 390 px phone and
at 1,400 px: the page fits the screen, shows the role's own sections, and its notice box
counts what is unread. Screenshots go to ACUPOINT_SCREENSHOTS (default /tmp/acupoint-screens;
`make screenshots` writes them to var/screenshots for review)."""

from __future__ import annotations

import pytest

from tests.conftest import load_city_and_users
from tests.e2e.conftest import SHOTS, demo_work, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The section each role's workbench must show.
ROLES = {"enterprise": "#bench-class", "huangdao": "#todos", "cluster": "#todos",
         "analyst": "#todos", "ziran": "#open-consultations"}


def test_every_workbench_fits_a_phone_and_a_desktop(live_server, city_dir, browser_page):
    from acupoint.accounts.models import User
    from acupoint.notices import sending
    from acupoint.notices.models import Kind, Notice

    load_city_and_users(city_dir)
    demo_work()
    sending.send(User.objects.all(), sending.Message(
        Kind.TASK_DUE, "/race/tasks/", {"task": "报送季度数据", "deadline": "2026-12-07",
                                        "overdue": False}, key="e2e"))
    page, base = browser_page, live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    for username, section in ROLES.items():
        log_in(page, base, username)
        for language in ("zh-hans", "en"):
            if page.get_attribute("html", "lang") != language:
                page.click("form.lang button")
                page.wait_for_selector(f"html[lang={language}]")
            for width in (390, 1400):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{base}/")
                assert page.locator(section).count() == 1, (username, language)
                unread = Notice.objects.filter(user__username=username, read_at=None).count()
                assert page.locator("#notice-box .notice-count").inner_text() == str(unread)
                overflow = page.evaluate("document.documentElement.scrollWidth")
                assert overflow <= width, (username, language, width, overflow)
                page.screenshot(path=str(SHOTS / f"workbench-{username}-{width}-{language}.png"),
                                full_page=True)
        page.click("form.lang button")  # back to Chinese for the next role
        page.wait_for_selector("html[lang=zh-hans]")
    page.click("#notice-box")
    assert "报送季度数据" in page.locator("#notices").inner_text()
