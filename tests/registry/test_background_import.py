"""Imports from the web run in the worker: the page follows the batch, lists the first
problems and offers them all as .xlsx; an upload beyond the limit is refused unread."""

from __future__ import annotations

import io
import random
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from acupoint.registry import actions
from acupoint.registry.models import ImportBatch
from tests.registry.helpers import ENTERPRISE_HEADER, csv_text, new_code

pytestmark = pytest.mark.django_db


def _browser(users, username: str = "analyst") -> Client:
    client = Client()
    client.force_login(users[username])
    return client


def _bad_rows(count: int) -> str:
    rng = random.Random(count)
    return csv_text(ENTERPRISE_HEADER, [f"{new_code(rng)},甲{index},火星,3612,是,2019-01-01,10"
                                        for index in range(count)])


def test_an_upload_is_read_by_the_worker_and_the_page_follows_it(
        users, tmp_path, django_capture_on_commit_callbacks):
    browser = _browser(users)
    upload = tmp_path / "bad.csv"
    upload.write_text(_bad_rows(250), encoding="utf-8")
    with upload.open("rb") as handle, django_capture_on_commit_callbacks() as callbacks:
        response = browser.post(reverse("registry:import"), {"file": handle})
    batch = ImportBatch.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    assert batch.status == ImportBatch.Status.RUNNING and len(callbacks) == 1
    ImportBatch.objects.filter(pk=batch.pk).update(progress_rows=120)
    running = browser.get(response.url).content.decode()
    assert 'hx-trigger="every 2s"' in running and "120" in running
    stored = batch.upload
    callbacks[0]()  # the worker picks the batch up
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REJECTED and not batch.upload
    assert stored and not Path(stored).exists()
    page = browser.get(response.url)
    assert len(page.context["errors"]) == 200 and page.context["error_count"] >= 250
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(
        browser.get(reverse("registry:import-problems", args=[batch.pk])).streaming_content)))
    problems = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(problems) == page.context["error_count"]
    assert {row[1] for row in problems} >= set(range(2, 252))
    assert any("火星" in row[3] for row in problems)


def test_a_fault_in_the_worker_is_recorded_on_the_batch_and_the_file_removed(
        users, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    upload = tmp_path / "ok.csv"
    upload.write_text(_bad_rows(1), encoding="utf-8")
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks():
        batch = actions.do_queue_import(users["analyst"], SimpleUploadedFile(
            "ok.csv", upload.read_bytes()))

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(actions, "validate_sheets", broken)
    stored = batch.upload
    finished = actions.run_queued_import(batch.pk)
    assert finished.status == ImportBatch.Status.REJECTED
    assert finished.errors[0]["code"] == "import_failed" and finished.errors[0]["params"]["ref"]
    assert not Path(stored).exists() and not finished.upload


def test_an_upload_beyond_the_limit_is_refused_before_its_body_is_read(users, settings):
    settings.ACUPOINT_UPLOAD_MAX_MB = 1
    browser = _browser(users)
    before = ImportBatch.objects.count()
    # The declared length says 50 MB while one byte is sent: reading the body would fail.
    response = browser.generic("POST", reverse("registry:import"), b"x",
                               content_type="multipart/form-data; boundary=x",
                               CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 413
    text = response.content.decode()
    assert "50 MB" in text and "1 MB" in text and "文件过大" in text
    assert ImportBatch.objects.count() == before


def test_roles_that_may_not_import_cannot_queue_a_file(users):
    from django.core.exceptions import PermissionDenied
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(PermissionDenied):
        actions.do_queue_import(users["enterprise"], SimpleUploadedFile("a.csv", b"x"))
