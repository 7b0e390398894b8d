"""Sign-in, passwords and API tokens: failures are throttled per account and per address and
audited; every password set anywhere meets the validators; tokens end on time, on revocation
and on a password change, and their owner sees and revokes them on a page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from typer.testing import CliRunner

from acupoint.accounts.actions import do_create_user, do_issue_token, do_set_password
from acupoint.accounts.models import ApiToken, AuditEntry, User
from acupoint.cli import app

pytestmark = pytest.mark.django_db
PASSWORD = "analyst-demo-2019"


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return 3


def sign_in(username: str, password: str, address: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=address).post(reverse("accounts:login"), {
        "username": username, "password": password})


def test_failures_pause_the_account_wherever_they_come_from(users, limit):
    users["analyst"].set_password(PASSWORD)
    users["analyst"].save()
    for attempt in range(limit - 1):
        assert sign_in("analyst", f"wrong-{attempt}", f"10.0.0.{attempt}").status_code == 200
    assert sign_in("analyst", "wrong-again", "10.0.0.9").status_code == 429
    paused = sign_in("analyst", PASSWORD, "10.9.9.9")
    assert paused.status_code == 429
    assert "登录已暂停" in paused.content.decode()
    assert sign_in("admin", "admin-demo-2019", "10.9.9.9").status_code == 302


def test_failures_from_one_address_pause_it_for_every_account(users, limit):
    for attempt in range(limit):
        sign_in(f"nobody{attempt}", "guess", "10.1.1.1")
    assert sign_in("admin", "admin-demo-2019", "10.1.1.1").status_code == 429
    assert sign_in("admin", "admin-demo-2019", "10.1.1.2").status_code == 302


def test_every_failed_sign_in_is_audited_without_the_password(users):
    sign_in("analyst", "not-the-password-1", "10.2.2.2")
    sign_in("ghost", "whatever-it-is", "10.2.2.3")
    entries = AuditEntry.objects.filter(action="accounts.sign_in_failed").order_by("pk")
    assert [(entry.after["username"], entry.after["address"]) for entry in entries] == [
        ("analyst", "10.2.2.2"), ("ghost", "10.2.2.3")]
    assert entries[0].object_id == str(users["analyst"].pk)
    assert not any("not-the-password" in str(entry.after) for entry in entries)


@pytest.mark.parametrize("weak", ["12345678", "password", "short", "analyst2019x"])
def test_weak_passwords_are_refused_everywhere_one_is_set(users, weak):
    with pytest.raises(ValidationError):
        do_create_user(None, username="analyst2019x", password=weak, role="bureau_analyst")
    with pytest.raises(ValidationError):
        do_set_password(users["analyst"], users["analyst"], weak)
    result = CliRunner().invoke(app, ["createuser", "analyst2019x", "--role", "bureau_analyst",
                                      "--password", weak])
    assert result.exit_code == 1 and not User.objects.filter(username="analyst2019x").exists()
    client = Client()
    client.force_login(users["analyst"])
    page = client.post(reverse("accounts:password-change"), {
        "old_password": PASSWORD, "new_password1": weak, "new_password2": weak})
    assert page.status_code == 200 and page.context["form"].errors


def _api(raw: str) -> int:
    return Client().get("/api/enterprises", headers={"Authorization": f"Bearer {raw}"}
                        ).status_code


def test_a_token_ends_on_time_on_revocation_and_on_a_password_change(users, settings):
    settings.ACUPOINT_API_TOKEN_DAYS = 30
    raw = do_issue_token(None, users["analyst"], "script")
    token = ApiToken.objects.get(user=users["analyst"])
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=30)).date()
    assert token.last_used_at is None
    assert _api(raw) == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert _api(raw) == 401
    second = do_issue_token(None, users["analyst"], "other")
    assert _api(second) == 200
    do_set_password(users["analyst"], users["analyst"], "A-new-long-pass-2026")
    assert _api(second) == 401


def test_the_owner_lists_issues_and_revokes_tokens_on_a_page(users):
    client = Client()
    client.force_login(users["analyst"])
    issued = client.post(reverse("accounts:tokens"), {"name": "区统计脚本"})
    raw = issued.context["issued"]
    assert raw in issued.content.decode() and _api(raw) == 200
    token = ApiToken.objects.get(user=users["analyst"], name="区统计脚本")
    listed = client.get(reverse("accounts:tokens")).content.decode()
    assert "区统计脚本" in listed and token.prefix in listed and raw not in listed
    other = ApiToken.issue(users["admin"], "admin's")[0]
    assert client.post(reverse("accounts:revoke-token", args=[other.pk])).status_code == 404
    client.post(reverse("accounts:revoke-token", args=[token.pk]))
    assert _api(raw) == 401
    assert AuditEntry.objects.filter(action="accounts.revoke_token",
                                     object_id=str(token.pk)).exists()
