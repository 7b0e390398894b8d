"""Every model in the admin site is either audited like the platform's actions (before and
after, secrets left out) or read-only there."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from acupoint.accounts.admin_audit import AuditedAdminMixin
from acupoint.accounts.models import AuditEntry
from acupoint.projects.models import Department

pytestmark = pytest.mark.django_db


def test_every_admin_model_is_audited_or_read_only(users):
    request = RequestFactory().get("/admin/")
    request.user = users["admin"]
    unaudited = [
        model._meta.label for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdminMixin) and (
            model_admin.has_add_permission(request) or model_admin.has_change_permission(
                request) or model_admin.has_delete_permission(request))]
    assert unaudited == []


def test_admin_edits_leave_before_and_after(users):
    client = Client()
    client.force_login(users["admin"])
    client.post("/admin/projects/department/add/", {
        "code": "audit-test", "name": "审计测试局", "sort_order": 9,
        "members": [users["analyst"].pk]})
    department = Department.objects.get(code="audit-test")
    added = AuditEntry.objects.get(action="admin.add", object_id=str(department.pk))
    assert added.actor == users["admin"] and added.after["members"] == [users["analyst"].pk]
    client.post(f"/admin/projects/department/{department.pk}/change/", {
        "code": "audit-test", "name": "审计测试局（改）", "sort_order": 9, "members": []})
    changed = AuditEntry.objects.get(action="admin.change", object_id=str(department.pk))
    assert changed.before["name"] == "审计测试局" and changed.after["name"] == "审计测试局（改）"
    assert changed.before["members"] == [users["analyst"].pk] and changed.after["members"] == []
    client.post(f"/admin/projects/department/{department.pk}/delete/", {"post": "yes"})
    deleted = AuditEntry.objects.get(action="admin.delete", object_id=str(department.pk))
    assert deleted.before["name"] == "审计测试局（改）"
    assert not Department.objects.filter(pk=department.pk).exists()


def test_a_password_set_in_the_admin_is_audited_and_never_recorded(users):
    client = Client()
    client.force_login(users["admin"])
    target = users["analyst"]
    client.post(f"/admin/accounts/user/{target.pk}/password/", {
        "password1": "Admin-set-pass-2026", "password2": "Admin-set-pass-2026",
        "usable_password": "true"})
    target.refresh_from_db()
    assert target.check_password("Admin-set-pass-2026")
    entry = AuditEntry.objects.get(action="accounts.set_password", object_id=str(target.pk))
    assert entry.actor == users["admin"]
    assert not any("pbkdf2" in str(item.before) + str(item.after) or "md5" in str(
        item.before) + str(item.after) for item in AuditEntry.objects.all())
