"""What the operator's page reads: the background queue, the last imports and runs, the
database's size and the workers' heartbeats."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from acupoint.site.models import WorkerHeartbeat

# What a queued task is, in the page's words.
TASK_NAMES = {
    "acupoint.triage.tasks.evaluate_run": "triage",
    "acupoint.registry.tasks.import_file": "import",
    "acupoint.policies.tasks.rematch_all": "rematch",
}


@dataclass
class Queue:
    counts: dict[str, int]
    failed: list[DBTaskResult]


def queue(failures: int = 20) -> Queue:
    counts = dict(DBTaskResult.objects.values_list("status").annotate(Count("id")))
    failed = list(DBTaskResult.objects.filter(status="FAILED")
                  .order_by("-finished_at")[:failures])
    return Queue(counts, failed)


def database_megabytes() -> float:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0] / 2 ** 20
    name = Path(settings.DATABASES["default"]["NAME"])
    files = [name, name.with_name(name.name + "-wal")]
    return sum(path.stat().st_size for path in files if path.exists()) / 2 ** 20


def heartbeats() -> list[WorkerHeartbeat]:
    return list(WorkerHeartbeat.objects.all()[:20])
