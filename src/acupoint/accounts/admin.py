"""Accounts in the admin site, audited; the audit log and the sign-in records read-only or
audited too (an administrator lifts a sign-in pause by deleting its attempt)."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from acupoint.accounts.admin_audit import AuditedAdminMixin, ReadOnlyAdminMixin
from acupoint.accounts.audit import record
from acupoint.accounts.models import ApiToken, AuditEntry, User


@admin.register(User)
class AcupointUserAdmin(AuditedAdminMixin, UserAdmin):
    list_display = ("username", "role", "district", "cluster", "enterprise", "is_active")
    list_filter = ("role", "is_active", "district")
    fieldsets = (*UserAdmin.fieldsets, (_("Role and scope"), {
        "fields": ("role", "district", "cluster", "enterprise", "organisation",
                   "participant_kind")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, (_("Role and scope"), {
        "fields": ("role", "district", "cluster", "enterprise")}))
    raw_id_fields = ("enterprise",)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            record(request.user, "accounts.set_password", self.get_object(request, id),
                   after={"by": "admin"})
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at",
                    "revoked")
    readonly_fields = ("key_hash", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request) -> bool:
        return False  # a token is issued on the tokens page, and shown only there


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_repr", "object_id")


admin.site.unregister(Group)
admin.site.register(Group, type("AuditedGroupAdmin", (AuditedAdminMixin, GroupAdmin), {}))
for model, model_admin in ((AccessAttempt, AccessAttemptAdmin), (AccessLog, AccessLogAdmin),
                           (AccessFailureLog, AccessFailureLogAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, type(f"Audited{model_admin.__name__}",
                                    (AuditedAdminMixin, model_admin), {}))
