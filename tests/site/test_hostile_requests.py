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
