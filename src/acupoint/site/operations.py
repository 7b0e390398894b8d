"""What the operator's page reads: the background queue, the last imports and runs, the
database's size and the workers' heartbeats."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from acupoint.site.models import WorkerHeartbeat

# What a queued task is, in the page's words.
TASK_NAMES = {
    "acupoint.triage.tasks.evaluate_run": _("Evaluation run"),
    "acupoint.registry.tasks.import_file": _("Data import"),
    "acupoint.policies.tasks.rematch_all": _("Policy re-matching"),
}


@dataclass
class FailedTask:
    name: str
    finished_at: dt.datetime | None
    error: str
    traceback: str


@dataclass
class Queue:
    counts: dict[str, int]
    failed: list[FailedTask]


def queue(failures: int = 20) -> Queue:
    counts = dict(DBTaskResult.objects.values_list("status").annotate(Count("id")))
    failed = [
        FailedTask(TASK_NAMES.get(task.task_path, task.task_path), task.finished_at,
                   task.exception_class_path.rpartition(".")[2], task.traceback)
        for task in DBTaskResult.objects.filter(status="FAILED").order_by("-finished_at")
        [:failures]]
    return Queue(counts, failed)


def database_megabytes() -> float | None:
    """The database's size on disk; None for a database held in memory (tests)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0] / 2 ** 20
    name = Path(settings.DATABASES["default"]["NAME"])
    files = [path for path in (name, name.with_name(name.name + "-wal")) if path.exists()]
    return sum(path.stat().st_size for path in files) / 2 ** 20 if files else None


def heartbeats() -> list[WorkerHeartbeat]:
    return list(WorkerHeartbeat.objects.all()[:20])
