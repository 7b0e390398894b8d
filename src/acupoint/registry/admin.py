from django.contrib import admin

from acupoint.accounts.admin_audit import AuditedAdminMixin, ReadOnlyAdminMixin
from acupoint.registry.models import AnnualData, Cluster, District, Enterprise, ImportBatch, Park


@admin.register(District)
class DistrictAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "name_en")


@admin.register(Park)
class ParkAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "district")


@admin.register(Cluster)
class ClusterAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "district", "field", "area_km2")


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("credit_code", "name", "district", "cluster", "industry_code", "above_scale")
    list_filter = ("district", "above_scale")
    search_fields = ("credit_code", "name")
    raw_id_fields = ("cluster", "park", "import_batch")


@admin.register(AnnualData)
class AnnualDataAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("enterprise", "year", "revenue", "tax")
    raw_id_fields = ("enterprise", "import_batch")


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "file_name", "user", "status", "rows", "started_at")
