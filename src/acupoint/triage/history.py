"""Classes as published: what an earlier year's class was is what the bureau published for it
(the latest published run covering the firm, an appeal's correction included), never a class
recomputed today with today's spec. The consecutive years in D that price surcharges read
count these."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from acupoint.triage.models import EvaluationResult, EvaluationRun


def published_classes(enterprise_ids: Iterable[int] | None = None,
                      years: Iterable[int] | None = None,
                      ) -> dict[int, dict[int, tuple[str, int]]]:
    """Per enterprise and year, the published class and the run it was published in."""
    results = EvaluationResult.objects.filter(run__status=EvaluationRun.Status.PUBLISHED)
    if enterprise_ids is not None:
        results = results.filter(enterprise_id__in=list(enterprise_ids))
    if years is not None:
        results = results.filter(run__year__in=list(years))
    classes: dict[int, dict[int, tuple[str, int]]] = defaultdict(dict)
    for enterprise_id, year, grade, run_id in (
            results.order_by("run__published_at", "run_id")
            .values_list("enterprise_id", "run__year", "grade", "run_id")):
        classes[enterprise_id][year] = (grade, run_id)
    return classes


def consecutive(by_year: Mapping[int, tuple[str, int]], last: int, grade: str = "D") -> int:
    """Published years in ``grade`` running up to ``last``; a year without a published class
    ends the run (nothing unpublished is assumed)."""
    count, year = 0, last
    while year in by_year and by_year[year][0] == grade:
        count, year = count + 1, year - 1
    return count
