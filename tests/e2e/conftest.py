"""What the browser tests share: a Chromium page that records any request leaving the site
and any Content-Security-Policy refusal, and signing in as a demo user."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connections

from tests.conftest import chromium_path, require

# Where the browser tests leave the screenshots a reviewer looks at; every main page is shot
# only when a reviewer asks (`make screenshots` sets the folder).
SHOTS = Path(os.environ.get("ACUPOINT_SCREENSHOTS", "/tmp/acupoint-screens"))
EVERY_PAGE = "ACUPOINT_SCREENSHOTS" in os.environ


@pytest.fixture
def browser_page(monkeypatch):
    executable = chromium_path()
    if executable is None:
        require("ACUPOINT_REQUIRE_BROWSER", "Chromium is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop shares the thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        outside = []
        page.on("request", lambda request: outside.append(request.url)
                if not request.url.startswith(("http://localhost", "http://127.0.0.1",
                                               "data:", "blob:")) else None)
        page.outside_requests = outside
        # Whatever the Content-Security-Policy refuses (an inline style, an eval in a chart)
        # fails the test that met it.
        refused = []
        page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text else None)
        yield page
        assert not refused, refused[:5]
        # The test body ran its queries inside Playwright's event loop, where Django keeps
        # connections apart from the thread's: close them here, or the test database cannot
        # be dropped at the end of the run ("being accessed by other users").
        connections.close_all()
        browser.close()


def log_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-demo-2019")
    page.click("form.login button")
    page.wait_for_url(f"{base}/")


def demo_work() -> None:
    """The demo's work in progress, as `acupoint demo` sets it up on the loaded city:
    published evaluations, consultations, projects, the ladder, brand selections in every
    state and a published cluster assessment."""
    from acupoint.accounts.models import User
    from acupoint.cli import _publish_demo_evaluations
    from acupoint.demo import brands, cocreation, ladder, race
    from acupoint.demo import projects as demo_projects
    from tests.conftest import CITY_YEARS

    _publish_demo_evaluations([CITY_YEARS[1]])
    cocreation.seed()
    demo_projects.seed()
    ladder.seed(count=120)
    brands.seed(User.objects.get(username="admin"))
    race.publish_assessment()
