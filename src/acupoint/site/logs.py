"""Log lines an operator can read and a log shipper can parse: ``key=value`` pairs, one entry
per line (a traceback follows on the next lines), and a short reference that a page shows
beside a failure so that the operator finds its entry."""

from __future__ import annotations

import json
import logging
import time
import uuid

from django.conf import settings
from django.db import connection


def new_reference() -> str:
    """A short reference for one failure, shown to the user and written with the entry."""
    return uuid.uuid4().hex[:10]


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
                  "level": record.levelname, "logger": record.name}
        for name in ("ref", "path", "ms", "user"):
            if hasattr(record, name):
                fields[name] = getattr(record, name)
        line = " ".join(f"{key}={value}" for key, value in fields.items())
        line += " msg=" + json.dumps(record.getMessage(), ensure_ascii=False)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


logger = logging.getLogger(__name__)


class SlowRequestMiddleware:
    """Requests slower than ACUPOINT_SLOW_REQUEST_MS, and database queries slower than
    ACUPOINT_SLOW_QUERY_MS, are logged with their path and time."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        with connection.execute_wrapper(self._timed_query(request.path)):
            response = self.get_response(request)
        spent = (time.perf_counter() - started) * 1000
        if spent > settings.ACUPOINT_SLOW_REQUEST_MS:
            user = getattr(request, "user", None)
            logger.warning("slow request %s %s", request.method, request.path, extra={
                "path": request.path, "ms": round(spent),
                "user": getattr(user, "pk", None) or "-"})
        return response

    @staticmethod
    def _timed_query(path: str):
        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent = (time.perf_counter() - started) * 1000
                if spent > settings.ACUPOINT_SLOW_QUERY_MS:
                    logger.warning("slow query: %s", " ".join(str(sql).split())[:500],
                                   extra={"path": path, "ms": round(spent)})
        return timed
