"""Writing audit entries; every `do_*` action calls `record` inside its transaction."""

from __future__ import annotations

import logging
from typing import Any

from django.db import models
from django.forms.models import model_to_dict

from acupoint.accounts.models import AuditEntry


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a model instance for the before/after columns."""
    data = model_to_dict(instance, fields=fields)
    return {key: _jsonable(value) for key, value in data.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


def record(actor, action: str, obj: models.Model | None = None, *, object_type: str = "",
           object_id: str = "", before: dict | None = None,
           after: dict | None = None) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    # Each app's state changes in its own log too: acupoint.registry, acupoint.triage, …
    logging.getLogger(f"acupoint.{action.split('.')[0]}").info(
        "%s by %s on %s %s", action, actor_obj.get_username() if actor_obj else "system",
        object_type, object_id)
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_name=actor_obj.get_username() if actor_obj else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=str(obj)[:200] if obj is not None else "",
        before=_jsonable(before),
        after=_jsonable(after),
    )
