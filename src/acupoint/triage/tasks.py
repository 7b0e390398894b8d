"""Background work of triage: computing a run of up to 100,000 firms outside the request."""

from __future__ import annotations

from django_tasks import task

from acupoint.site.database import retried
from acupoint.triage.actions import execute_run
from acupoint.triage.models import EvaluationRun


@task()
def evaluate_run(run_id: int) -> None:
    """A run, computed again from the start if the database connection was lost."""
    retried(lambda: execute_run(EvaluationRun.objects.get(pk=run_id)))
