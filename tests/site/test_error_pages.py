"""The 403, 404 and 500 pages speak the reader's language, say what happened without
exposing internals, and offer the way back to the workbench."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import path

from acupoint.site.urls import urlpatterns as site_patterns

pytestmark = pytest.mark.django_db


def _broken(request):
    raise RuntimeError("formula_identifier_leak")


urlpatterns = [path("broken/", _broken), *site_patterns]


def _client(user, language: str) -> Client:
    client = Client(raise_request_exception=False)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(("language", "heading", "back"), [
    ("zh-hans", "未找到该页面", "返回我的工作台"),
    ("en", "We could not find this page", "Back to my workbench")])
def test_not_found_is_friendly_in_both_languages(users, language, heading, back):
    response = _client(users["enterprise"], language).get("/registry/enterprises/NO-SUCH-FIRM/")
    body = response.content.decode()
    assert response.status_code == 404
    assert heading in body and back in body
    assert "Enterprise matches" not in body  # no model name from the exception


def test_forbidden_says_why_and_where_to_go(users):
    response = _client(users["analyst"], "zh-hans").get("/operations/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "该页面不对您开放" in body
    assert "只有市局管理员" in body  # the view's own reason, translated
    assert 'id="error-403"' in body


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
@pytest.mark.parametrize(("language", "heading"), [
    ("zh-hans", "系统出了问题"), ("en", "Something went wrong on our side")])
def test_server_error_hides_the_exception(users, language, heading):
    response = _client(users["analyst"], language).get("/broken/")
    body = response.content.decode()
    assert response.status_code == 500
    assert heading in body
    assert "formula_identifier_leak" not in body and "Traceback" not in body
