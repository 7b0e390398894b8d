"""Migrations are append-only: a migration that has landed is never edited again, and every
migration in the tree is on the released list (scripts/release-migrations adds new ones)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "acupoint"


def _released() -> dict[str, str]:
    lines = (ROOT / "released-migrations.txt").read_text(encoding="utf-8").splitlines()
    return dict(line.split() for line in lines if line and not line.startswith("#"))


def test_released_migrations_are_unchanged():
    changed = [name for name, digest in _released().items()
               if not (PACKAGE / name).exists()
               or hashlib.sha256((PACKAGE / name).read_bytes()).hexdigest() != digest]
    assert changed == [], "released migrations were edited or removed: add a new one instead"


def test_every_migration_is_on_the_released_list():
    present = {str(path.relative_to(PACKAGE)) for path in PACKAGE.glob("*/migrations/0*.py")}
    assert present - set(_released()) == set(), "run scripts/release-migrations"


@pytest.mark.django_db
def test_the_models_need_no_migration_that_is_not_written():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
