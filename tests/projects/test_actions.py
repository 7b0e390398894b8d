"""Projects as the bureau, the districts and the departments change them: stages recorded as
they happened (warned, never refused, when out of order, on a holiday or skipped), refused when
in the future, outside the user's scope or in a cluster of another district; overdue stages
escalated to their department and resolved when the stage is reached; limits the bureau sets;
and each role's view of the projects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from acupoint.accounts import scoping
from acupoint.accounts.models import AuditEntry
from acupoint.demo import projects as demo_projects
from acupoint.engine.process import measure
from acupoint.projects import actions, analytics, selectors
from acupoint.projects.models import (
    ApprovalPause,
    Department,
    Escalation,
    Project,
    StageEvent,
)
from acupoint.registry.models import Cluster, District
from acupoint.workdays import add_working_days

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2025, 6, 30)


def make_project(actor, district: District | None = None, cluster: Cluster | None = None,
                 **values) -> Project:
    district = district or District.objects.get(name="黄岛")
    return actions.do_create_project(actor, **{
        "name": "示例整车项目", "investor": "示例汽车有限公司", "industry_code": "3612",
        "planned_investment": 500_000.0, "district": district, "cluster": cluster,
        **values})


def record(actor, project: Project, stage: str, day: dt.date, **values):
    return actions.do_record_stage(actor, project, stage=stage, day=day, today=TODAY,
                                   **values)


def kinds(outcome) -> list[str]:
    return [warning.kind for warning in outcome.warnings]


def test_a_district_officer_registers_projects_of_their_own_district_only(users):
    officer = users["huangdao"]
    project = make_project(officer, first_contact=D(2025, 3, 3))
    assert project.stage == "contact" and project.stage_day == D(2025, 3, 3)
    assert project.waiting_on.code == "investment"
    assert AuditEntry.objects.filter(action="projects.create", object_id=str(project.pk),
                                     actor=officer).exists()
    other = District.objects.exclude(pk=officer.district_id).first()
    with pytest.raises(PermissionDenied):
        make_project(officer, district=other)
    with pytest.raises(PermissionDenied):
        make_project(users["cluster"])
    assert Project.objects.count() == 1


def test_a_project_whose_district_and_cluster_disagree_is_refused_and_names_both(users):
    cluster = Cluster.objects.exclude(district__name="黄岛").select_related("district").first()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        make_project(users["admin"], cluster=cluster)
    message = refused.value.message_dict["cluster"][0]
    assert cluster.name in message and cluster.district.name in message and "黄岛" in message
    assert not Project.objects.exists()
    same = Cluster.objects.filter(district__name="黄岛").first()
    assert make_project(users["admin"], cluster=same).cluster == same


def test_stages_out_of_order_on_a_holiday_or_skipped_are_kept_with_warnings(users):
    project = make_project(users["admin"], first_contact=D(2024, 9, 2))
    signed = record(users["admin"], project, "signing", D(2024, 10, 3))
    assert set(kinds(signed)) == {"not_working_day", "missing"}  # 3 Oct: National Day
    assert {warning.params["stage"] for warning in signed.warnings} == {"签约", "洽谈"}
    negotiated = record(users["admin"], project, "negotiation", D(2024, 10, 8))
    # Signing now comes before the negotiation: out of order; nothing is missing any more.
    assert [(item.kind, item.params["stage"], item.params["earlier"])
            for item in negotiated.warnings] == [("out_of_order", "签约", "洽谈")]
    assert "missing" not in {item.kind for item in actions.history_warnings(
        selectors.history(project))}
    assert StageEvent.objects.filter(project=project).count() == 3
    project.refresh_from_db()
    assert project.stage == "signing" and project.stage_day == D(2024, 10, 3)
    entry = AuditEntry.objects.filter(action="projects.record_stage").first()
    assert entry.after["warnings"] and entry.after["stage"] == "negotiation"


def test_a_stage_in_the_future_or_unknown_is_refused_and_saves_nothing(users):
    project = make_project(users["admin"], first_contact=D(2025, 6, 2))
    with pytest.raises(ValidationError) as future:
        record(users["admin"], project, "negotiation", TODAY + dt.timedelta(days=1))
    assert "day" in future.value.message_dict
    with pytest.raises(ValidationError):
        record(users["admin"], project, "ribbon_cutting", D(2025, 6, 3))
    assert project.events.count() == 1


def signed(actor, project: Project) -> None:
    for stage, day in [("negotiation", D(2025, 1, 6)), ("signing", D(2025, 1, 10)),
                       ("registration", D(2025, 1, 13))]:
        record(actor, project, stage, day)


def accept(actor, project: Project, stage: str, day: dt.date):
    return actions.do_accept_application(actor, project, stage=stage, day=day, today=TODAY)


def test_the_permits_on_one_day_are_a_fast_track_not_a_problem(users):
    project = make_project(users["admin"], first_contact=D(2025, 1, 2))
    signed(users["admin"], project)
    planning = accept(users["admin"], project, "land_planning", D(2025, 1, 16))
    works = accept(users["admin"], project, "works_permit", D(2025, 2, 17))
    building = accept(users["admin"], project, "construction_permit", D(2025, 2, 17))
    for approval in (planning, works, building):
        decided = actions.do_decide_approval(users["admin"], approval, day=D(2025, 2, 20),
                                             today=TODAY)
        assert decided.warnings == []
    project.refresh_from_db()
    assert project.stage == "construction_permit"
    # 16 Jan → 20 Feb across the Spring Festival (28 Jan–4 Feb off; Sunday 26 Jan and
    # Saturday 8 Feb worked): 17 Jan, 20–24 Jan, 26–27 Jan, 5–8 Feb, 10–14 Feb and 17–20 Feb
    # make 21; 17 → 20 Feb is 3, twice.
    measured = measure(selectors.history(project),
                       selectors.approvals(Project.objects.filter(pk=project.pk))[project.pk])
    assert measured.approval_days == 21 + 3 + 3


def test_corrections_stop_the_governments_clock(users):
    project = make_project(users["admin"], first_contact=D(2025, 1, 2))
    signed(users["admin"], project)
    approval = accept(users["admin"], project, "land_planning", D(2025, 3, 3))
    with pytest.raises(ValidationError):  # one application under review per stage
        accept(users["admin"], project, "land_planning", D(2025, 3, 4))
    with pytest.raises(ValidationError):
        accept(users["admin"], project, "groundbreaking", D(2025, 3, 4))
    actions.do_request_correction(users["admin"], approval, day=D(2025, 3, 10),
                                  reason="缺少规划设计方案", today=TODAY)
    with pytest.raises(ValidationError):  # one correction awaited at a time
        actions.do_request_correction(users["admin"], approval, day=D(2025, 3, 11), today=TODAY)
    card = selectors.card(Project.objects.get(pk=project.pk), {}, D(2025, 3, 20))
    assert card.under_review and card.paused and card.waited == 5  # 4–7 and 10 Mar
    actions.do_complete_correction(users["admin"], approval, day=D(2025, 3, 24), today=TODAY)
    card = selectors.card(Project.objects.get(pk=project.pk), {}, D(2025, 3, 26))
    assert not card.paused and card.waited == 5 + 2  # 25 and 26 Mar count again
    actions.do_decide_approval(users["admin"], approval, day=D(2025, 3, 26), today=TODAY)
    approval.refresh_from_db()
    assert approval.decided_on == D(2025, 3, 26)
    assert project.events.get(stage="land_planning").day == D(2025, 3, 26)

def test_approvals_past_the_reforms_total_are_escalated_then_to_the_leadership(users):
    project = make_project(users["admin"], first_contact=D(2025, 1, 2))
    signed(users["admin"], project)
    # No stage limit is shipped: the project waits on the reform's 100 working days.
    approval = actions.do_accept_application(users["admin"], project, stage="land_planning",
                                             day=D(2025, 1, 16), today=D(2025, 1, 16))
    assert not Escalation.objects.exists()  # 0 of 100 on the day it was accepted
    raised = actions.do_escalate_overdue(users["admin"], TODAY)
    assert [(item.stage, item.level, item.department.code, item.basis, item.limit)
            for item in raised] == [("land_planning", Escalation.Level.DEPARTMENT,
                                     "natural-resources", "budget", 100)]
    assert raised[0].waited > 100
    assert actions.do_escalate_overdue(users["admin"], TODAY) == []  # once per stage
    later = actions.do_escalate_overdue(users["admin"], add_working_days(D(2025, 1, 16), 201))
    assert [item.level for item in later] == [Escalation.Level.LEADERSHIP]
    decided = actions.do_decide_approval(users["admin"], approval, day=D(2025, 6, 27),
                                         today=TODAY)
    assert decided.resolved == 2
    assert not Escalation.objects.filter(project=project, resolved_on__isnull=True).exists()
    with pytest.raises(PermissionDenied):
        actions.do_escalate_overdue(users["huangdao"], TODAY)

def test_a_local_stage_limit_is_followed_and_only_approval_stages_have_one(users):
    project = make_project(users["admin"], first_contact=D(2025, 6, 2))
    signed(users["admin"], project)
    accept(users["admin"], project, "land_planning", D(2025, 6, 20))  # 6 working days by 30th
    new_owner = Department.objects.get(code="development-reform")
    with pytest.raises(PermissionDenied):
        actions.do_set_rule(users["huangdao"], "land_planning", department=None, limit_days=5)
    with pytest.raises(ValidationError):  # no government clock runs for signing
        actions.do_set_rule(users["admin"], "signing", department=None, limit_days=5)
    actions.do_set_rule(users["admin"], "land_planning", department=new_owner, limit_days=5)
    project.refresh_from_db()
    assert project.waiting_on == new_owner  # projects waiting for the stage follow at once
    raised = actions.do_escalate_overdue(users["admin"], TODAY)
    assert [(item.project, item.stage, item.limit, item.waited, item.department, item.basis)
            for item in raised] == [(project, "land_planning", 5, 6, new_owner, "stage")]
    assert AuditEntry.objects.filter(action="projects.set_rule").count() == 1

def test_a_department_member_records_only_the_stages_their_department_handles(users):
    land = Department.objects.get(code="natural-resources")
    member = users["ziran"]
    land.members.add(member)
    project = make_project(users["admin"], first_contact=D(2025, 1, 2))
    for stage, day in [("negotiation", D(2025, 1, 6)), ("signing", D(2025, 1, 10))]:
        record(users["admin"], project, stage, day)
    assert not selectors.projects(member).filter(pk=project.pk).exists()
    record(users["admin"], project, "registration", D(2025, 1, 13))
    assert selectors.projects(member).filter(pk=project.pk).exists()  # now in its queue
    with pytest.raises(PermissionDenied):
        record(member, project, "groundbreaking", D(2025, 3, 3))
    approval = accept(member, project, "land_planning", D(2025, 2, 10))
    actions.do_decide_approval(member, approval, day=D(2025, 3, 3), today=TODAY)
    assert project.events.get(stage="land_planning").department == land

def test_each_role_sees_its_own_projects(users):
    huangdao = District.objects.get(name="黄岛")
    other = District.objects.exclude(pk=huangdao.pk).first()
    own = make_project(users["admin"], district=huangdao, first_contact=D(2025, 1, 2))
    elsewhere = make_project(users["admin"], district=other, first_contact=D(2025, 1, 2))
    enterprise = users["enterprise"].enterprise
    actions.do_update_project(users["admin"], elsewhere, enterprise=enterprise)
    assert set(selectors.projects(users["admin"])) == {own, elsewhere}
    assert set(selectors.projects(users["huangdao"])) == {own}
    assert set(selectors.projects(users["enterprise"])) == {elsewhere}
    assert not selectors.projects(users["association"]).exists()
    assert not scoping.visible(users["huangdao"], StageEvent).filter(project=elsewhere).exists()
    with pytest.raises(PermissionDenied):
        actions.do_update_project(users["huangdao"], elsewhere, name="改名")
    with pytest.raises(PermissionDenied):  # nor move its own project to another district
        actions.do_update_project(users["huangdao"], own, district=other)
    assert AuditEntry.objects.filter(action="projects.update").count() == 1


def test_the_demo_projects_stall_loop_and_fast_track_and_the_analytics_measure_them(users):
    assert demo_projects.seed(count=150, today=TODAY) == 150
    projects = Project.objects.all()
    histories = selectors.histories(projects)
    fast = [project for project in projects if "land_permit" in project.methods]
    assert fast and all(
        len({event.day for event in histories[project.pk]
             if event.stage in {"land_planning", "works_permit", "construction_permit"}}) <= 1
        for project in fast)
    assert StageEvent.objects.filter(returned=True).exists()
    assert Escalation.objects.filter(resolved_on__isnull=True, basis="budget").exists()
    assert ApprovalPause.objects.exists()  # corrections asked of some applicants
    figures = analytics.analyse(projects, TODAY)
    counts = [count for _name, count in figures.funnel]
    assert counts[0] == 150 and counts == sorted(counts, reverse=True) and counts[-1] > 0
    assert figures.lead_time.median <= figures.lead_time.p90
    assert 0 < figures.lead_time.within < figures.lead_time.count
    assert figures.overdue_now > 0 and figures.loops
    assert "投产" not in {name for name, _days, _count in figures.by_stage}
    assert sum(record["projects"] for record in figures.comparison.records) \
        == figures.lead_time.count
    fast_spread, usual_spread = figures.fast_tracked
    assert fast_spread.median < usual_spread.median
    assert demo_projects.seed(count=10, today=TODAY) == 0  # once


def test_a_closed_project_keeps_its_history_waits_for_nothing_and_can_be_reopened(users):
    project = make_project(users["huangdao"], first_contact=D(2025, 1, 2))
    signed(users["huangdao"], project)
    accept(users["huangdao"], project, "land_planning", D(2025, 1, 16))
    actions.do_escalate_overdue(users["admin"], TODAY)
    assert Escalation.objects.filter(project=project, stage="land_planning").exists()
    with pytest.raises(ValidationError) as no_reason:
        actions.do_close_project(users["huangdao"], project, day=D(2025, 6, 2), reason=" ",
                                 today=TODAY)
    assert "close_reason" in no_reason.value.message_dict
    actions.do_close_project(users["huangdao"], project, day=D(2025, 6, 2),
                             reason="投资方选址落户外地", today=TODAY)
    project.refresh_from_db()
    assert project.status == Project.Status.DROPPED and project.waiting_on is None
    assert not project.escalations.filter(resolved_on__isnull=True).exists()
    assert actions.do_escalate_overdue(users["admin"], TODAY) == []
    with pytest.raises(ValidationError):
        record(users["huangdao"], project, "land_planning", D(2025, 6, 3))
    figures = analytics.analyse(Project.objects.all(), TODAY)
    assert figures.funnel[0][1] == 1 and figures.overdue_now == 0
    actions.do_reopen_project(users["huangdao"], project)
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE
    assert project.waiting_on.code == "natural-resources"
    assert record(users["huangdao"], project, "land_planning", D(2025, 6, 3)).event.pk
    assert [entry.action for entry in AuditEntry.objects.filter(
        action__in=["projects.close", "projects.reopen"]).order_by("id")] == [
        "projects.close", "projects.reopen"]
