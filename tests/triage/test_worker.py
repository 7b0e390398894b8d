"""The real background path: a started run is queued in the database and computed by the
worker process's loop (django-tasks-db's db_worker), which opens and closes its own database
connections, hence a transactional test."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from acupoint.registry.models import AnnualData
from acupoint.triage.actions import do_start_run
from acupoint.triage.models import EvaluationRun
from tests.conftest import CITY_YEARS, load_city_and_users

pytestmark = pytest.mark.django_db(transaction=True)
YEAR = CITY_YEARS[1]


def test_the_database_worker_computes_a_queued_run(city_dir, settings):
    from django_tasks_db.models import DBTaskResult

    from acupoint.accounts.models import User

    load_city_and_users(city_dir)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = do_start_run(User.objects.get(username="analyst"), spec_name="shandong_2019.yaml",
                       year=YEAR)
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.RUNNING and DBTaskResult.objects.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
    run.refresh_from_db()
    assert run.status == EvaluationRun.Status.DRAFT and run.progress == 100
    assert run.results.count() == AnnualData.objects.filter(year=YEAR).count()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
