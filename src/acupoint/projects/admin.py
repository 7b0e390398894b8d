"""Departments and their members are kept in the admin site; projects change on their pages,
through the actions, so that every change is audited."""

from django.contrib import admin

from acupoint.accounts.admin_audit import AuditedAdminMixin
from acupoint.projects.models import Department


@admin.register(Department)
class DepartmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")
    filter_horizontal = ("members",)
