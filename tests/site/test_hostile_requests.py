"""Requests written to hurt: out-of-range paging and the like get 4xx answers, never 500."""

from __future__ import annotations

import pytest
from django.test import Client

from acupoint.accounts.actions import do_issue_token
from tests.conftest import computed_run

pytestmark = pytest.mark.django_db

HOSTILE_PAGES = ["0", "-1", "999999", str(2 ** 63), str(2 ** 64 + 1), "9" * 400, "1e400",
                 "nan", "abc", ""]


@pytest.mark.parametrize("page", HOSTILE_PAGES)
@pytest.mark.parametrize("path", ["/api/enterprises", "/api/annual", "/api/projects"])
def test_api_paging_beyond_the_range_is_a_client_error(users, path, page):
    token = do_issue_token(None, users["analyst"], "paging")
    response = Client().get(path, {"page": page},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 400, 404, 422), response.content[:300]


@pytest.mark.parametrize("page", HOSTILE_PAGES)
def test_page_paging_beyond_the_range_is_a_client_error(users, page):
    client = Client()
    client.force_login(users["analyst"])
    run = computed_run(users)
    for path in ["/registry/enterprises/", f"/triage/{run.pk}/ranking/",
                 f"/triage/{run.pk}/fragile/"]:
        response = client.get(path, {"page": page})
        assert response.status_code in (200, 400, 404), (path, response.status_code)


EVIL = ["https://evil.example/phish", "//evil.example/phish", "http:evil.example",
        "/\\evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("target", EVIL)
def test_next_never_leads_off_the_site(users, target):
    import datetime as dt

    from acupoint.clusters.models import Meeting, Task

    manager = users["cluster"]
    meeting = Meeting.objects.create(held_on=dt.date(2026, 1, 5), title="联席会议")
    task = Task.objects.create(meeting=meeting, decision="完成规划", cluster=manager.cluster,
                               deadline=dt.date(2026, 6, 30))
    client = Client()
    client.force_login(manager)
    updated = client.post(f"/race/tasks/{task.pk}/update", {"status": "done", "next": target})
    assert updated.status_code == 302 and not _leaves(updated.url)
    own = client.post(f"/race/tasks/{task.pk}/update", {"status": "done",
                                                        "next": "/race/tasks/"})
    assert own.url == "/race/tasks/"
    language = client.post("/i18n/setlang/", {"language": "en", "next": target})
    assert not _leaves(language.url)
    signed_out = Client()
    login = signed_out.post(f"/accounts/login/?next={target}", {
        "username": "admin", "password": "admin-demo-2019", "next": target})
    assert login.status_code == 302 and not _leaves(login.url)


def _leaves(url: str) -> bool:
    return not url.startswith("/") or url.startswith(("//", "/\\"))
