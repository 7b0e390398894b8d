"""What the race pages read, every queryset scoped by role through `scoping.visible`."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from acupoint.accounts import scoping
from acupoint.clusters.models import (
    PILLARS,
    Assessment,
    AssessmentResult,
    PeriodFigures,
    StatusChange,
    Task,
    TransformationCase,
)


def assessments(user) -> QuerySet[Assessment]:
    return scoping.visible(user, Assessment).order_by("-period")


def published(user) -> QuerySet[Assessment]:
    return assessments(user).filter(status=Assessment.Status.PUBLISHED)


def results(user, assessment: Assessment) -> QuerySet[AssessmentResult]:
    return (scoping.visible(user, AssessmentResult).filter(assessment=assessment)
            .select_related("cluster", "cluster__district")
            .order_by("rank", "standing_before", "cluster__code"))


def history(user, cluster_code: str) -> QuerySet[AssessmentResult]:
    """The cluster's result in every assessment the user sees, oldest first."""
    return (scoping.visible(user, AssessmentResult).filter(cluster__code=cluster_code)
            .select_related("assessment").order_by("assessment__period"))


def race_records(user) -> list[dict]:
    """Rank and score per cluster and published period, for the race chart."""
    rows = (scoping.visible(user, AssessmentResult)
            .filter(assessment__status=Assessment.Status.PUBLISHED, rank__isnull=False)
            .values_list("cluster__name", "assessment__period", "rank", "score"))
    return [{"cluster": name, "period": period, "rank": rank, "score": score}
            for name, period, rank, score in rows]


def pillar_records(result: AssessmentResult) -> list[dict]:
    return [{"pillar": str(label), "score": result.pillars.get(code), "slot": 1}
            for code, label in PILLARS if result.pillars.get(code) is not None]


def status_history(user, cluster_code: str) -> QuerySet[StatusChange]:
    return scoping.visible(user, StatusChange).filter(cluster__code=cluster_code)


def tasks(user) -> QuerySet[Task]:
    return (scoping.visible(user, Task).select_related("meeting", "cluster", "district")
            .order_by("status", "deadline", "id"))


def overdue(user, today: datetime.date) -> QuerySet[Task]:
    return tasks(user).exclude(status=Task.Status.DONE).filter(deadline__lt=today)


def reports(user, cluster_code: str) -> QuerySet[PeriodFigures]:
    return scoping.visible(user, PeriodFigures).filter(cluster__code=cluster_code)


def cases(user) -> QuerySet[TransformationCase]:
    return (scoping.visible(user, TransformationCase)
            .select_related("enterprise", "enterprise__district", "target_site"))
