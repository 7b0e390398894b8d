"""What re-matches enterprises besides a publication: figures imported into the registry.

Registry imports know nothing of policies; this app listens for a landed import and, once it
is committed, has the worker match every enterprise again (new matches reach the inboxes)."""

from __future__ import annotations

from acupoint.policies.models import MatchRun, PolicyDocument
from acupoint.registry.models import ImportBatch


def rematch_after_import(sender, batch_id: int, **kwargs) -> None:
    """Called once the batch is committed (the registry's import_finished)."""
    from acupoint.policies.tasks import rematch_all


    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status != ImportBatch.Status.LANDED or batch.unchanged:
        return
    if PolicyDocument.objects.filter(status=PolicyDocument.Status.PUBLISHED).exists():
        rematch_all.enqueue(MatchRun.Trigger.DATA, batch.user_id)
