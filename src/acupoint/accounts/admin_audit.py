"""Changes made in the admin site leave the same audit entry as the platform's own actions:
who, what, and the values before and after (never a password or a token's hash). A model
whose rows are records rather than settings is read-only there instead."""

from __future__ import annotations

from typing import Any

from django.db import models

from acupoint.accounts.audit import record, snapshot

SECRET_FIELDS = frozenset({"password", "key_hash", "password_hash"})


def picture(instance: models.Model) -> dict[str, Any]:
    """The instance's editable values, secrets left out."""
    names = [field.name for field in (*instance._meta.concrete_fields,
                                      *instance._meta.many_to_many)
             if field.name not in SECRET_FIELDS]
    return snapshot(instance, names)


class AuditedAdminMixin:
    """Mixed into a ModelAdmin: additions, changes (related rows included) and deletions are
    audited as ``admin.add``, ``admin.change`` and ``admin.delete``."""

    def save_model(self, request, obj, form, change) -> None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        request._audit_before = picture(stored) if stored is not None else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        record(request.user, "admin.change" if change else "admin.add", form.instance,
               before=getattr(request, "_audit_before", None), after=picture(form.instance))

    def delete_model(self, request, obj) -> None:
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            self._record_deletion(request, obj)
        super().delete_queryset(request, queryset)

    @staticmethod
    def _record_deletion(request, obj: models.Model) -> None:
        record(request.user, "admin.delete", object_type=obj._meta.label,
               object_id=str(obj.pk), before=picture(obj))


class ReadOnlyAdminMixin:
    """Mixed into a ModelAdmin of records (imports, audit entries): shown, never edited."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
