"""/healthz answers a load balancer: 200 only when the database answers, a worker beat within
two minutes and the media disk has room."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from acupoint.site.health import beat
from acupoint.site.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_health_needs_a_worker_that_beat_recently_and_room_on_disk(settings):
    client = Client()
    silent = client.get("/healthz")
    assert silent.status_code == 503 and silent.json()["worker"] is False
    assert silent.json()["database"] is True
    beat("host:1", timezone.now())
    well = client.get("/healthz")
    assert well.status_code == 200 and well.json()["ok"] is True
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - dt.timedelta(minutes=3))
    assert client.get("/healthz").status_code == 503
    beat("host:1", timezone.now())
    settings.ACUPOINT_MIN_FREE_DISK_MB = 10 ** 12
    full = client.get("/healthz")
    assert full.status_code == 503 and full.json()["disk"] is False


def test_the_operations_page_is_for_administrators_and_shows_queue_and_workers(users):
    from django_tasks_db.models import DBTaskResult

    beat("app1:42", timezone.now())
    DBTaskResult.objects.create(status="FAILED", args_kwargs={}, task_path=(
        "acupoint.triage.tasks.evaluate_run"), backend_name="default",
        run_after=timezone.now(), exception_class_path="builtins.RuntimeError",
        traceback="…", finished_at=timezone.now())
    admin = Client()
    admin.force_login(users["admin"])
    page = admin.get("/operations/")
    text = page.content.decode()
    assert page.status_code == 200 and "app1:42" in text and "RuntimeError" in text
    assert "评估运行" in text and "acupoint.triage.tasks" not in text
    assert page.context["queue"].counts["FAILED"] == 1
    analyst = Client()
    analyst.force_login(users["analyst"])
    assert analyst.get("/operations/").status_code == 403
