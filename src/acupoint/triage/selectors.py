"""Role-scoped reads of evaluation runs and results for pages, exports and the API."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Substr

from acupoint.accounts.scoping import visible
from acupoint.registry.models import District, Enterprise
from acupoint.registry.selectors import industry_filter, pk_of
from acupoint.triage.models import Appeal, EvaluationResult, EvaluationRun

# The ranking's sort keys a page may ask for, and the columns they order by.
# Firms without a rank (not evaluated, no score) come last either way.
_RANK = F("rank").asc(nulls_last=True)
SORTS = {
    "rank": [_RANK, "pk"], "-rank": [F("rank").desc(nulls_last=True), "-pk"],
    "position": [F("position").asc(nulls_last=True), _RANK],
    "robustness": [F("robustness").asc(nulls_last=True), _RANK],
    "district": ["district_id", _RANK],
}
CLASS_ORDER = ["A", "B", "C", "D", "T", ""]
INDUSTRY_DIVISION = Substr("enterprise__industry_code", 1, 2)  # GB/T 4754 大类


def runs(user) -> QuerySet[EvaluationRun]:
    return visible(user, EvaluationRun).select_related("district", "created_by", "published_by")


def results(user, run: EvaluationRun, *, district: str | None = None,
            industry_prefix: str | None = None, grades: list[str] | None = None,
            size: str | None = None, search: str | None = None,
            sort: str = "rank") -> QuerySet[EvaluationResult]:
    queryset = (visible(user, EvaluationResult).filter(run=run)
                .select_related("enterprise", "district")
                .defer("details", "district__aliases"))
    if district:
        queryset = queryset.filter(district_id=pk_of(District, district))
    if industry_prefix:
        queryset = queryset.filter(enterprise__in=_firms(industry_filter(industry_prefix)))
    if grades:
        queryset = queryset.filter(grade__in=grades)
    if size in {"above", "below"}:
        queryset = queryset.filter(above_scale=size == "above")
    if search:
        term = search.strip()
        queryset = queryset.filter(Q(enterprise__name__contains=term)
                                   | Q(enterprise__credit_code__startswith=term.upper()))
    return queryset.order_by(*SORTS.get(sort, SORTS["rank"]))


def _firms(condition: Q) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(condition).values("pk")


def distribution(queryset: QuerySet[EvaluationResult], by: str | Substr) -> dict[str, Counter]:
    """Firms per class within each value of ``by`` (a lookup such as the district's name, or
    an expression such as the industry division)."""
    table: dict[str, Counter] = defaultdict(Counter)
    keyed = queryset.order_by().annotate(category=F(by) if isinstance(by, str) else by)
    for key, grade, count in (keyed.values_list("category", "grade")
                              .annotate(n=Count("pk"))):
        table[key or "—"][grade] += count
    return dict(sorted(table.items()))


def amount_totals(queryset: QuerySet[EvaluationResult], names: list[str]
                  ) -> dict[tuple[str, str], dict[str, float]]:
    """Sum of every surcharge and relief per (district, class), summed by the database."""
    sums = {f"amount_{index}": Sum(Cast(KT(f"amounts__{name}"), FloatField()))
            for index, name in enumerate(names)}
    totals = {(row["district__name"], row["grade"]): {
        name: row[f"amount_{index}"] or 0.0 for index, name in enumerate(names)}
        for row in queryset.order_by().values("district__name", "grade").annotate(**sums)}
    return dict(sorted(totals.items(), key=lambda item: (item[0][0], _class_key(item[0][1]))))


def _class_key(grade: str) -> int:
    return CLASS_ORDER.index(grade) if grade in CLASS_ORDER else len(CLASS_ORDER)


@dataclass
class Transitions:
    classes: list[str]
    counts: dict[str, dict[str, int]]  # from-class → to-class → firms
    entered: Counter  # firms only in the later run, by class
    left: Counter  # firms only in the earlier run, by class


def transitions(user, earlier: EvaluationRun, later: EvaluationRun) -> Transitions:
    before = dict(visible(user, EvaluationResult).filter(run=earlier)
                  .values_list("enterprise_id", "grade"))
    after = dict(visible(user, EvaluationResult).filter(run=later)
                 .values_list("enterprise_id", "grade"))
    counts: dict[str, dict[str, int]] = defaultdict(Counter)
    for firm, grade in after.items():
        if firm in before:
            counts[before[firm]][grade] += 1
    classes = sorted({*before.values(), *after.values()}, key=_class_key)
    return Transitions(classes, {key: dict(value) for key, value in counts.items()},
                       Counter(grade for firm, grade in after.items() if firm not in before),
                       Counter(grade for firm, grade in before.items() if firm not in after))


def fragile(user, run: EvaluationRun, below: float) -> QuerySet[EvaluationResult]:
    """Firms whose class held in fewer than ``below`` of the uncertainty draws, most fragile
    first: the list an analyst reviews before publishing."""
    return results(user, run, sort="robustness").filter(robustness__lt=below)


def history(user, result: EvaluationResult) -> QuerySet[EvaluationResult]:
    """The firm's results in every published run of the same spec, by year."""
    return (visible(user, EvaluationResult)
            .filter(enterprise=result.enterprise, run__spec_name=result.run.spec_name,
                    run__status=EvaluationRun.Status.PUBLISHED)
            .select_related("run").defer("details").order_by("run__year", "run__pk"))


def appeals(user) -> QuerySet[Appeal]:
    return visible(user, Appeal).select_related("enterprise", "run", "corrected_run")


def card_result(user, run: EvaluationRun, credit_code: str) -> QuerySet[EvaluationResult]:
    return (visible(user, EvaluationResult)
            .filter(run=run, enterprise__credit_code=credit_code)
            .select_related("run", "enterprise", "district"))


def newest_published(user, enterprise_id: int) -> EvaluationResult | None:
    """The result an enterprise user's "my evaluation" link opens."""
    return (visible(user, EvaluationResult)
            .filter(enterprise_id=enterprise_id, run__status=EvaluationRun.Status.PUBLISHED)
            .select_related("run").order_by("-run__year", "-run__pk").first())
