"""Logs an operator can use: key=value lines to stdout and a rotating file, a reference that
the page shows beside a failure, and slow requests and queries named."""

from __future__ import annotations

import logging
import logging.handlers

import pytest
from django.test import Client
from django.urls import reverse

from acupoint.site.logs import KeyValueFormatter
from acupoint.triage import actions
from acupoint.triage.actions import do_start_run, execute_run

pytestmark = pytest.mark.django_db


def test_lines_are_key_value_with_the_traceback_below():
    try:
        raise ValueError("坏数据")
    except ValueError:
        record = logging.getLogger("acupoint.test").makeRecord(
            "acupoint.test", logging.ERROR, __file__, 1, "run %s failed", (7,),
            exc_info=__import__("sys").exc_info(), extra={"ref": "abc123"})
    line = KeyValueFormatter().format(record)
    first, *rest = line.splitlines()
    assert "level=ERROR" in first and "logger=acupoint.test" in first
    assert "ref=abc123" in first and 'msg="run 7 failed"' in first
    assert any("ValueError: 坏数据" in text for text in rest)


def test_logs_go_to_stdout_and_a_rotating_file(settings):
    handlers = logging.getLogger().handlers
    files = [handler for handler in handlers
             if isinstance(handler, logging.handlers.RotatingFileHandler)]
    assert files and files[0].baseFilename.startswith(str(settings.LOG_DIR))
    assert any(type(handler) is logging.StreamHandler for handler in handlers)


def test_a_failed_run_logs_its_traceback_and_the_page_shows_the_reference(
        users, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(actions, "compute", broken)
    run = do_start_run(users["analyst"], spec_name="shandong_2019.yaml", year=2024)
    with caplog.at_level(logging.ERROR, logger="acupoint.triage.actions"):
        execute_run(run)
    run.refresh_from_db()
    reference = run.meta["log_reference"]
    [entry] = [record for record in caplog.records if getattr(record, "ref", None) == reference]
    assert entry.exc_info and "磁盘已满" in str(entry.exc_info[1])
    client = Client()
    client.force_login(users["analyst"])
    page = client.get(reverse("triage:run", args=[run.pk])).content.decode()
    assert reference in page and "磁盘已满" in page


def test_slow_requests_and_queries_are_logged(users, settings, caplog):
    settings.ACUPOINT_SLOW_REQUEST_MS = 0
    settings.ACUPOINT_SLOW_QUERY_MS = 0
    client = Client()
    client.force_login(users["analyst"])
    with caplog.at_level(logging.WARNING, logger="acupoint.site.logs"):
        client.get(reverse("registry:district-list"))
    messages = [record for record in caplog.records if record.name == "acupoint.site.logs"]
    assert any(record.getMessage().startswith("slow request GET /registry/districts/")
               for record in messages)
    assert any(record.getMessage().startswith("slow query: SELECT") and
               record.path == "/registry/districts/" for record in messages)
