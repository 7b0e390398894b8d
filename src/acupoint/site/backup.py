"""One dated archive holds the whole platform: the database and the uploaded files.

PostgreSQL is dumped with ``pg_dump`` in its custom format (restored with ``pg_restore``);
SQLite is copied with its online backup, so that a running site is never caught half-written.
The archive's manifest records the rows of every table, and a restore checks them against
what it brought back.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from acupoint import __version__

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
MEDIA = "media"


class RestoreRefused(Exception):
    """The target is not empty, or the archive is not one of ours."""


def table_rows(cursor=None) -> dict[str, int]:
    """Rows in every table of the database (the platform's, Django's and the task queue's),
    counted through `cursor` (by default one on the site's database)."""
    with connection.cursor() as own:
        tables = sorted(connection.introspection.table_names(own))
        cursor = cursor or own
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def backup(folder: Path) -> Path:
    """Write ``acupoint-YYYYmmdd-HHMMSS.tar`` into ``folder``; its path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"acupoint-{stamp}.tar"
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        database, rows = _dump(work)
        manifest = {"version": __version__, "created": stamp, "engine": connection.vendor,
                    "database": database.name, "rows": rows}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        with tarfile.open(target, "w") as archive:
            archive.add(work / MANIFEST, MANIFEST)
            archive.add(database, database.name)
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                archive.add(media, MEDIA)
    logger.info("backup written to %s (%s tables)", target, len(manifest["rows"]))
    return target


def _dump(work: Path) -> tuple[Path, dict[str, int]]:
    """The database's copy and the rows of each table, counted in the copy's own snapshot
    (a site at work while the backup runs would otherwise make a faithful restore look
    short)."""
    if connection.vendor == "postgresql":
        target = work / "database.dump"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            rows = table_rows()
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target),
                            f"--snapshot={snapshot}", "--dbname", _pg_dbname()], check=True,
                           env=_pg_environment())
        return target, rows
    target = work / "database.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
        rows = table_rows(copy.cursor())
    return target, rows


def restore(archive_path: Path) -> dict[str, tuple[int, int]]:
    """Bring an archive back into an empty database and media folder; per table, the rows
    the manifest recorded and the rows now present (they must agree)."""
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(archive_path) as archive:
        work = Path(scratch)
        archive.extractall(work, filter="data")
        try:
            manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RestoreRefused(f"{archive_path} holds no {MANIFEST}") from None
        if manifest["engine"] != connection.vendor:
            raise RestoreRefused(f"the archive holds a {manifest['engine']} database; this "
                                 f"platform runs on {connection.vendor}")
        _require_empty()
        _load(work / manifest["database"])
        media = Path(settings.MEDIA_ROOT)
        if (work / MEDIA).exists():
            shutil.copytree(work / MEDIA, media, dirs_exist_ok=True)
    present = table_rows()
    compared = {table: (rows, present.get(table, 0))
                for table, rows in manifest["rows"].items()}
    logger.info("restored %s (%s tables)", archive_path, len(compared))
    return compared


def _require_empty() -> None:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        raise RestoreRefused(f"the database already holds {len(tables)} tables; restore into "
                             "an empty one")
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        raise RestoreRefused(f"the media folder {media} is not empty")


def _load(database: Path) -> None:
    if connection.vendor == "postgresql":
        connection.close()
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname",
                        _pg_dbname(), str(database)], check=True, env=_pg_environment())
        return
    connection.close()
    target = Path(settings.DATABASES["default"]["NAME"])
    with sqlite3.connect(database) as source, sqlite3.connect(target) as copy:
        source.backup(copy)


def _pg_dbname() -> str:
    config = settings.DATABASES["default"]
    parts = {"dbname": config["NAME"], "host": config.get("HOST") or "",
             "port": str(config.get("PORT") or ""), "user": config.get("USER") or ""}
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


def _pg_environment() -> dict[str, str]:
    password = settings.DATABASES["default"].get("PASSWORD") or ""
    return {**os.environ, **({"PGPASSWORD": password} if password else {})}
