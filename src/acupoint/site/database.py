"""Riding out a busy database: SQLite lets one writer at a time, and a connection may drop.

A request waits for the writer (the busy timeout in settings); one that waited too long gets a
"busy, try again" page, never a server error; background work retries what failed only
because the database was busy, and the worker keeps running through it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection

logger = logging.getLogger(__name__)
T = TypeVar("T")

_TRANSIENT = ("database is locked", "database table is locked", "database is busy",
              "server closed the connection", "connection already closed",
              "terminating connection")


def is_transient(error: BaseException) -> bool:
    """A database error that waiting can cure (another writer, a dropped connection)."""
    return isinstance(error, OperationalError) and any(
        text in str(error).lower() for text in _TRANSIENT)


def fresh_connection() -> None:
    """Drop the connection after a failure, so the next attempt opens a new one (unless the
    caller's transaction still holds it)."""
    if not connection.in_atomic_block:
        connection.close()


def retried(action: Callable[[], T], *, attempts: int = 6, first_wait: float = 1.0) -> T:
    """``action()``, again after a growing pause while it fails on a transient error."""
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except OperationalError as error:
            if not is_transient(error) or attempt == attempts:
                raise
            wait = first_wait * 2 ** (attempt - 1)
            logger.warning("database busy (%s); attempt %s of %s again in %.0f s",
                           error, attempt + 1, attempts, wait)
            fresh_connection()
            time.sleep(wait)
    raise AssertionError("unreachable")
