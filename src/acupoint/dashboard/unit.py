"""A district's or a cluster's figures against its targets: the classes of its firms in the
latest published evaluation against the province's quotas (A at most 20%, D at least 5%,
鲁政字〔2019〕235号, as the evaluation's spec states them), and each of its clusters against the
binding creation standards and the plan's targets (revenue growth about 10% a year,
leading-industry concentration about 70%) in the latest published assessment."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from acupoint.accounts import scoping


@dataclass
class Target:
    """A figure beside its target: ``at_most`` for a cap (A-class share), else a floor."""

    label: str
    value: float | None
    goal: float
    at_most: bool = False

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value <= self.goal if self.at_most else self.value >= self.goal


@dataclass
class UnitFigures:
    name: str
    enterprises: int
    run: object | None = None  # the latest published evaluation covering the unit
    classes: list[tuple[str, int]] = field(default_factory=list)
    clusters: list = field(default_factory=list)  # latest published AssessmentResult each
    targets: list[Target] = field(default_factory=list)  # the unit's classes vs the quotas
    cluster_targets: dict[str, list[Target]] = field(default_factory=dict)  # by cluster code


def figures(user) -> UnitFigures:
    from acupoint.clusters.models import Assessment, AssessmentResult
    from acupoint.registry import selectors
    from acupoint.triage.models import EvaluationResult, EvaluationRun
    from acupoint.triage.selectors import distribution

    unit = user.district or user.cluster
    view = UnitFigures(str(unit), selectors.enterprises(user).count())
    results = scoping.visible(user, EvaluationResult).filter(
        run__status=EvaluationRun.Status.PUBLISHED, run__superseded_by__isnull=True)
    if user.district_id:
        results = results.filter(district_id=user.district_id)
    else:
        results = results.filter(enterprise__cluster_id=user.cluster_id)
    newest = results.order_by("-run__year", "-run__pk").values_list("run", flat=True).first()
    if newest is not None:
        view.run = EvaluationRun.objects.get(pk=newest)
        counts = distribution(results.filter(run=newest), "run_id").get(newest, Counter())
        view.classes = sorted((grade or "—", count) for grade, count in counts.items())
        view.targets = quota_targets(view.run.spec_data, counts)
    latest = scoping.visible(user, Assessment).filter(
        status=Assessment.Status.PUBLISHED).order_by("-period").first()
    if latest is not None:
        view.clusters = list(scoping.visible(user, AssessmentResult).filter(
            assessment=latest, cluster__in=scoping.clusters_with_inputs(user))
            .select_related("cluster", "assessment"))
        view.cluster_targets = {result.cluster.code: plan_targets(result.figures)
                                for result in view.clusters}
    return view


def quota_targets(spec_data: dict, counts: Counter) -> list[Target]:
    """The unit's share of each class that has a quota, against the quota: a top share caps
    the class (A ≤ 20%), a bottom share is a floor (D ≥ 5%), among the firms classed."""
    from django.utils.translation import gettext as _

    classed = sum(count for grade, count in counts.items() if grade and grade != "T")
    targets = []
    for level in (spec_data.get("classes") or {}).get("levels", []):
        top, bottom = level.get("top"), level.get("bottom")
        if level["name"] not in ("A", "D") or (top is None and bottom is None):
            continue
        share = counts.get(level["name"], 0) / classed if classed else None
        targets.append(Target(_("Share of class %(grade)s") % {"grade": level["name"]}, share,
                              top if top is not None else bottom, at_most=top is not None))
    return targets


def plan_targets(figures: dict) -> list[Target]:
    """A cluster's revenue growth and leading-industry concentration against the 2019–2021
    plan's targets."""
    from django.utils.translation import gettext as _

    from acupoint.clusters.strength import CONCENTRATION_TARGET, GROWTH_TARGET

    revenue, before = figures.get("revenue"), figures.get("revenue_before")
    leading = figures.get("leading_revenue")
    return [Target(_("Revenue growth"), revenue / before - 1 if revenue and before else None,
                   GROWTH_TARGET),
            Target(_("Leading-industry concentration"),
                   leading / revenue if revenue and leading is not None else None,
                   CONCENTRATION_TARGET)]
