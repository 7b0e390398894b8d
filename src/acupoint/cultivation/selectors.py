"""What each user sees of the ladder: their own firm, or the firms of their district or
cluster ranked for the next rung, with the counts against the city's targets."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from acupoint.accounts import scoping
from acupoint.cultivation import evaluation
from acupoint.cultivation.models import Application, Title
from acupoint.engine.ladder import NOT_QUALIFIED, QUALIFIED, Verdict
from acupoint.policies.models import PolicyFact
from acupoint.registry.models import Enterprise

# Qingdao's 2022–2025 targets (titles held), for the progress chart.
TARGETS = {"innovative_sme": 10_000, "srdi_sme": 2_000, "little_giant": 100,
           "hidden_champion": 100, "gazelle": 150}
CLOSE_GAPS = 2  # a firm this many changes away is listed as close


def enterprises(user) -> QuerySet[Enterprise]:
    return scoping.visible(user, Enterprise).select_related("district", "cluster")


def applications(user) -> QuerySet[Application]:
    return scoping.visible(user, Application).select_related(
        "enterprise", "enterprise__district", "notice")


def titles(user) -> QuerySet[Title]:
    return scoping.visible(user, Title).select_related("enterprise")


@dataclass
class Candidate:
    enterprise: Enterprise
    rung: str
    verdict: Verdict

    @property
    def ready(self) -> bool:
        return self.verdict.status == QUALIFIED

    @property
    def rung_name(self) -> str:
        return self.verdict.spec.rung.name


@dataclass
class Pool:
    rung: str
    ready: list[Candidate]
    close: list[Candidate]

    @property
    def name(self) -> str:
        return evaluation.name_on(self.rung, timezone.localdate())

    @property
    def size(self) -> int:
        return len(self.ready) + len(self.close)


def pools(user, day: dt.date, district: str = "", cluster: str = "") -> list[Pool]:
    """For every firm with cultivation data in the user's scope, its next rung up: the firms
    that qualify now (ranked by score), and those a couple of changes away."""
    firms = enterprises(user).filter(pk__in=PolicyFact.objects.values("enterprise_id"))
    if district:
        firms = firms.filter(district__name=district)
    if cluster:
        firms = firms.filter(cluster__code=cluster)
    firms = list(firms)
    profiles = evaluation.profiles([firm.pk for firm in firms], day)
    held: dict[int, set[str]] = defaultdict(set)
    for title in Title.objects.filter(enterprise__in=firms):
        if title.valid_on(day):
            held[title.enterprise_id].add(title.rung)
    ladder = evaluation.ladder()
    found: dict[str, Pool] = {}
    for firm in firms:
        national = [rung for rung in ladder.rungs() if rung in held[firm.pk]
                    and ladder.versions(rung)[0].rung.ladder == "miit"]
        rung = ladder.next_rung(national[-1] if national else None)
        spec = evaluation.in_force(rung, day) if rung else None
        if spec is None:
            continue
        verdict = evaluation.evaluator().evaluate(spec, profiles[firm.pk])
        pool = found.setdefault(rung, Pool(rung, [], []))
        if verdict.status == QUALIFIED:
            pool.ready.append(Candidate(firm, rung, verdict))
        elif verdict.status == NOT_QUALIFIED and len(verdict.gaps) <= CLOSE_GAPS:
            pool.close.append(Candidate(firm, rung, verdict))
    for pool in found.values():
        pool.ready.sort(key=lambda item: (-(item.verdict.score or 0), item.enterprise.name))
        pool.close.sort(key=lambda item: (len(item.verdict.gaps), -(item.verdict.score or 0)))
    ordered = [rung for rung in ladder.rungs() if rung in found]
    return [found[rung] for rung in ordered]


def candidates(pool: Pool, search: str = "") -> list[Candidate]:
    """A pool's firms in one list, ready ones first, narrowed to a name or credit code."""
    listed = [*pool.ready, *pool.close]
    if search:
        needle = search.casefold()
        listed = [item for item in listed if needle in item.enterprise.name.casefold()
                  or needle in item.enterprise.credit_code.casefold()]
    return listed


def progress(user, day: dt.date) -> list[dict]:
    """Titles held on ``day`` by rung, against the city's targets."""
    counts = Counter(title.rung for title in titles(user) if title.valid_on(day))
    return [{"rung": evaluation.name_on(rung, day), "held": counts.get(rung, 0), "target": target}
            for rung, target in TARGETS.items()]


def expiring(user, day: dt.date, district: str = "", cluster: str = "") -> list[Candidate]:
    """Titles that expire within a year, with the criteria in force they now fail (what a
    re-review would find)."""
    held = titles(user).filter(expires__gt=day, expires__lte=day + evaluation.EXPIRY_WINDOW)
    if district:
        held = held.filter(enterprise__district__name=district)
    if cluster:
        held = held.filter(enterprise__cluster__code=cluster)
    held = list(held.select_related("enterprise__district"))
    profiles = evaluation.profiles([title.enterprise_id for title in held], day)
    found = []
    for title in held:
        spec = evaluation.in_force(title.rung, day)
        if spec is None:
            continue
        verdict = evaluation.evaluator().evaluate(spec, profiles[title.enterprise_id])
        if verdict.status == NOT_QUALIFIED:
            found.append(Candidate(title.enterprise, title.rung, verdict))
    return found
