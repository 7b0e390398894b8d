from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from acupoint.accounts.models import ApiToken, AuditEntry, User


@admin.register(User)
class AcupointUserAdmin(UserAdmin):
    list_display = ("username", "role", "district", "cluster", "enterprise", "is_active")
    list_filter = ("role", "is_active", "district")
    fieldsets = (*UserAdmin.fieldsets, (_("Role and scope"), {
        "fields": ("role", "district", "cluster", "enterprise", "organisation",
                   "participant_kind")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, (_("Role and scope"), {
        "fields": ("role", "district", "cluster", "enterprise")}))
    raw_id_fields = ("enterprise",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "revoked")
    readonly_fields = ("key_hash", "prefix", "created_at", "last_used_at")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_repr", "object_id")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
