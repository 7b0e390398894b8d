"""The demo's SQLite has one writer at a time: a sign-in while the worker writes waits for
it, or is told the platform is busy; it never meets a server error. Background work retries
what failed only because the database was busy, and the worker outlives database errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DatabaseError, OperationalError

from acupoint.cli import supervised
from acupoint.site.database import is_transient, retried

# Run in a process of its own, on a SQLite file: one thread holds the write lock as a
# re-matching chunk would, while the other signs in.
_CHILD = """
import json, threading, time
import django
django.setup()
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
call_command("migrate", verbosity=0)
from acupoint.accounts.actions import do_create_user
from acupoint.accounts.models import User
do_create_user(None, username="official", password="a-long-pass-2026", role="bureau_analyst")

def hold(seconds, ready):
    with transaction.atomic():
        User.objects.filter(username="official").update(first_name="x")
        ready.set()
        time.sleep(seconds)
    connections.close_all()

answers = {}
for label, seconds in (("shorter than the busy timeout", 0.5),
                       ("longer than the busy timeout", 5)):
    ready = threading.Event()
    writer = threading.Thread(target=hold, args=(seconds, ready))
    writer.start()
    ready.wait()
    response = Client().post("/accounts/login/", {"username": "official",
                                                  "password": "a-long-pass-2026"})
    answers[label] = [response.status_code, response.get("Retry-After"),
                      response.content.decode()[-3000:]]
    writer.join()
print(json.dumps(answers))
"""


def test_a_sign_in_during_a_long_write_waits_or_is_told_the_platform_is_busy(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'busy.sqlite3'}",
           "ACUPOINT_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "acupoint.site.settings",
           "DEBUG": "1", "ACUPOINT_SQLITE_BUSY_SECONDS": "2", "LOG_LEVEL": "ERROR"}
    done = subprocess.run([sys.executable, "-c", _CHILD], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    waited, refused = answers["shorter than the busy timeout"], answers[
        "longer than the busy timeout"]
    assert waited[0] == 302, waited
    assert refused[0] == 503 and refused[1] == "5", refused
    assert "平台正忙" in refused[2]


@pytest.mark.django_db
def test_busy_database_work_is_retried_and_other_errors_are_not():
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return "done"

    assert retried(flaky, first_wait=0) == "done" and len(calls) == 3
    with pytest.raises(OperationalError, match="no such table"):
        retried(lambda: (_ for _ in ()).throw(OperationalError("no such table: x")),
                first_wait=0)
    assert is_transient(OperationalError("server closed the connection unexpectedly"))
    with pytest.raises(OperationalError):
        retried(lambda: (_ for _ in ()).throw(OperationalError("database is locked")),
                attempts=2, first_wait=0)


@pytest.mark.django_db
def test_the_worker_starts_again_after_a_database_error(caplog):
    runs = []

    def worker():
        runs.append(1)
        if len(runs) == 1:
            raise DatabaseError("connection lost")

    supervised(worker, pause=0)
    assert len(runs) == 2
    assert "starts again" in caplog.text and "connection lost" in caplog.text
