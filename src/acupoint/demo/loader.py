"""Loading the demo city into the database: geography, then the enterprise files through the
same import path a bureau uses, then one demo user per role."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Q

from acupoint.accounts.actions import do_create_user
from acupoint.accounts.models import User
from acupoint.accounts.roles import ParticipantKind, Role
from acupoint.clusters.actions import do_apply_membership
from acupoint.demo import policies, race
from acupoint.registry.actions import do_import_file, do_load_geography
from acupoint.registry.models import Cluster, District, Enterprise, ImportBatch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    scope: str


def load_city(directory: Path, progress=None) -> list[ImportBatch]:
    geography = json.loads((directory / "geography.json").read_text(encoding="utf-8"))
    do_load_geography(None, geography)
    batches = []
    for name in ("enterprises", "annual"):
        path = next((directory / f"{name}{suffix}" for suffix in (".parquet", ".csv")
                     if (directory / f"{name}{suffix}").exists()), directory / f"{name}.csv")
        batch = do_import_file(None, path, source="合成演示数据", progress=progress)
        if batch.status != ImportBatch.Status.LANDED:
            raise RuntimeError(f"demo file {path} was rejected: {batch.errors[:5]}")
        batches.append(batch)
    do_apply_membership(None)
    race.seed()
    policies.seed(demo_enterprise())
    logger.info("demo city loaded from %s", directory)
    return batches


def demo_enterprise() -> Enterprise:
    """The enterprise the demo's enterprise user works for: a member of the first cluster
    in one of the cluster's leading industries (an automaker in the automotive cluster)."""
    cluster = Cluster.objects.order_by("code").first()
    members = Enterprise.objects.filter(cluster=cluster).order_by("credit_code")
    if cluster is not None and cluster.leading_industries:
        on_chain = Q()
        for prefix in cluster.leading_industries:
            on_chain |= Q(industry_code__startswith=prefix)
        return (members.filter(on_chain, above_scale=True).first() or members.first()
                or Enterprise.objects.order_by("credit_code").first())
    return members.first() or Enterprise.objects.order_by("credit_code").first()


def ensure_users() -> list[DemoLogin]:
    """One user per role, bound to a real scope of the demo city; existing users are kept."""
    district = District.objects.get(name="黄岛")
    cluster = Cluster.objects.order_by("code").first()
    enterprise = demo_enterprise()
    wanted = [
        ("admin", Role.BUREAU_ADMIN, {}, "全市"),
        ("analyst", Role.BUREAU_ANALYST, {}, "全市"),
        ("huangdao", Role.DISTRICT_OFFICER, {"district": district}, district.name),
        ("cluster", Role.CLUSTER_MANAGER, {"cluster": cluster}, cluster.name),
        ("enterprise", Role.ENTERPRISE_USER, {"enterprise": enterprise}, enterprise.name),
        ("association", Role.PARTICIPANT, {"organisation": "青岛市汽车行业协会",
                                           "participant_kind": ParticipantKind.ASSOCIATION},
         "青岛市汽车行业协会"),
        ("ziran", Role.PARTICIPANT, {"organisation": "市自然资源和规划局",
                                     "participant_kind": ParticipantKind.DEPARTMENT},
         "市自然资源和规划局"),
    ]
    logins = []
    for username, role, binding, scope in wanted:
        password = f"{username}-demo-2019"
        if not User.objects.filter(username=username).exists():
            do_create_user(None, username=username, password=password, role=role, **binding)
        logins.append(DemoLogin(username, password, str(Role(role).label), scope))
    return logins
