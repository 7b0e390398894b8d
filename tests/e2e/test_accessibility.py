"""Every workbench and main page of every role, in a real Chromium with axe-core: no serious
or critical accessibility violation; and no page a non-analyst sees shows code: a formula
identifier, YAML, a hash or a file name (unless opened behind a details toggle)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import load_city_and_users
from tests.e2e.conftest import EVERY_PAGE, SHOTS, demo_work, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "enterprise": ["/", "/policies/mine/", "/policies/", "/triage/mine/", "/cultivation/",
                   "/brands/", "/projects/", "/cocreation/", "/notices/", "/city/",
                   "/registry/districts/", "/registry/clusters/"],
    "huangdao": ["/", "/registry/enterprises/", "/triage/", "/triage/appeals/", "/race/",
                 "/policies/applications/", "/policies/reach/", "/cultivation/pools/",
                 "/cultivation/applications/", "/projects/", "/brands/"],
    "cluster": ["/", "/race/", "/race/{cluster}/", "/race/tasks/", "/race/strength/",
                "/registry/clusters/", "/cultivation/pools/"],
    "ziran": ["/", "/cocreation/", "/projects/departments/"],
    "analyst": ["/", "/city/", "/triage/", "/race/", "/race/strength/", "/race/tasks/",
                "/race/traditional/",
                "/policies/", "/policies/reach/", "/policies/applications/", "/cocreation/",
                "/projects/", "/cultivation/pools/", "/cultivation/applications/", "/brands/",
                "/registry/enterprises/", "/registry/import/", "/notices/"],
}
ANALYSTS = {"analyst", "admin"}
CODE = {
    "formula identifier": re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b"),
    "hash": re.compile(r"\b[0-9a-f]{16,}\b"),
    "file name": re.compile(r"\b[\w-]+\.(?:ya?ml|py|json|parquet)\b"),
    "YAML": re.compile(r"(?m)^\s*[a-z_]+:\s+\S"),
}


@pytest.mark.parametrize("username", list(PAGES))
def test_every_main_page_is_accessible_and_shows_no_code(live_server, city_dir, browser_page,
                                                        username):
    from axe_playwright_python.sync_playwright import Axe

    from acupoint.accounts.models import User

    load_city_and_users(city_dir)
    demo_work()
    if username == "ziran":
        from acupoint.projects.models import Department

        Department.objects.order_by("pk").first().members.add(User.objects.get(username="ziran"))
    page, base, axe = browser_page, live_server.url, Axe()
    log_in(page, base, username)
    problems = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in PAGES[username]:
            path = path.format(cluster=getattr(User.objects.get(username=username).cluster,
                                               "code", ""))
            response = page.goto(base + path)
            assert response.status == 200, (path, response.status)
            page.wait_for_load_state("networkidle")
            overflow = page.evaluate("document.documentElement.scrollWidth")
            if overflow > width:
                problems.append(f"{width}px {path}: the page is {overflow}px wide")
            if EVERY_PAGE:
                name = path.strip("/").replace("/", "-") or "workbench"
                page.screenshot(path=str(SHOTS / f"page-{username}-{name}-{width}.png"),
                                full_page=True)
            found = axe.run(page).response["violations"]
            problems += [f"{width}px {path}: {item['id']} ({item['impact']}) at "
                         f"{item['nodes'][0]['target']}" for item in found
                         if item["impact"] in ("serious", "critical")]
            if username in ANALYSTS or width != 1400:
                continue
            text = page.inner_text("main")
            for kind, pattern in CODE.items():
                shown = pattern.findall(text)
                if shown:
                    problems.append(f"{path} shows a {kind}: {shown[:3]}")
    assert not problems, "\n".join(problems)
