"""Spreadsheets built to exhaust memory are refused before they are opened, by every importer
and by the command line, with the figures that show why; nothing of them lands."""

from __future__ import annotations

import subprocess
import sys

import pytest

from acupoint.cultivation.actions import do_import_data
from acupoint.projects.actions import do_import_ledger
from acupoint.registry.actions import do_import_file
from acupoint.registry.importing.problems import describe
from acupoint.registry.models import AnnualData, Enterprise, ImportBatch
from tests.hostile_files import far_cell_xlsx, padded_xlsx, repeated_ods

pytestmark = pytest.mark.django_db

BUILDERS = {
    "declared far cell": (lambda path: far_cell_xlsx(path / "far.xlsx"),
                          "sheet_declared_too_large"),
    "far cell": (lambda path: far_cell_xlsx(path / "far.xlsx", declared=False),
                 "sheet_too_large"),
    "repeated cells": (lambda path: repeated_ods(path / "repeated.ods"), "sheet_too_large"),
}


@pytest.mark.parametrize("kind", BUILDERS)
def test_a_sheet_too_large_to_read_is_refused_whole(tmp_path, kind):
    build, code = BUILDERS[kind]
    before = Enterprise.objects.count(), AnnualData.objects.count()
    batch = do_import_file(None, build(tmp_path))
    assert batch.status == ImportBatch.Status.REJECTED
    [problem] = batch.errors
    assert problem["code"] == code and problem["params"]["sheet"] == "企业"
    assert "企业" in describe(problem) and "16384" in describe(problem)
    assert (Enterprise.objects.count(), AnnualData.objects.count()) == before


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(tmp_path, settings):
    settings.ACUPOINT_WORKBOOK_MAX_UNPACKED_MB = 10
    batch = do_import_file(None, padded_xlsx(tmp_path / "padded.xlsx", megabytes=30))
    [problem] = batch.errors
    assert problem["code"] == "workbook_unpacks_too_large" and problem["params"]["limit"] == 10


def test_the_limits_are_settings(tmp_path, settings):
    settings.ACUPOINT_SHEET_MAX_CELLS = 4
    batch = do_import_file(None, repeated_ods(tmp_path / "small.ods", rows=3, columns=2))
    assert batch.errors[0]["code"] == "sheet_too_large"


def test_ledger_and_cultivation_imports_refuse_it_too(tmp_path):
    path = far_cell_xlsx(tmp_path / "far.xlsx")
    for outcome in (do_import_ledger(None, path), do_import_data(None, path)):
        [problem] = outcome.problems
        assert "企业" in problem.message and "1048576" in problem.message


def test_the_command_line_refuses_it_and_survives(tmp_path):
    """In a process of its own: a reader that allocated the range would abort it."""
    path = far_cell_xlsx(tmp_path / "far.xlsx")
    done = subprocess.run([sys.executable, "-m", "acupoint.cli", "policy", "match",
                           "--data", str(path), "--out", str(tmp_path / "out.parquet")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "spans 1,048,576 rows × 16,384 columns" in done.stderr.replace("\n", " ") or \
        "declares 1,048,576 rows × 16,384 columns" in done.stderr.replace("\n", " ")
