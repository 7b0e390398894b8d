"""Shared fixtures: a small demo city loaded once per run, and one user per role."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer

from acupoint.demo.generator import generate, write

# The live server queues connections as a production server does (gunicorn's backlog is
# 2048), so that fifty clients at once wait their turn instead of being reset.
ThreadedWSGIServer.request_queue_size = 256

CITY_SIZE = 400
CITY_YEARS = (2021, 2024)


@pytest.fixture(scope="session")
def city_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("city")
    write(generate(CITY_SIZE, CITY_YEARS, seed=7), folder)
    return folder


def load_city_and_users(city_dir: Path) -> None:
    from acupoint.demo.loader import ensure_users, load_city

    load_city(city_dir)
    ensure_users()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, city_dir):
    """The demo city is loaded once into the test database; each test rolls back its own
    changes on top of it."""
    with django_db_blocker.unblock():
        load_city_and_users(city_dir)


@pytest.fixture
def users(db):
    from acupoint.accounts.models import User

    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def tmp_file(tmp_path):
    def make(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            content = content.encode(encoding)
        path.write_bytes(content)
        return path

    return make


def computed_run(users, year: int = CITY_YEARS[1], publish: bool = False):
    """A triage run of the shipped spec over the test city, computed (and published)."""
    from acupoint.triage.actions import do_publish_run, do_start_run, execute_run

    run = do_start_run(users["analyst"], spec_name="shandong_2019.yaml", year=year)
    execute_run(run)
    run.refresh_from_db()
    if publish:
        do_publish_run(users["analyst"], run)
    return run


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require(flag: str, reason: str) -> None:
    """Skip on a developer machine without the service; fail in CI where it must exist."""
    if os.environ.get(flag):
        pytest.fail(reason)
    pytest.skip(reason)


def follow_menu(page, name: str) -> None:
    """Click the main menu's entry called ``name``, opening its group first."""
    label = re.compile(f"^{re.escape(name)}$")
    link = page.locator("nav.main a").filter(has_text=label)
    if not link.is_visible():
        page.locator("nav.main details").filter(
            has=page.locator("a").filter(has_text=label)).locator("summary").click()
    link.click()
