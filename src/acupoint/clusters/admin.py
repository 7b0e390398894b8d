"""Administration of what the bureau configures rather than computes: the 2+2+5 sites and the
traditional-industry cases."""

from django.contrib import admin

from acupoint.accounts.admin_audit import AuditedAdminMixin
from acupoint.clusters.models import RelocationSite, TransformationCase


@admin.register(RelocationSite)
class RelocationSiteAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "district")
    list_filter = ("kind",)


@admin.register(TransformationCase)
class TransformationCaseAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("enterprise", "kind", "target_site", "status", "progress", "due")
    list_filter = ("kind", "status", "target_site")
    raw_id_fields = ("enterprise",)
