"""The project pages as their users meet them: the board and its filters, recording a stage
with its warnings, the project form refusing a cluster of another district, the department
dashboard, the analytics page, the stage rules, the .xlsx ledger and the event logs that pm4py
reads."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pm4py
import pytest
from django.test import Client
from django.urls import reverse

from acupoint.demo import projects as demo_projects
from acupoint.projects.models import Project, StageRule
from acupoint.registry.models import Cluster, District
from tests.projects.test_actions import D, make_project

pytestmark = pytest.mark.django_db


def client_for(users, username) -> Client:
    client = Client()
    client.force_login(users[username])
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_an_officer_records_a_stage_and_the_project_moves_on_the_board(users):
    project = make_project(users["huangdao"], first_contact=D(2024, 9, 2))
    client = client_for(users, "huangdao")
    board = client.get(reverse("projects:board")).content.decode()
    assert f'data-project="{project.pk}"' in board.split('data-stage="contact"')[1].split(
        'data-stage="negotiation"')[0]
    response = client.post(reverse("projects:record-stage", args=[project.pk]), {
        "stage": "signing", "day": "2024-10-03", "documents": "投资协议\n补充协议"},
        follow=True)
    said = messages_of(response)
    assert any("签约" in text and "2024-10-03" in text for text in said)
    assert any("不是工作日" in text for text in said)  # National Day, kept with a warning
    assert any("洽谈" in text for text in said)  # missing before signing
    board = client.get(reverse("projects:board")).content.decode()
    signing = board.split('data-stage="signing"')[1].split('data-stage="registration"')[0]
    assert f'data-project="{project.pk}"' in signing
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert "投资协议；补充协议" in page and 'id="chart-gantt"' in page
    future = client.post(reverse("projects:record-stage", args=[project.pk]), {
        "stage": "registration", "day": (dt.date.today() + dt.timedelta(days=3)).isoformat()},
        follow=True)
    assert any("未来" in text for text in messages_of(future))
    assert project.events.count() == 2


def test_the_project_form_refuses_a_cluster_of_another_district_and_keeps_nothing(users):
    huangdao = District.objects.get(name="黄岛")
    foreign = Cluster.objects.exclude(district=huangdao).first()
    client = client_for(users, "admin")
    form = {"name": "示例项目", "investor": "示例公司", "industry_code": "3670",
            "planned_investment": "12000", "district": huangdao.pk, "cluster": foreign.pk,
            "first_contact": "2025-03-03", "methods": ["early", "agent"]}
    response = client.post(reverse("projects:new"), form)
    assert response.status_code == 200 and not Project.objects.exists()
    html = response.content.decode()
    assert foreign.name in html and foreign.district.name in html
    form["cluster"] = Cluster.objects.filter(district=huangdao).first().pk
    created = client_for(users, "huangdao").post(reverse("projects:new"), form)
    project = Project.objects.get()
    assert created.url == reverse("projects:project", args=[project.pk])
    assert project.methods == ["early", "agent"] and project.officer == users["huangdao"]
    assert project.stage == "contact" and project.stage_day == D(2025, 3, 3)
    officer = client_for(users, "huangdao").get(reverse("projects:new")).content.decode()
    assert ">黄岛<" in officer and f">{foreign.district.name}<" not in officer
    assert client_for(users, "cluster").get(reverse("projects:new")).status_code == 403


def test_a_department_dashboard_lists_its_queue_with_the_overdue_first(users):
    late = make_project(users["admin"], first_contact=D(2024, 1, 2))
    on_time = make_project(users["admin"], first_contact=D(2024, 1, 2), name="准时项目")
    for project, accepted in ((late, D(2024, 3, 1)), (on_time, dt.date.today()
                                                      - dt.timedelta(days=1))):
        for stage, day in (("negotiation", D(2024, 1, 3)), ("signing", D(2024, 1, 4)),
                           ("registration", D(2024, 1, 5))):
            client_for(users, "admin").post(
                reverse("projects:record-stage", args=[project.pk]),
                {"stage": stage, "day": day.isoformat()})
        client_for(users, "admin").post(reverse("projects:accept", args=[project.pk]), {
            "stage": "land_planning", "day": accepted.isoformat()})
    users["ziran"].departments.add(StageRule.objects.get(stage="land_planning").department)
    html = client_for(users, "ziran").get(
        reverse("projects:department", args=["natural-resources"])).content.decode()
    overdue = html.split('id="overdue"')[1].split('id="queue"')[0]
    assert f'data-project="{late.pk}"' in overdue and f'data-project="{on_time.pk}"' not in overdue
    assert f'data-project="{on_time.pk}"' in html.split('id="queue"')[1]
    assert "立项用地规划许可" in overdue
    assert client_for(users, "ziran").get(
        reverse("projects:department", args=["housing-construction"])).status_code == 404


def test_analytics_export_and_event_logs_cover_what_the_user_may_see(users, tmp_path):
    demo_projects.seed(count=80, today=dt.date(2025, 6, 30))
    bureau = client_for(users, "analyst")
    html = bureau.get(reverse("projects:analytics")).content.decode()
    for part in ('id="lead-time"', 'id="funnel"', 'id="waits-stage"', 'id="waits-department"',
                 'id="loops"', 'id="comparison"', 'id="chart-lead-time"'):
        assert part in html
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(
        bureau.get(reverse("projects:export")).streaming_content)))
    ledger, events = workbook.worksheets
    assert ledger.max_row - 1 == Project.objects.count() and events.max_row > ledger.max_row
    assert ledger.cell(1, 1).value == "项目编号"
    district = District.objects.get(name="黄岛")
    own = Project.objects.filter(district=district).count()
    officer = client_for(users, "huangdao")
    rows = openpyxl.load_workbook(io.BytesIO(b"".join(officer.get(
        reverse("projects:export")).streaming_content))).worksheets[0].max_row - 1
    assert rows == own
    xes = tmp_path / "projects.xes"
    xes.write_bytes(b"".join(officer.get(reverse("projects:log", args=["xes"]))
                             .streaming_content))
    log = pm4py.read_xes(str(xes))
    assert log["case:concept:name"].nunique() == own
    ocel_file = tmp_path / "projects.jsonocel"
    ocel_file.write_bytes(b"".join(bureau.get(reverse("projects:log", args=["jsonocel"]))
                                   .streaming_content))
    assert json.loads(ocel_file.read_text())["objectTypes"]
    assert len(pm4py.read_ocel2_json(str(ocel_file)).objects) > Project.objects.count()
    assert client_for(users, "enterprise").get(reverse("projects:analytics")).status_code == 403


def test_the_bureau_changes_a_limit_on_the_rules_page(users):
    client = client_for(users, "admin")
    page = client.get(reverse("projects:rules")).content.decode()
    assert "100" in page and 'id="local-limits"' in page  # the split is a local setting
    assert StageRule.objects.exclude(limit_days=None).count() == 0  # none is shipped
    form = {}
    for rule in StageRule.objects.all():
        form[f"{rule.stage}-department"] = rule.department_id or ""
        form[f"{rule.stage}-limit_days"] = rule.limit_days or ""
    form["land_planning-limit_days"] = 25
    assert client.post(reverse("projects:rules"), form).status_code == 302
    assert StageRule.objects.get(stage="land_planning").limit_days == 25
    form["land_planning-limit_days"] = -3
    assert client.post(reverse("projects:rules"), form).status_code == 200
    assert StageRule.objects.get(stage="land_planning").limit_days == 25
    assert client_for(users, "huangdao").get(reverse("projects:rules")).status_code == 403


def test_a_closed_project_leaves_the_board_and_shows_under_its_filter(users):
    project = make_project(users["huangdao"], first_contact=D(2024, 9, 2))
    client = client_for(users, "huangdao")
    refused = client.post(reverse("projects:close", args=[project.pk]), {"day": "2024-10-08"},
                          follow=True)
    assert any("原因" in text for text in messages_of(refused))
    client.post(reverse("projects:close", args=[project.pk]),
                {"day": "2024-10-08", "reason": "投资方资金未落实"})
    card = f'data-project="{project.pk}"'
    assert card not in client.get(reverse("projects:board")).content.decode()
    dropped = client.get(reverse("projects:board"), {"status": "dropped"}).content.decode()
    assert card in dropped
    page = client.get(reverse("projects:project", args=[project.pk])).content.decode()
    assert "投资方资金未落实" in page and 'id="record-stage"' not in page
    client.post(reverse("projects:reopen", args=[project.pk]))
    assert card in client.get(reverse("projects:board")).content.decode()
