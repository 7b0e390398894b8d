"""What the policy pages read, scoped by role in `accounts.scoping`."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.db.models import Avg, Case, Count, Q, QuerySet, Sum, Value, When

from acupoint.accounts import scoping
from acupoint.policies.models import Application, Match, PolicyClause, PolicyDocument, Rating
from acupoint.text.segment import search_terms
from acupoint.workdays import working_days


def documents(user) -> QuerySet[PolicyDocument]:
    return scoping.visible(user, PolicyDocument)


def clauses(user) -> QuerySet[PolicyClause]:
    return scoping.visible(user, PolicyClause).select_related("document")


def search(user, query: str = "", level: str = "", chain: str = "", support: str = "",
           mode: str = "", industry: str = "") -> QuerySet[PolicyClause]:
    """Clauses whose text holds every word of the query (segmented with jieba)."""
    found = clauses(user)
    for term in search_terms(query):
        found = found.filter(Q(title__icontains=term) | Q(text__icontains=term)
                             | Q(document__title__icontains=term)
                             | Q(document__summary__icontains=term)
                             | Q(document__number__icontains=term))
    filters = {"document__level": level, "chain": chain, "support": support, "mode": mode}
    found = found.filter(**{key: value for key, value in filters.items() if value})
    if industry:
        # A clause without an industry list is open to every industry.
        wanted = {industry[:length] for length in range(2, len(industry) + 1)}
        keys = [row.pk for row in found if not row.industries
                or wanted & set(row.industries)]
        found = found.filter(pk__in=keys)
    return found


@dataclass(frozen=True)
class ClauseReach:
    eligible: int
    near: int
    unknown: int
    cost: float


def reach(user, clause_ids=None) -> dict[int, ClauseReach]:
    """Per clause: the enterprises (in the user's scope) eligible, near and short of data."""
    matches = scoping.visible(user, Match)
    if clause_ids is not None:
        matches = matches.filter(clause_id__in=clause_ids)
    rows = matches.values("clause_id").annotate(
        eligible=Count("pk", filter=Q(status="eligible")),
        near=Count("pk", filter=Q(status="near")),
        unknown=Count("pk", filter=Q(status="unknown")),
        cost=Sum("amount", filter=Q(status="eligible")))
    return {row["clause_id"]: ClauseReach(row["eligible"], row["near"], row["unknown"],
                                          row["cost"] or 0.0) for row in rows}


def ratings(user) -> dict[int, tuple[float, int]]:
    """Per policy: the average usefulness and the number of ratings (in the user's scope)."""
    rows = scoping.visible(user, Rating).values("document_id").annotate(
        average=Avg("score"), count=Count("pk"))
    return {row["document_id"]: (round(row["average"], 2), row["count"]) for row in rows}


@dataclass(frozen=True)
class Delivery:
    applications: int
    by_status: dict[str, int]
    paid_amount: float
    median_days_to_payment: float | None
    exact_days: bool


def delivery(user, clause_ids=None) -> Delivery:
    """Applications to payment: counts by status, amount paid, working days to payment."""
    applications = scoping.visible(user, Application)
    if clause_ids is not None:
        applications = applications.filter(clause_id__in=clause_ids)
    by_status = dict(applications.values_list("status").annotate(count=Count("pk")))
    paid = applications.filter(status=Application.Status.PAID)
    spans = [working_days(submitted, paid_on)
             for submitted, paid_on in paid.values_list("submitted_on", "paid_on")]
    return Delivery(
        applications=sum(by_status.values()), by_status=by_status,
        paid_amount=paid.aggregate(total=Sum("paid_amount"))["total"] or 0.0,
        median_days_to_payment=statistics.median(span.days for span in spans)
        if spans else None,
        exact_days=all(span.exact for span in spans))


# The list's status filter: what is waiting for a decision, for payment, or finished.
APPLICATION_STATES = {
    "submitted": (Application.Status.SUBMITTED, Application.Status.PENDING_VERIFICATION),
    "approved": (Application.Status.APPROVED,),
    "paid": (Application.Status.PAID,),
    "rejected": (Application.Status.REJECTED,),
}


def applications(user, *, status: str = "", policy: str = "", district: str = "",
                 since=None, until=None, search: str = "") -> QuerySet[Application]:
    """The applications the user may see, filtered; those waiting for a decision first, then
    those waiting for payment, each newest first."""
    queryset = (scoping.visible(user, Application)
                .select_related("enterprise", "enterprise__district", "clause",
                                "clause__document"))
    if status in APPLICATION_STATES:
        queryset = queryset.filter(status__in=APPLICATION_STATES[status])
    if policy:
        queryset = queryset.filter(clause__document__policy_id=policy)
    if district:
        queryset = queryset.filter(enterprise__district__code=district)
    if since:
        queryset = queryset.filter(submitted_on__gte=since)
    if until:
        queryset = queryset.filter(submitted_on__lte=until)
    if search.strip():
        term = search.strip()
        queryset = queryset.filter(Q(enterprise__name__contains=term)
                                   | Q(enterprise__credit_code__startswith=term.upper())
                                   | Q(clause__title__contains=term))
    waiting_first = Case(*(When(status__in=states, then=Value(order)) for order, states in
                           enumerate(APPLICATION_STATES.values())), default=Value(9))
    return queryset.order_by(waiting_first, "-submitted_on", "-pk")


def applications_by_clause(user) -> dict[int, dict[str, int]]:
    rows = scoping.visible(user, Application).values_list("clause_id", "status").annotate(
        count=Count("pk"))
    result: dict[int, dict[str, int]] = {}
    for clause_id, status, count in rows:
        result.setdefault(clause_id, {})[status] = count
    return result
