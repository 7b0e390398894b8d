"""What re-matches enterprises besides a publication: figures imported into the registry.

Registry imports know nothing of policies; this app listens for a landed import and, once it
is committed, has the worker match every enterprise again (new matches reach the inboxes)."""

from __future__ import annotations

from django.db import transaction

from acupoint.policies.models import MatchRun, PolicyDocument
from acupoint.registry.models import ImportBatch


def rematch_after_import(sender, instance: ImportBatch, created: bool, **kwargs) -> None:
    if created:
        batch_id = instance.pk
        transaction.on_commit(lambda: _rematch_if_changed(batch_id))


def _rematch_if_changed(batch_id: int) -> None:
    from acupoint.policies.tasks import rematch_all

    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status != ImportBatch.Status.LANDED or batch.unchanged:
        return
    if PolicyDocument.objects.filter(status=PolicyDocument.Status.PUBLISHED).exists():
        rematch_all.enqueue(MatchRun.Trigger.DATA, batch.user_id)
