"""The `acupoint` command: help everywhere, and the commands that do the work."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from acupoint.cli import app

runner = CliRunner()
COMMANDS = ["demo", "serve", "worker", "demo-data", "import", "export", "createuser",
            "escalate", "recompute", "manage"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_demo_data_writes_the_city(tmp_path):
    result = runner.invoke(app, ["demo-data", "--enterprises", "50", "--years", "2022-2023",
                                 "--seed", "9", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert {path.name for path in tmp_path.iterdir()} == {
        "geography.json", "enterprises.csv", "annual.csv", "README.txt"}


@pytest.mark.django_db
def test_import_reports_problems_and_fails(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("统一社会信用代码,企业名称,区市,行业代码\n123,甲,黄岛,3612\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert "第 2 行" in result.output and "18" in result.output


@pytest.mark.django_db
def test_createuser_binds_scope_and_issues_token():
    from acupoint.accounts.models import ApiToken, User

    result = runner.invoke(app, ["createuser", "jimo", "--role", "district_officer",
                                 "--district", "即墨", "--password", "pw-jimo-2026", "--token"])
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="jimo")
    assert user.district.name == "即墨" and user.check_password("pw-jimo-2026")
    assert ApiToken.objects.filter(user=user).count() == 1
    refused = runner.invoke(app, ["createuser", "nobody", "--role", "district_officer"])
    assert refused.exit_code == 1
    assert not User.objects.filter(username="nobody").exists()


@pytest.mark.django_db
def test_export_writes_a_workbook(tmp_path):
    from python_calamine import CalamineWorkbook

    from acupoint.registry.models import Enterprise

    target = tmp_path / "all.xlsx"
    result = runner.invoke(app, ["export", str(target), "--district", "370211"])
    assert result.exit_code == 0, result.output
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert len(rows) - 1 == Enterprise.objects.filter(district__code="370211").count()


@pytest.mark.django_db
def test_recompute_says_whether_a_stored_run_still_holds():
    from acupoint.registry.models import AnnualData
    from acupoint.triage.actions import do_start_run, execute_run

    run = do_start_run(None, spec_name="shandong_2019.yaml", year=2024, queued=False)
    execute_run(run)
    same = runner.invoke(app, ["recompute", str(run.pk)])
    assert same.exit_code == 0, same.output
    assert "same result" in same.output and "unchanged" in same.output
    row = AnnualData.objects.filter(year=2024, tax__gt=0).select_related("enterprise").first()
    row.tax *= 1000
    row.save()
    changed = runner.invoke(app, ["recompute", str(run.pk)])
    assert changed.exit_code == 1
    assert "CHANGED" in changed.output and "firms differ" in changed.output


@pytest.mark.django_db
def test_escalate_raises_overdue_stages_once():
    import datetime as dt

    from acupoint.projects.actions import do_create_project
    from acupoint.projects.models import Escalation
    from acupoint.registry.models import District

    project = do_create_project(None, name="示例项目", investor="示例公司", industry_code="3670",
                                planned_investment=1.0, district=District.objects.first(),
                                first_contact=dt.date(2025, 1, 2))
    for stage, day in (("negotiation", dt.date(2025, 1, 6)), ("signing", dt.date(2025, 1, 7)),
                       ("registration", dt.date(2025, 1, 8))):
        project.events.create(stage=stage, day=day)
    project.stage, project.stage_day = "registration", dt.date(2025, 1, 8)
    project.save()
    project.approvals.create(stage="land_planning", accepted_on=dt.date(2025, 1, 9))
    result = runner.invoke(app, ["escalate"])
    assert result.exit_code == 0, result.output
    assert "示例项目" in result.output and "立项用地规划许可" in result.output
    assert Escalation.objects.filter(project=project, stage="land_planning").count() == 2
    again = runner.invoke(app, ["escalate"])
    assert "0 overdue stages escalated" in again.output
