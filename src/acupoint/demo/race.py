"""The demo city's cluster race: standings, the clusters' period reports and expert scores for
every year with data, two joint meetings with their tasks, and the traditional-industry
cases. All synthetic, drawn from the members' own figures so the race is plausible."""

from __future__ import annotations

import datetime

import numpy as np
from django.db.models import Sum
from django.utils import timezone

from acupoint.clusters.layout import ensure_sites
from acupoint.clusters.models import (
    PILLARS,
    ExpertScore,
    Meeting,
    PeriodFigures,
    RelocationSite,
    Standing,
    StatusChange,
    Task,
    TransformationCase,
)
from acupoint.registry.models import AnnualData, Cluster, District, Enterprise

CANDIDATES = ("QD07", "QD10")  # without a management body or a plan: not yet in the race


def seed(seed: int = 2019) -> None:
    if StatusChange.objects.exists():
        return
    rng = np.random.default_rng(seed)
    clusters = list(Cluster.objects.order_by("code"))
    start = timezone.make_aware(datetime.datetime(2019, 4, 5))
    StatusChange.objects.bulk_create([StatusChange(
        cluster=cluster, period="",
        standing=Standing.CANDIDATE if cluster.code in CANDIDATES else Standing.ACTIVE,
        reason="创建中，尚未满足全部创建标准" if cluster.code in CANDIDATES
        else "首批重点工业产业集聚区（2019 年联席会议确定）", created_at=start)
        for cluster in clusters])
    years = sorted(set(AnnualData.objects.values_list("year", flat=True)))
    _reports(rng, clusters, years)
    _meetings(rng, clusters)
    _cases(rng)


def publish_assessment() -> None:
    """Once: the year before the latest assessed and published with the shipped framework, so
    the race, the standings and every role's pages have a published result; the latest year
    is left for the bureau to assess."""
    from acupoint.clusters.actions import DEFAULT_FUND, do_assess, do_publish_assessment
    from acupoint.clusters.models import Assessment

    years = sorted(set(AnnualData.objects.values_list("year", flat=True)))
    if len(years) < 2 or Assessment.objects.filter(
            status=Assessment.Status.PUBLISHED).exists():
        return
    do_publish_assessment(None, do_assess(None, year=years[-2], fund=DEFAULT_FUND))


def _reports(rng: np.random.Generator, clusters: list[Cluster], years: list[int]) -> None:
    quality = {cluster.pk: rng.normal(0, 1) for cluster in clusters}
    reports, scores = [], []
    for year in years:
        revenue = dict(AnnualData.objects.filter(year=year, enterprise__cluster__isnull=False)
                       .values_list("enterprise__cluster").annotate(total=Sum("revenue")))
        for cluster in clusters:
            level = quality[cluster.pk] + rng.normal(0, 0.5)
            size = (revenue.get(cluster.pk) or 0) / 1e4  # 亿元
            signed = max(0.0, size * 1e4 * rng.uniform(0.05, 0.3) * np.exp(0.3 * level))
            reports.append(PeriodFigures(
                cluster=cluster, period=str(year),
                invention_patents=int(max(0, size * rng.uniform(0.3, 1.5) * np.exp(0.4 * level))),
                innovation_platforms=int(max(0, rng.poisson(2 + 2 * max(level, -0.9)))),
                signed_investment=round(signed, 1),
                actual_investment=round(signed * float(np.clip(rng.normal(0.6 + 0.1 * level,
                                                                         0.12), 0.1, 1.0)), 1)))
            for pillar, _label in PILLARS:
                scores.append(ExpertScore(
                    cluster=cluster, period=str(year), pillar=pillar,
                    score=round(float(np.clip(72 + 9 * level + rng.normal(0, 5), 30, 98)), 1)))
    PeriodFigures.objects.bulk_create(reports)
    ExpertScore.objects.bulk_create(scores)


DECISIONS = (
    ("编制集聚区产业链招商图谱并报联席会议办公室", None),
    ("完成集聚区四至范围矢量边界核定", None),
    ("推动主导产业重点项目签约落地", None),
    ("组织集聚区企业申报省级以上创新平台", None),
    ("落实化工企业进区入园搬迁计划", "市应急局"),
    ("研究集聚区用地指标统筹保障办法", "市自然资源和规划局"),
    ("出台集聚区择优激励资金管理细则", "市财政局"),
)


def _meetings(rng: np.random.Generator, clusters: list[Cluster]) -> None:
    today = timezone.localdate()
    for number, held in enumerate((today - datetime.timedelta(days=150),
                                   today - datetime.timedelta(days=40)), start=1):
        meeting = Meeting.objects.create(
            held_on=held, title=f"全市重点工业产业集聚区建设联席会议（第 {number} 次）",
            minutes="听取各集聚区创建提升工作汇报，研究部署下一阶段重点任务。")
        tasks = []
        for decision, department in DECISIONS:
            cluster = None if department else clusters[int(rng.integers(len(clusters)))]
            deadline = held + datetime.timedelta(days=int(rng.integers(30, 200)))
            status = rng.choice([Task.Status.OPEN, Task.Status.UNDER_WAY, Task.Status.DONE],
                                p=[0.35, 0.4, 0.25])
            tasks.append(Task(meeting=meeting, decision=decision, cluster=cluster,
                              department=department or "", deadline=deadline, status=status,
                              district=cluster.district if cluster else None,
                              done_on=deadline if status == Task.Status.DONE else None))
        Task.objects.bulk_create(tasks)


def _cases(rng: np.random.Generator) -> None:
    ensure_sites(RelocationSite)  # a test database flushed after migrating has none
    sites = {kind: list(RelocationSite.objects.filter(kind=kind))
             for kind in RelocationSite.Kind.values}
    firms = Enterprise.objects.order_by("credit_code")
    rubber = list(firms.filter(industry_code__startswith="291")[:12])
    chemical = list(firms.filter(industry_code__startswith="26")[:20])
    cases = []
    for firm in rubber + chemical:
        # The five key monitored sites are enterprises watched where they stand: nobody
        # moves into them.
        pool = sites["rubber_cluster"] if firm in rubber else sites["chemical_park"]
        cases.append(_case(rng, firm, TransformationCase.Kind.CHEMICAL_RELOCATION,
                           pool[int(rng.integers(len(pool)))]))
    districts = list(District.objects.filter(name__in=["市北", "李沧", "市南"]))
    heavy = firms.filter(district__in=districts, industry_code__regex=r"^(17|22|30|31|32|33)")
    for firm in heavy[:15]:
        cases.append(_case(rng, firm, TransformationCase.Kind.CAPACITY_TRANSFER, None))
    TransformationCase.objects.bulk_create(cases)


def _case(rng: np.random.Generator, firm: Enterprise, kind: str,
          site: RelocationSite | None) -> TransformationCase:
    progress = int(rng.choice([0, 20, 45, 70, 100]))
    status = (TransformationCase.Status.DONE if progress == 100 else
              TransformationCase.Status.PLANNED if progress == 0
              else TransformationCase.Status.UNDER_WAY)
    return TransformationCase(enterprise=firm, kind=kind, target_site=site, status=status,
                              progress=progress,
                              due=datetime.date(2025, 12, 31) if kind == "capacity_transfer"
                              else datetime.date(2026, 6, 30))
