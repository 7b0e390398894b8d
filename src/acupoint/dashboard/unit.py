"""A district's or a cluster's figures against its targets: the classes of its firms in the
latest published evaluation, and each of its clusters against the binding creation
standards in the latest published assessment."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from acupoint.accounts import scoping


@dataclass
class UnitFigures:
    name: str
    enterprises: int
    run: object | None = None  # the latest published evaluation covering the unit
    classes: list[tuple[str, int]] = field(default_factory=list)
    clusters: list = field(default_factory=list)  # latest published AssessmentResult each


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
    latest = scoping.visible(user, Assessment).filter(
        status=Assessment.Status.PUBLISHED).order_by("-period").first()
    if latest is not None:
        view.clusters = list(scoping.visible(user, AssessmentResult).filter(
            assessment=latest, cluster__in=scoping.clusters_with_inputs(user))
            .select_related("cluster", "assessment"))
    return view
