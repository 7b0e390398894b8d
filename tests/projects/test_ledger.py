"""The project ledger (项目台账) in and out of Excel: an exported ledger imports back without
changing anything, an edited one updates what changed, a new one creates projects and their
stages, and a bad one lands nothing and lists every problem by sheet, row and column."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from acupoint.accounts.models import AuditEntry
from acupoint.demo import projects as demo_projects
from acupoint.projects import actions, reports
from acupoint.projects.models import Project, StageEvent
from acupoint.registry.models import Cluster, District

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 30)
PROJECT_HEADER = ["名称", "投资方", "行业代码", "计划投资（万元）", "区市", "集聚区", "地块",
                  "用地面积(亩)", "提速方式", "首次接洽"]
EVENT_HEADER = ["项目", "阶段", "日期", "部门", "退回", "文件", "备注"]


def workbook(path: Path, projects: list[list], events: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目"
    for row in [PROJECT_HEADER, *projects]:
        sheet.append(row)
    stages = book.create_sheet("阶段记录")
    for row in [EVENT_HEADER, *events]:
        stages.append(row)
    book.save(path)
    return path


def exported(tmp_path: Path, user_projects) -> Path:
    path = tmp_path / "ledger.xlsx"
    with path.open("wb") as handle:
        reports.write_workbook(handle, user_projects, TODAY)
    return path


def test_an_exported_ledger_imports_back_unchanged_and_an_edit_updates_only_that(
        users, tmp_path):
    demo_projects.seed(count=40, today=TODAY)
    events = StageEvent.objects.count()
    path = exported(tmp_path, Project.objects.all())
    again = actions.do_import_ledger(users["admin"], path, today=TODAY)
    assert again.problems == []
    assert (again.created, again.updated, again.unchanged) == (0, 0, 40)
    assert (again.events_added, again.events_skipped) == (0, events)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    columns = [cell.value for cell in sheet[1]]
    sheet.cell(2, columns.index("计划投资（万元）") + 1).value = 123_456
    book.save(path)
    edited = actions.do_import_ledger(users["admin"], path, today=TODAY)
    assert (edited.created, edited.updated, edited.unchanged) == (0, 1, 39)
    project = Project.objects.get(pk=sheet.cell(2, 1).value)
    assert project.planned_investment == 123_456
    entry = AuditEntry.objects.get(action="projects.import.update")
    assert entry.after["planned_investment"] == 123_456
    assert entry.before["planned_investment"] != 123_456
    assert StageEvent.objects.count() == events


def test_a_new_ledger_creates_projects_with_their_stages_and_warns_about_dates(
        users, tmp_path):
    huangdao = District.objects.get(name="黄岛")
    cluster = Cluster.objects.filter(district=huangdao).first()
    path = workbook(tmp_path / "new.xlsx", [
        ["示例芯片项目", "示例半导体有限公司", "C3973", 250_000, "黄岛区", cluster.code,
         "黄岛-2025-001", 120, "提前介入、全程代办", dt.date(2025, 1, 6)],
        ["示例电池项目", "示例电池有限公司", "3841", "80,000", "黄岛", "", "", "", "", ""],
    ], [
        ["示例芯片项目", "洽谈", "2025-01-10", "", "否", "", ""],
        ["示例芯片项目", "签约", dt.date(2025, 2, 1), "", "", "投资协议；补充协议", "春节后签约"],
        ["示例芯片项目", "立项用地规划许可", "2025-02-20", "市自然资源和规划局", "是", "",
         "材料不全"],
        ["示例芯片项目", "立项用地规划许可", "2025-03-03", "", "", "", ""],
        ["示例电池项目", "接洽", "2025-05-06", "", "", "", ""],
    ])
    outcome = actions.do_import_ledger(users["huangdao"], path, today=TODAY)
    assert outcome.problems == [], outcome.problems
    assert (outcome.created, outcome.events_added) == (2, 6)
    chip = Project.objects.get(name="示例芯片项目")
    assert chip.methods == ["early", "agent"] and chip.cluster == cluster
    assert chip.industry_code == "3973" and chip.officer == users["huangdao"]
    assert chip.stage == "land_planning" and chip.stage_day == dt.date(2025, 3, 3)
    assert chip.events.filter(returned=True).count() == 1
    assert chip.events.get(stage="signing").document_list() == ["投资协议", "补充协议"]
    assert not chip.escalations.exists()  # no application under review: no government clock
    # 1 February 2025 was a Saturday, and registration was skipped: kept, with warnings.
    assert any("2025-02-01" in text for text in outcome.warnings)
    assert any("注册" in text for text in outcome.warnings)
    assert Project.objects.get(name="示例电池项目").stage == "contact"
    assert actions.do_import_ledger(users["huangdao"], path, today=TODAY).created == 2  # names
    # are not keys: a ledger without project numbers registers its projects again


def test_a_bad_ledger_lands_nothing_and_lists_every_problem_by_sheet_row_and_column(
        users, tmp_path):
    foreign = Cluster.objects.exclude(district__name="黄岛").first()
    path = workbook(tmp_path / "bad.xlsx", [
        ["示例项目甲", "示例公司", "9999", -5, "火星区", "", "", 0, "", ""],
        ["示例项目乙", "示例公司", "3670", 100, "黄岛", foreign.code, "", "", "秒批", ""],
        ["", "示例公司", "3670", "很多", "黄岛", "", "", "", "", "2099-01-01"],
        ["示例项目乙", "示例公司", "3670", 100, "城阳", "", "", "", "", ""],
    ], [
        ["示例项目丙", "签约", "2025-02-03", "", "", "", ""],
        ["示例项目乙", "剪彩", "2025-02-30", "规划局", "也许", "", ""],
    ])
    with translation.override("en"):
        outcome = actions.do_import_ledger(users["huangdao"], path, today=TODAY)
    found = {(problem.sheet, problem.row, problem.column) for problem in outcome.problems}
    assert {("项目", 2, "行业代码"), ("项目", 2, "计划投资（万元）"), ("项目", 2, "区市"),
            ("项目", 2, "用地面积(亩)"), ("项目", 3, "集聚区"), ("项目", 3, "提速方式"),
            ("项目", 4, "名称"), ("项目", 4, "计划投资（万元）"), ("项目", 4, "首次接洽"),
            ("项目", 5, "区市"), ("项目", 5, "名称"),
            ("阶段记录", 2, "项目"), ("阶段记录", 3, "阶段"), ("阶段记录", 3, "日期"),
            ("阶段记录", 3, "部门"), ("阶段记录", 3, "退回")} <= found
    cluster_problem = next(problem.message for problem in outcome.problems
                           if problem.row == 3 and problem.column == "集聚区")
    assert foreign.name in cluster_problem and foreign.district.name in cluster_problem
    assert not Project.objects.exists() and not StageEvent.objects.exists()
    unreadable = tmp_path / "broken.xlsx"
    unreadable.write_bytes(b"PK\x03\x04 not really a workbook")
    assert actions.do_import_ledger(users["admin"], unreadable).problems


def test_a_district_officer_imports_only_into_their_district_and_a_gbk_csv_reads(
        users, tmp_path):
    other = District.objects.exclude(name="黄岛").first()
    elsewhere = actions.do_create_project(
        users["admin"], name="外区项目", investor="示例公司", industry_code="3670",
        planned_investment=1.0, district=other)
    path = tmp_path / "projects.csv"
    path.write_bytes(("项目编号,名称,投资方,行业代码,计划投资(万元),区市\n"
                      f"{elsewhere.pk},外区项目,示例公司,3670,2,{other.name}\n"
                      ",黄岛项目,示例公司,3670,3,黄岛\n").encode("gbk"))
    refused = actions.do_import_ledger(users["huangdao"], path, today=TODAY)
    assert [problem.row for problem in refused.problems] == [2, 2]
    assert Project.objects.count() == 1
    path.write_bytes("名称,投资方,行业代码,计划投资(万元),区市\n黄岛项目,示例公司,3670,3,黄岛\n"
                     .encode("gbk"))
    assert actions.do_import_ledger(users["huangdao"], path, today=TODAY).created == 1
    with pytest.raises(PermissionDenied):
        actions.do_import_ledger(users["cluster"], path, today=TODAY)


def test_the_import_page_shows_problems_or_what_was_done(users, tmp_path):
    client = Client()
    client.force_login(users["huangdao"])
    good = workbook(tmp_path / "good.xlsx", [
        ["示例项目", "示例公司", "3670", 100, "黄岛", "", "", "", "", dt.date(2025, 3, 3)]], [])
    page = client.post(reverse("projects:import"), {"file": SimpleUploadedFile(
        "good.xlsx", good.read_bytes())}).content.decode()
    assert 'id="imported"' in page and Project.objects.count() == 1
    bad = workbook(tmp_path / "bad.xlsx", [
        ["示例项目", "示例公司", "3670", 100, "火星", "", "", "", "", ""]], [])
    page = client.post(reverse("projects:import"), {"file": SimpleUploadedFile(
        "bad.xlsx", bad.read_bytes())}).content.decode()
    assert 'id="problems"' in page and "火星" in page and Project.objects.count() == 1
    wrong_type = client.post(reverse("projects:import"), {"file": SimpleUploadedFile(
        "ledger.docx", io.BytesIO(b"x").getvalue())})
    assert wrong_type.context["form"].errors
    cluster = Client()
    cluster.force_login(users["cluster"])
    assert cluster.get(reverse("projects:import")).status_code == 403
