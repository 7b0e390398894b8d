"""The registry's own .xlsx export imports back: every sheet is read, an edited figure lands,
an untouched file changes nothing, and a sheet the importer cannot place is an error."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from acupoint.registry.actions import do_import_file
from acupoint.registry.models import AnnualData, Enterprise, ImportBatch

pytestmark = pytest.mark.django_db


def _export(users, tmp_path, **filters) -> openpyxl.Workbook:
    client = Client()
    client.force_login(users["analyst"])
    response = client.get(reverse("registry:export", args=["xlsx"]), filters)
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _save(workbook: openpyxl.Workbook, path) -> object:
    workbook.save(path)
    return path


def test_an_untouched_export_imports_as_no_change(users, tmp_path):
    district = Enterprise.objects.order_by("pk").first().district
    workbook = _export(users, tmp_path, district=district.code)
    assert len(workbook.worksheets) == 2
    batch = do_import_file(None, _save(workbook, tmp_path / "export.xlsx"))
    assert batch.status == ImportBatch.Status.LANDED, batch.errors[:3]
    assert batch.unchanged
    assert batch.rows == sum(sheet.max_row - 1 for sheet in workbook.worksheets)


def test_a_figure_edited_on_the_annual_sheet_lands(users, tmp_path):
    district = Enterprise.objects.order_by("pk").first().district
    workbook = _export(users, tmp_path, district=district.code)
    annual = workbook.worksheets[1]
    header = [cell.value for cell in annual[1]]
    code, year = annual.cell(2, 1).value, annual.cell(2, 2).value
    revenue = header.index("营业收入(万元)") + 1
    annual.cell(2, revenue).value = 123456.78
    batch = do_import_file(None, _save(workbook, tmp_path / "edited.xlsx"))
    assert batch.status == ImportBatch.Status.LANDED, batch.errors[:3]
    assert batch.annual_updated == 1 and batch.enterprises_updated == 0
    stored = AnnualData.objects.get(enterprise__credit_code=code, year=int(year))
    assert float(stored.revenue) == pytest.approx(123456.78)


def test_a_sheet_the_importer_cannot_place_is_an_error(users, tmp_path):
    district = Enterprise.objects.order_by("pk").first().district
    workbook = _export(users, tmp_path, district=district.code)
    notes = workbook.create_sheet("说明")
    notes["A1"], notes["A2"] = "本表由区工信局填报", "联系人：张三"
    annual = workbook.worksheets[1]
    annual.cell(2, 3).value = 999.0
    before = AnnualData.objects.order_by("pk").values_list("revenue", flat=True)[:5]
    batch = do_import_file(None, _save(workbook, tmp_path / "notes.xlsx"))
    assert batch.status == ImportBatch.Status.REJECTED
    [problem] = batch.errors
    assert problem["code"] == "sheet_not_placed" and problem["params"]["sheet"] == "说明"
    assert list(AnnualData.objects.order_by("pk").values_list("revenue", flat=True)[:5]) == \
        list(before)


def test_problems_on_another_sheet_name_their_sheet(users, tmp_path):
    district = Enterprise.objects.order_by("pk").first().district
    workbook = _export(users, tmp_path, district=district.code)
    annual = workbook.worksheets[1]
    annual.cell(3, 3).value = "很多"
    batch = do_import_file(None, _save(workbook, tmp_path / "bad.xlsx"))
    [problem] = batch.errors
    assert problem["sheet"] == annual.title and problem["row"] == 3
    assert problem["code"] == "not_a_number"
