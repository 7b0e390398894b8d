"""Is the platform well? The database answers, a worker beat recently, the disk has room.

``GET /healthz`` gives the answer to a load balancer (200 or 503, with the details as JSON);
the operator's page shows the same figures to a bureau administrator.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import socket
import threading
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

BEAT_EVERY = dt.timedelta(seconds=30)
# A worker silent for this long is taken for dead.
STALE_AFTER = dt.timedelta(minutes=2)


@dataclass
class Health:
    database: bool
    worker_seen_seconds_ago: float | None
    disk_free_mb: int

    @property
    def worker(self) -> bool:
        return (self.worker_seen_seconds_ago is not None
                and self.worker_seen_seconds_ago <= STALE_AFTER.total_seconds())

    @property
    def disk(self) -> bool:
        return self.disk_free_mb >= settings.ACUPOINT_MIN_FREE_DISK_MB

    @property
    def ok(self) -> bool:
        return self.database and self.worker and self.disk

    def as_dict(self) -> dict:
        return {**asdict(self), "worker": self.worker, "disk": self.disk, "ok": self.ok}


def check() -> Health:
    from acupoint.site.models import WorkerHeartbeat

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list(
            "beat_at", flat=True).first()
        database = True
    except DatabaseError:
        logger.exception("health check: the database does not answer")
        database, latest = False, None
    seen = (timezone.now() - latest).total_seconds() if latest else None
    folder = settings.MEDIA_ROOT
    folder.mkdir(parents=True, exist_ok=True)
    return Health(database, seen, shutil.disk_usage(folder).free // 2 ** 20)


def beat(name: str, started: dt.datetime) -> None:
    from acupoint.site.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        worker=name, defaults={"beat_at": timezone.now(), "started_at": started})


def start_heartbeat() -> threading.Thread:
    """Beat for this worker process every half minute, from a thread of its own, whatever
    the worker is busy with; a database that does not answer is logged and tried again."""
    name = f"{socket.gethostname()}:{os.getpid()}"
    started = timezone.now()

    def loop() -> None:
        while True:
            try:
                beat(name, started)
            except DatabaseError:
                logger.warning("heartbeat not recorded", exc_info=True)
            finally:
                connection.close()
            time.sleep(BEAT_EVERY.total_seconds())

    thread = threading.Thread(target=loop, name="heartbeat", daemon=True)
    thread.start()
    return thread
