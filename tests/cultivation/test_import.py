"""Cultivation data and titles from Excel: checked whole, every problem by sheet, row and
column (implausible IP counts, a title expiring before its grant, a firm outside the user's
scope…), nothing landing from a bad file; a good one lands, and again changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from acupoint.cultivation import actions
from acupoint.cultivation.models import Title
from acupoint.policies.models import PolicyFact
from acupoint.registry.models import Enterprise

pytestmark = pytest.mark.django_db


def workbook(path: Path, data: list[list], titles: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "数据"
    for row in data:
        sheet.append(row)
    if titles:
        other = book.create_sheet("称号")
        for row in titles:
            other.append(row)
    book.save(path)
    return path


def test_a_good_file_lands_whole_and_again_changes_nothing(users, tmp_path):
    first, second = Enterprise.objects.order_by("pk")[:2]
    path = workbook(tmp_path / "good.xlsx", [
        ["统一社会信用代码", "Ⅰ类知识产权", "研发机构级别（none/below/city/provincial/national）",
         "资产负债率", "niche_years"],
        [first.credit_code, 3, "provincial", 0.45, 6],
        [second.credit_code, None, "", 0.6, None],
    ], [
        ["统一社会信用代码", "称号", "认定日期", "有效期至", "文件"],
        [first.credit_code, "专精特新中小企业", dt.date(2024, 5, 10), dt.date(2027, 5, 10),
         "鲁工信〔2024〕示例号"],
        [second.credit_code, "innovative_sme", "2025-03-01", "", ""],
    ])
    outcome = actions.do_import_data(users["admin"], path, today=dt.date(2025, 6, 30))
    assert outcome.problems == [], outcome.problems
    assert (outcome.enterprises, outcome.values, outcome.titles_added) == (2, 5, 2)
    facts = dict(PolicyFact.objects.filter(enterprise=first).values_list("name", "value"))
    assert facts["ip_class_i"] == 3 and facts["rd_centre_level"] == "provincial"
    assert Title.objects.get(enterprise=first).expires == dt.date(2027, 5, 10)
    again = actions.do_import_data(users["admin"], path, today=dt.date(2025, 6, 30))
    assert (again.titles_added, again.titles_skipped) == (0, 2)
    assert Title.objects.count() == 2


def test_a_bad_file_lands_nothing_and_lists_every_problem(users, tmp_path):
    elsewhere = Enterprise.objects.exclude(district__name="黄岛").first()
    own = Enterprise.objects.filter(district__name="黄岛").first()
    path = workbook(tmp_path / "bad.xlsx", [
        ["统一社会信用代码", "发明专利", "市场占有率", "市场", "细分市场全国占有率"],
        [own.credit_code, 25_000, None, None, 1.5],
        ["91370200MA3C00000X", 2, None, None, 0.1],
        [elsewhere.credit_code, 2, None, None, 0.1],
    ], [
        ["统一社会信用代码", "称号", "认定日期", "有效期至"],
        [own.credit_code, "小巨人企业", "2024-05-10", "2027-05-10"],
        [own.credit_code, "专精特新中小企业", "2024-05-10", "2023-05-10"],
    ])
    before = PolicyFact.objects.count()
    with translation.override("en"):
        outcome = actions.do_import_data(users["huangdao"], path, today=dt.date(2025, 6, 30))
    found = {(problem.sheet, problem.row, problem.column) for problem in outcome.problems}
    assert {("数据", 2, "发明专利"), ("数据", 2, "细分市场全国占有率"),
            ("数据", 3, "统一社会信用代码"), ("数据", 4, "统一社会信用代码"),
            ("称号", 2, "称号"), ("称号", 3, "有效期至")} <= found, found
    patents = next(problem.message for problem in outcome.problems if problem.row == 2
                   and problem.column == "发明专利")
    assert "25,000" in patents and "0–2,000" in patents
    assert PolicyFact.objects.count() == before and not Title.objects.exists()
    with pytest.raises(PermissionDenied):
        actions.do_import_data(users["cluster"], path)


def test_the_import_page_takes_a_file(users, tmp_path):
    firm = Enterprise.objects.filter(district__name="黄岛").first()
    path = workbook(tmp_path / "data.xlsx", [["统一社会信用代码", "研发人员"],
                                             [firm.credit_code, 12]], [])
    client = Client()
    client.force_login(users["huangdao"])
    page = client.post(reverse("cultivation:import"), {"file": SimpleUploadedFile(
        "data.xlsx", path.read_bytes())}).content.decode()
    assert 'id="imported"' in page
    assert PolicyFact.objects.get(enterprise=firm, name="rd_staff").value == 12
