"""The policy pages: thin views that read through selectors and change state through actions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acupoint.accounts import scoping
from acupoint.accounts.roles import Role
from acupoint.cocreation.selectors import demands_answered
from acupoint.engine.policy_explain import format_value, near_miss_text
from acupoint.engine.provenance import described
from acupoint.engine.rules import ELIGIBLE, UNKNOWN
from acupoint.policies import (
    actions,
    library,
    profiles,
    reports,
    selectors,
    simulation,
    tasks,
)
from acupoint.policies.amendment import AmendmentForm
from acupoint.policies.forms import (
    ApplicationFilterForm,
    DecisionForm,
    FactForm,
    PolicyFileForm,
    RatingForm,
    SearchForm,
    SimulationForm,
)
from acupoint.policies.models import (
    CHAIN_CHOICES,
    Application,
    Match,
    MatchRun,
    PolicyClause,
    PolicyDocument,
    Rating,
)
from acupoint.registry import selectors as registry_selectors
from acupoint.registry.models import Enterprise
from acupoint.site import charts
from acupoint.site.downloads import file_response
from acupoint.site.notices import show_errors
from acupoint.site.redirects import back_to

# What the inbox announces: clauses the enterprise qualifies for or narrowly misses.
NEWS = (Match.Status.ELIGIBLE, Match.Status.NEAR)
DATA_ROLES = {Role.BUREAU_ADMIN, Role.BUREAU_ANALYST, Role.DISTRICT_OFFICER,
              Role.CLUSTER_MANAGER}


def _bureau(request: HttpRequest) -> None:
    scoping.require_bureau(request.user, _("Only the bureau may do this."))


def _data_role(request: HttpRequest) -> None:
    if scoping.role_of(request.user) not in DATA_ROLES:
        raise PermissionDenied(_("Your role does not see the reach of policies."))


def policy_library(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    if form.is_valid():
        filters = dict(form.cleaned_data)
        found = selectors.search(request.user, filters.pop("q"), **filters)
    else:
        found = selectors.clauses(request.user)
    by_document: dict[PolicyDocument, list[PolicyClause]] = {}
    for clause in found.order_by("-document__published", "document__policy_id", "position"):
        by_document.setdefault(clause.document, []).append(clause)
    return render(request, "policies/library.html", {
        "form": form, "documents": by_document, "count": sum(map(len, by_document.values())),
        "may_publish": scoping.is_bureau(request.user),
        "is_enterprise": scoping.role_of(request.user) == Role.ENTERPRISE_USER})


def policy_detail(request: HttpRequest, policy_id: str) -> HttpResponse:
    document = get_object_or_404(selectors.documents(request.user), policy_id=policy_id)
    clauses = list(document.clauses.all())
    sees_reach = scoping.role_of(request.user) in DATA_ROLES
    reach = selectors.reach(request.user, [clause.pk for clause in clauses]) \
        if sees_reach else {}
    rating = selectors.ratings(request.user).get(document.pk) if sees_reach else None
    answered = demands_answered(document)
    marks = library.placeholders(document.policy_id)
    rows = [{"clause": clause, "reach": reach.get(clause.pk),
             "demands": answered.get(clause.clause_id, []),
             "placeholders": marks.get(clause.clause_id, [])} for clause in clauses]
    return render(request, "policies/policy.html", {
        "document": document, "rows": rows, "sees_reach": sees_reach, "rating": rating,
        "bureau": scoping.is_bureau(request.user),
        "total_cost": sum(item.cost for item in reach.values()),
        "total_eligible": sum(item.eligible for item in reach.values())})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    if scoping.role_of(request.user) != Role.ENTERPRISE_USER:
        return redirect("policies:reach")
    return redirect("policies:enterprise", credit_code=request.user.enterprise.credit_code)


def _visible_enterprise(request: HttpRequest, credit_code: str) -> Enterprise:
    return get_object_or_404(scoping.visible(request.user, Enterprise),
                             credit_code=credit_code)


@login_required
def enterprise_policies(request: HttpRequest, credit_code: str) -> HttpResponse:
    """One enterprise's policies: what it qualifies for and how much, why, what it narrowly
    misses and by how much, what data would decide the rest, and its applications."""
    enterprise = _visible_enterprise(request, credit_code)
    day = timezone.localdate()
    explained = library.explainer(day).explain(profiles.profile_of(enterprise, day))
    catalogue = library.catalogue()
    clause_ids = dict(PolicyClause.objects.values_list("key", "pk"))
    inbox = {match.clause_id: match for match in scoping.visible(request.user, Match)
             .filter(enterprise=enterprise)}
    applications = {application.clause_id: application for application in
                    scoping.visible(request.user, Application).filter(enterprise=enterprise)}
    own = scoping.role_of(request.user) == Role.ENTERPRISE_USER
    rated = dict(Rating.objects.filter(enterprise=enterprise).values_list("document__policy_id",
                                                                          "score"))

    def item(explanation) -> dict:
        clause_id = clause_ids.get(explanation.key)
        match = inbox.get(clause_id)
        return {"e": explanation, "clause_id": clause_id,
                "amount": format_value(explanation.amount, explanation.clause.benefit.unit)
                if explanation.amount is not None else "",
                "new": match is not None and match.read_at is None and match.status in NEWS,
                "application": applications.get(clause_id),
                "gap": near_miss_text(explanation.failed[0], catalogue)
                if explanation.near_miss else "",
                "needs": [(name, catalogue.variables[name].label,
                           catalogue.variables[name].source == "fact")
                          for name in explanation.needs],
                "placeholders": described(explanation.placeholders)}

    eligible = [item(e) for e in explained if e.status == ELIGIBLE]
    policies_held = {row["e"].policy.policy.id: row["e"].policy.policy.title
                     for row in eligible}
    return render(request, "policies/enterprise.html", {
        "enterprise": enterprise, "day": day, "own": own, "catalogue": catalogue,
        "may_act": own or scoping.is_bureau(request.user),
        "eligible": eligible,
        "near": [item(e) for e in explained if e.near_miss],
        "unknown": [item(e) for e in explained if e.status == UNKNOWN],
        "total": sum(row["e"].amount or 0 for row in eligible if row["e"].amount
                     and row["e"].amount > 0),
        "new_count": sum(1 for match in inbox.values()
                         if match.read_at is None and match.status in NEWS),
        "rate": [(policy_id, title, rated.get(policy_id))
                 for policy_id, title in policies_held.items()],
        "rating_form": RatingForm(), "fact_form": FactForm()})


def _back(credit_code: str) -> HttpResponse:
    return redirect("policies:enterprise", credit_code=credit_code)


def _run(request: HttpRequest, action, *args, done: str = "", **kwargs) -> None:
    """The action, its refusal shown as an error, and ``done`` said when it went through."""
    try:
        action(request.user, *args, **kwargs)
    except ValidationError as error:
        show_errors(request, error)
    else:
        if done:
            messages.success(request, done)


@login_required
@require_POST
def apply(request: HttpRequest, credit_code: str, clause_id: int) -> HttpResponse:
    enterprise = _visible_enterprise(request, credit_code)
    clause = get_object_or_404(selectors.clauses(request.user), pk=clause_id)
    _run(request, actions.do_apply, enterprise, clause,
         done=_("Application submitted: the bureau decides on it, and your workbench shows "
                "each step."))
    return _back(credit_code)


@login_required
@require_POST
def rate(request: HttpRequest, credit_code: str, policy_id: str) -> HttpResponse:
    enterprise = _visible_enterprise(request, credit_code)
    document = get_object_or_404(selectors.documents(request.user), policy_id=policy_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        _run(request, actions.do_rate, enterprise, document, form.cleaned_data["score"],
             form.cleaned_data["comment"], done=_("Thank you for rating this policy."))
    return _back(credit_code)


@login_required
@require_POST
def supply(request: HttpRequest, credit_code: str) -> HttpResponse:
    enterprise = _visible_enterprise(request, credit_code)
    form = FactForm(request.POST)
    if form.is_valid():
        _run(request, actions.do_set_fact, enterprise, form.cleaned_data["name"],
             form.cleaned_data["value"])
    return _back(credit_code)


@login_required
@require_POST
def mark_read(request: HttpRequest, credit_code: str) -> HttpResponse:
    _run(request, actions.do_mark_read, _visible_enterprise(request, credit_code))
    return _back(credit_code)


@login_required
def reach(request: HttpRequest) -> HttpResponse:
    """The bureau's (or a district's) view of every clause: reach, cost, delivery, ratings."""
    _data_role(request)
    clauses = list(selectors.clauses(request.user).order_by("document__policy_id", "position"))
    reach_by_clause = selectors.reach(request.user)
    ratings = selectors.ratings(request.user)
    applications = selectors.applications_by_clause(request.user)
    marks = {policy_id: library.placeholders(policy_id) for policy_id in
             {clause.document.policy_id for clause in clauses}}
    rows = [{"clause": clause, "reach": reach_by_clause.get(clause.pk),
             "applications": applications.get(clause.pk, {}),
             "rating": ratings.get(clause.document_id),
             "placeholders": marks[clause.document.policy_id].get(clause.clause_id, [])}
            for clause in clauses]
    chain_labels = dict(CHAIN_CHOICES)
    cost_by_chain: dict[str, float] = {}
    for row in rows:
        if row["reach"]:
            label = str(chain_labels[row["clause"].chain])
            cost_by_chain[label] = cost_by_chain.get(label, 0.0) + row["reach"].cost
    if request.GET.get("format") == "xlsx":
        return file_response(lambda handle: reports.write_reach(handle, rows),
                             "policy-reach.xlsx")
    return render(request, "policies/reach.html", {
        "rows": rows, "delivery": selectors.delivery(request.user),
        "last_run": MatchRun.objects.first(), "bureau": scoping.is_bureau(request.user),
        "chart": charts.bars([{"chain": key, "cost": value}
                              for key, value in cost_by_chain.items()],
                             "chain", "cost", _("Chain link"), _("Estimated cost (万元)"))
        if cost_by_chain else None})


@login_required
@require_POST
def rematch(request: HttpRequest) -> HttpResponse:
    _bureau(request)
    tasks.rematch_all.enqueue(MatchRun.Trigger.MANUAL, request.user.pk)
    messages.success(request, _("Matching every enterprise in the background; the page shows "
                                "the result when it is done."))
    return redirect("policies:reach")


@login_required
def publish(request: HttpRequest) -> HttpResponse:
    _bureau(request)
    form = PolicyFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = actions.do_publish_policy(request.user, form.cleaned_data["text"],
                                                 rematch=False)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            tasks.rematch_all.enqueue(MatchRun.Trigger.PUBLICATION, request.user.pk)
            messages.success(request, _("Published: %(title)s. Every enterprise is being "
                                        "matched in the background.")
                             % {"title": document.title})
            return redirect("policies:policy", policy_id=document.policy_id)
    return render(request, "policies/publish.html", {"form": form})


@login_required
def simulate(request: HttpRequest, policy_id: str) -> HttpResponse:
    """Amend a policy's file and see, before publishing, whom it reaches and what it costs."""
    _bureau(request)
    document = get_object_or_404(PolicyDocument, policy_id=policy_id)
    posted = request.POST if request.method == "POST" else None
    by_text = posted is not None and posted.get("mode", "text" if "text" in posted else "") \
        == "text"
    form = SimulationForm(posted, initial={"text": document.yaml_text,
                                           "day": timezone.localdate()})
    figures = AmendmentForm(None if by_text else posted, text=document.yaml_text)
    result = None
    if posted is not None and form.is_valid() and (by_text or figures.is_valid()):
        text = form.cleaned_data["text"] if by_text else figures.amended_text()
        try:
            result = simulation.run(document, text,
                                    form.cleaned_data["day"] or timezone.localdate())
        except ValidationError as error:
            for message in error.messages:
                (form if by_text else figures).add_error(None, message)
    return render(request, "policies/simulate.html", {
        "document": document, "form": form, "figures": figures, "by_text": by_text,
        "result": result})


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    _data_role(request)
    filters = ApplicationFilterForm(request.GET or None,
                                    documents=selectors.documents(request.user),
                                    districts=registry_selectors.districts(request.user))
    chosen = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    queryset = selectors.applications(
        request.user, status=chosen.get("status", ""), policy=chosen.get("policy", ""),
        district=chosen.get("district", ""), since=chosen.get("since"),
        until=chosen.get("until"), search=chosen.get("q", ""))
    page = Paginator(queryset, settings.ACUPOINT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "policies/applications.html", {
        "page": page, "filters": filters, "query": query.urlencode(),
        "bureau": scoping.is_bureau(request.user),
        "form": DecisionForm(initial={"on": timezone.localdate()})})


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _bureau(request)
    application = get_object_or_404(scoping.visible(request.user, Application), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _run(request, actions.do_decide_application, application, data["status"], data["on"],
             data["amount"], data["note"])
    else:
        messages.error(request, _("Give a decision and a date."))
    return back_to(request, request.POST.get("next"), "policies:applications")
