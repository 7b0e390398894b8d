"""Triage pages: thin views that read through selectors and change state through actions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acupoint.accounts import scoping
from acupoint.accounts.roles import Role
from acupoint.engine.provenance import described, scorecard_placeholders
from acupoint.registry import industry
from acupoint.registry.selectors import districts, latest_year
from acupoint.site.attachments import attachment_response
from acupoint.site.downloads import file_response
from acupoint.site.paging import KeyFirstPaginator
from acupoint.triage import actions, cards, reports, selectors, whatif
from acupoint.triage.forms import (
    AppealForm,
    RankingFilterForm,
    ResolveAppealForm,
    StartRunForm,
    WhatIfForm,
)
from acupoint.triage.models import Appeal, EvaluationRun


def _may_see_runs(user) -> bool:
    return scoping.role_of(user) in {Role.BUREAU_ADMIN, Role.BUREAU_ANALYST,
                                     Role.DISTRICT_OFFICER}


def _run(request: HttpRequest, pk: int) -> EvaluationRun:
    if not _may_see_runs(request.user):
        raise Http404
    return get_object_or_404(selectors.runs(request.user), pk=pk)


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    if scoping.role_of(request.user) == Role.ENTERPRISE_USER:
        return redirect("triage:mine")
    if not _may_see_runs(request.user):
        raise PermissionDenied(_("Your role does not see evaluations."))
    bureau = scoping.is_bureau(request.user)
    form = StartRunForm(request.POST or None, specs=actions.spec_titles(),
                        districts=districts(request.user), initial={
                            "spec": actions.DEFAULT_SPEC,
                            "year": latest_year() or timezone.localdate().year - 1}
                        ) if bureau else None
    if request.method == "POST" and form is not None and form.is_valid():
        district = next((d for d in districts(request.user)
                         if d.code == form.cleaned_data["district"]), None)
        try:
            run = actions.do_start_run(request.user, spec_name=form.cleaned_data["spec"],
                                       year=form.cleaned_data["year"], district=district)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("triage:run", run.pk)
    return render(request, "triage/run_list.html", {
        "runs": selectors.runs(request.user)[:200], "form": form})


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    context: dict = {"run": run, "bureau": scoping.is_bureau(request.user),
                     "placeholders": run_placeholders(run)}
    if run.status in (EvaluationRun.Status.DRAFT, EvaluationRun.Status.PUBLISHED):
        figures = reports.summary(request.user, run)
        by_industry = selectors.distribution(selectors.results(request.user, run),
                                             selectors.INDUSTRY_DIVISION)
        context.update({
            "by_district": figures.counts,
            "by_industry": {f"{code} {industry.name(code)}": counts
                            for code, counts in by_industry.items()},
            "classes": reports.CLASS_COLUMNS, "labels": reports.class_labels(run),
            "totals": {key: amounts for key, amounts in figures.totals.items()
                       if any(amounts.values())},
            "amount_names": figures.names,
            "district_chart": reports.distribution_chart(figures.counts, _("District")),
            "fragile_count": selectors.fragile(request.user, run,
                                               settings.ACUPOINT_FRAGILE_BELOW).count(),
            "fragile_below": settings.ACUPOINT_FRAGILE_BELOW,
            "other_runs": selectors.runs(request.user).filter(
                spec_name=run.spec_name, status=EvaluationRun.Status.PUBLISHED,
            ).exclude(pk=run.pk),
            "open_appeals": selectors.appeals(request.user).filter(
                run=run, status=Appeal.Status.OPEN).count(),
        })
    return render(request, "triage/run_detail.html", context)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        actions.do_publish_run(request.user, run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The evaluation is published."))
    return redirect("triage:run", run.pk)


def _ranking_filters(request: HttpRequest, run: EvaluationRun) -> tuple[RankingFilterForm, dict]:
    form = RankingFilterForm(request.GET or None, districts=districts(request.user),
                             grades=list(reports.class_labels(run)),
                             priority_lists=run.spec_data.get("priority_lists", []))
    cleaned = form.cleaned_data if form.is_valid() else {}
    grades = next((item["classes"] for item in run.spec_data.get("priority_lists", [])
                   if item["name"] == cleaned.get("priority")), None)
    if cleaned.get("grade"):
        grades = [cleaned["grade"]]
    return form, {"district": cleaned.get("district") or None,
                  "industry_prefix": cleaned.get("industry") or None, "grades": grades,
                  "size": cleaned.get("size") or None,
                  "search": cleaned.get("q") or None, "sort": cleaned.get("sort") or "rank"}


def run_placeholders(run: EvaluationRun) -> list[str]:
    """The local values (待定参数) a run's classes and scores rest on, in words."""
    return described(scorecard_placeholders(run.spec_data)[0])


@login_required
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    form, filters = _ranking_filters(request, run)
    page = KeyFirstPaginator(selectors.results(request.user, run, **filters),
                             settings.ACUPOINT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "triage/ranking.html", {
        "run": run, "form": form, "page": page, "query": query.urlencode(),
        "placeholders": run_placeholders(run),
        "labels": reports.class_labels(run),
        "fragile_below": settings.ACUPOINT_FRAGILE_BELOW})


