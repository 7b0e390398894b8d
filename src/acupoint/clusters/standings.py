"""Where each cluster stands now, read from its status history (no history: candidate)."""

from __future__ import annotations

from acupoint.clusters.models import Assessment, AssessmentResult, Standing, StatusChange
from acupoint.registry.models import Cluster


def current() -> dict[str, str]:
    standing = {code: Standing.CANDIDATE.value for code in
                Cluster.objects.values_list("code", flat=True)}
    seen: set[str] = set()
    for code, value in (StatusChange.objects.order_by("cluster", "-created_at", "-id")
                        .values_list("cluster__code", "standing")):
        if code not in seen:
            standing[code] = value
            seen.add(code)
    return standing


def failures_before(period: str) -> dict[str, int]:
    """Consecutive failed periods each cluster carries into ``period``: those of the latest
    published assessment before it."""
    previous = (Assessment.objects.filter(status=Assessment.Status.PUBLISHED,
                                          period__lt=period).order_by("-period").first())
    if previous is None:
        return {}
    return dict(AssessmentResult.objects.filter(assessment=previous)
                .values_list("cluster__code", "failures"))
