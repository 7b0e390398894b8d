"""The demo city's investment projects: a few hundred, from first contact in 2023 to today,
with stage timing drawn in working days. Most move at the usual pace, some are fast-tracked
(拿地即开工: land, planning and construction permits on one day), some were returned at an
approval stage and redone, some stall past their limit, and some leads never sign and are
closed. All of it is illustrative and says so."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction

from acupoint.accounts.audit import record
from acupoint.accounts.models import User
from acupoint.demo import project_timing as timing
from acupoint.demo.loader import demo_enterprise
from acupoint.engine.process import Event
from acupoint.projects import actions, defaults, selectors
from acupoint.projects.models import (
    Approval,
    ApprovalPause,
    Department,
    FastTrack,
    Project,
    StageEvent,
    StageRule,
)
from acupoint.registry import industry
from acupoint.registry.models import Cluster, District
from acupoint.workdays import add_working_days

FIRST_CONTACT = dt.date(2023, 1, 3)
INDUSTRIES = ["3670", "3612", "3841", "3982", "3562", "3921", "3911", "2929", "3360", "2710"]
PRODUCTS = ["新能源汽车零部件", "动力电池", "集成电路封测", "智能家电", "工业机器人",
            "轨道交通装备", "生物医药", "高端化工新材料", "海洋装备", "通信设备", "虚拟现实终端",
            "氢能装备"]
INVESTORS = ["示例", "样例", "演示"]
def _industry(cluster: Cluster | None, rng: np.random.Generator) -> str:
    codes = [code for prefix in (cluster.leading_industries if cluster else [])
             for code in industry.table() if len(code) == 4 and code.startswith(str(prefix))
             and industry.lookup(code)]
    return str(rng.choice(codes or INDUSTRIES))


@transaction.atomic
def seed(count: int = 300, today: dt.date | None = None, seed: int = 2019) -> int:
    """Once: ``count`` projects spread over the districts and clusters, escalations of the
    overdue ones, and the demo department user's membership."""
    if Project.objects.exists():
        return 0
    defaults.ensure(Department, StageRule)
    today = today or dt.date.today()
    rng = np.random.default_rng(seed)
    districts = list(District.objects.all())
    clusters = list(Cluster.objects.all())
    rules = selectors.rules()
    departments = {stage: rule.department for stage, rule in rules.items()}
    officers = {user.district_id: user for user in User.objects.filter(
        role="district_officer")}
    span = max((today - FIRST_CONTACT).days - 20, 1)
    own = demo_enterprise()
    projects, histories, kinds = [], [], []
    for number in range(count):
        cluster = clusters[int(rng.integers(len(clusters)))] if rng.random() < 0.6 else None
        district = cluster.district if cluster else districts[int(rng.integers(len(districts)))]
        if number == 0 and own is not None:  # the demo enterprise user's own project
            district = own.district
            cluster = own.cluster if own.cluster and own.cluster.district == district else None
        kind = timing.fate(rng)
        product = PRODUCTS[int(rng.integers(len(PRODUCTS)))]
        start = timing.workday(FIRST_CONTACT + dt.timedelta(days=int(rng.integers(span))))
        if kind == "stalled":  # stuck this year, not since the first demo year
            start = timing.workday(max(FIRST_CONTACT,
                                 today - dt.timedelta(days=int(rng.integers(200, 450)))))
        methods = ([FastTrack.EARLY, FastTrack.AGENT, FastTrack.LAND_AND_PERMIT]
                   if kind == "fast" else
                   [FastTrack.TOLERANCE] if rng.random() < 0.1 else [])
        projects.append(Project(
            name=f"{product}项目（示例{number + 1:03d}）",
            investor=f"{INVESTORS[number % 3]}{product}有限公司",
            industry_code=_industry(cluster, rng),
            planned_investment=float(round(rng.lognormal(10.3, 0.9), -1)),
            district=district, cluster=cluster,
            land_parcel=f"{district.name}-{2023 + number % 4}-{number + 1:03d}",
            land_area_mu=float(round(rng.uniform(20, 400))), methods=[str(m) for m in methods],
            lead_department=departments.get("contact"), officer=officers.get(district.pk),
            enterprise=own if number == 0 else None, notes="示例数据，仅用于演示。"))
        histories.append(timing.history(kind, start, today, rng))
        kinds.append(kind)
        if kind == "lost":
            _drop(projects[-1], histories[-1][-1][1], today, rng)
    Project.objects.bulk_create(projects)
    events = [StageEvent(project=project, stage=stage, day=day, returned=returned,
                         department=departments.get(stage),
                         notes="退回补正材料" if returned else "")
              for project, history in zip(projects, histories, strict=True)
              for stage, day, returned in history]
    StageEvent.objects.bulk_create(events, batch_size=2_000)
    _approvals(projects, histories, kinds, departments, today, rng)
    for project, history in zip(projects, histories, strict=True):
        actions.set_state(project, [Event(stage, day, "", returned)
                                    for stage, day, returned in history], rules)
    Project.objects.bulk_update(projects, actions.STATE_FIELDS, batch_size=1_000)
    record(None, "projects.demo", object_type="projects.Project",
           after={"projects": len(projects), "events": len(events)})
    actions.do_escalate_overdue(None, today)
    _members()
    return len(projects)


def _approvals(projects: list[Project], histories: list, kinds: list[str],
               departments: dict, today: dt.date, rng: np.random.Generator) -> None:
    """The approvals behind each project's approval stages, with their corrections."""
    drawn = [(project, approval) for project, history, kind in zip(
        projects, histories, kinds, strict=True)
        for approval in timing.approvals(kind, history, today, rng)]
    records = Approval.objects.bulk_create([
        Approval(project=project, stage=approval.stage, department=departments.get(
            approval.stage), accepted_on=approval.accepted, decided_on=approval.decided)
        for project, approval in drawn], batch_size=2_000)
    ApprovalPause.objects.bulk_create([
        ApprovalPause(approval=record, start=start, end=end, reason="申请材料不全，通知补正")
        for record, (_project, approval) in zip(records, drawn, strict=True)
        for start, end in approval.pauses], batch_size=2_000)


def _drop(project: Project, last: dt.date, today: dt.date, rng: np.random.Generator) -> None:
    """A lead that went quiet is closed a few weeks later (one still fresh stays open)."""
    closed = add_working_days(last, int(rng.integers(20, 60)))
    if closed <= today:
        project.status, project.closed_on = Project.Status.DROPPED, closed
        project.close_reason = str(rng.choice(["投资方调整布局，项目终止", "选址落户外地",
                                               "投资方资金未落实"]))


def _members() -> None:
    land = Department.objects.filter(code="natural-resources").first()
    user = User.objects.filter(username="ziran").first()
    if land and user:
        land.members.add(user)