@login_required
def fragile(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    below = settings.ACUPOINT_FRAGILE_BELOW
    page = KeyFirstPaginator(selectors.fragile(request.user, run, below),
                             settings.ACUPOINT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "triage/fragile.html", {"run": run, "page": page, "below": below,
                                                   "labels": reports.class_labels(run)})


@login_required
def transitions(request: HttpRequest, pk: int) -> HttpResponse:
    later = _run(request, pk)
    earlier = get_object_or_404(selectors.runs(request.user), pk=request.GET.get("from") or 0)
    if earlier.year > later.year:
        earlier, later = later, earlier
    matrix = selectors.transitions(request.user, earlier, later)
    return render(request, "triage/transitions.html", {
        "earlier": earlier, "later": later, "matrix": matrix,
        "rows": [(grade, [matrix.counts.get(grade, {}).get(to, 0) for to in matrix.classes],
                  matrix.left.get(grade, 0)) for grade in matrix.classes],
        "entered": [matrix.entered.get(grade, 0) for grade in matrix.classes],
        "labels": reports.class_labels(later)})


@login_required
def what_if(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    if not scoping.is_bureau(request.user) or run.status != EvaluationRun.Status.DRAFT:
        raise PermissionDenied(_("What-if analysis is for the bureau, on a draft."))
    names = {item["code"]: item.get("name", item["code"])
             for item in run.spec_data.get("indicators", [])}
    form = WhatIfForm(request.POST or None, current=whatif.editable(run.spec_data), names=names)
    outcome, placeholders = None, run_placeholders(run)
    if request.method == "POST" and form.is_valid():
        adjusted = whatif.adjusted_spec(run.spec_data, **form.edits())
        outcome = whatif.what_if(run, adjusted)
        placeholders = described(scorecard_placeholders(adjusted)[0])
    return render(request, "triage/what_if.html", {"run": run, "form": form,
                                                   "outcome": outcome,
                                                   "placeholders": placeholders})


@login_required
def enterprise_card(request: HttpRequest, pk: int, credit_code: str) -> HttpResponse:
    result = get_object_or_404(selectors.card_result(request.user, _card_run(request, pk),
                                                     credit_code))
    enterprise_user = scoping.role_of(request.user) == Role.ENTERPRISE_USER
    form = None
    if enterprise_user and result.run.status == EvaluationRun.Status.PUBLISHED:
        form = AppealForm(request.POST or None, request.FILES or None,
                          fields=actions.appeal_fields())
        if request.method == "POST" and form.is_valid():
            try:
                actions.do_file_appeal(request.user, result, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your appeal is filed; the bureau will answer it."))
                return redirect(request.path)
    history = list(selectors.history(request.user, result))
    return render(request, "triage/card.html", {
        "card": cards.card(result, show_unit_means=not enterprise_user),
        "history": history, "enterprise_user": enterprise_user, "form": form,
        "appeals": selectors.appeals(request.user).filter(enterprise=result.enterprise),
        "fields": actions.appeal_fields()})


def _card_run(request: HttpRequest, pk: int) -> EvaluationRun:
    """Enterprise users reach a card through their own published result, others the run."""
    if scoping.role_of(request.user) == Role.ENTERPRISE_USER:
        return get_object_or_404(EvaluationRun, pk=pk, status=EvaluationRun.Status.PUBLISHED)
    return _run(request, pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    if scoping.role_of(request.user) != Role.ENTERPRISE_USER:
        return redirect("triage:runs")
    result = selectors.newest_published(request.user, request.user.enterprise_id)
    if result is None:
        return render(request, "triage/no_card.html")
    return redirect("triage:card", result.run_id, request.user.enterprise.credit_code)


@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    return render(request, "triage/appeals.html", {
        "appeals": selectors.appeals(request.user)[:500],
        "fields": actions.appeal_fields()})


@login_required
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(selectors.appeals(request.user), pk=pk)
    bureau = scoping.is_bureau(request.user)
    form = (ResolveAppealForm(request.POST or None)
            if bureau and appeal.status == Appeal.Status.OPEN else None)
    if request.method == "POST" and form is not None and form.is_valid() and \
            form.needs_preview():
        value = form.cleaned_data["corrected_value"]
        preview = whatif.appeal_effect(appeal, appeal.claimed_value if value is None else value)
        confirm = ResolveAppealForm(initial={**form.cleaned_data, "confirmed": True})
        return render(request, "triage/appeal.html", {
            "appeal": appeal, "form": form, "fields": actions.appeal_fields(),
            "preview": preview, "confirm": confirm,
            "own": next((change for change in preview.changes
                         if change.credit_code == appeal.enterprise.credit_code), None)})
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            actions.do_resolve_appeal(
                request.user, appeal, accept=form.cleaned_data["decision"] == "accept",
                answer=form.cleaned_data["answer"],
                corrected_value=form.cleaned_data["corrected_value"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("triage:appeal", appeal.pk)
    return render(request, "triage/appeal.html", {
        "appeal": appeal, "form": form, "fields": actions.appeal_fields()})


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    appeal = get_object_or_404(selectors.appeals(request.user), pk=pk)
    if not appeal.attachment:
        raise Http404
    return attachment_response(appeal.attachment)


@login_required
def export(request: HttpRequest, pk: int, file_format: str) -> FileResponse:
    run = _run(request, pk)
    if run.status not in (EvaluationRun.Status.DRAFT, EvaluationRun.Status.PUBLISHED):
        raise Http404
    writers = {"xlsx": reports.write_workbook, "docx": reports.write_report}
    if file_format not in writers:
        raise Http404
    return file_response(lambda target: writers[file_format](target, request.user, run),
                         f"triage-{run.year}-{run.pk}.{file_format}")
