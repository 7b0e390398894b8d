"""Shared set-up for benchmarks: a throw-away PostgreSQL database and the Django stack on it."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg

SERVER = os.environ.get("ACUPOINT_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
RESULTS = Path(__file__).parent / "results"


def fresh_database(name: str) -> str:
    """Drop and create `name`; return its URL."""
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{SERVER}/{name}"


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acupoint.site.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@contextmanager
def timed(results: dict, key: str):
    start = time.perf_counter()
    yield
    results[key] = time.perf_counter() - start
