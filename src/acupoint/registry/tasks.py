"""Background work of the registry: reading a large upload outside the request."""

from __future__ import annotations

from django_tasks import task

from acupoint.registry.actions import run_queued_import


@task()
def import_file(batch_id: int) -> None:
    run_queued_import(batch_id)
