"""The race pages: thin views that read through selectors and change state through actions."""

from __future__ import annotations

import yaml
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
from acupoint.clusters import actions, reports, selectors, standings, strength, wording
from acupoint.clusters.forms import (
    AssessForm,
    CaseUpdateForm,
    MeetingForm,
    ReportForm,
    TaskUpdateForm,
    parse_decisions,
)
from acupoint.clusters.framework import FrameworkForm, as_text
from acupoint.clusters.models import PILLARS, Assessment, Standing, TransformationCase
from acupoint.engine.provenance import described, scorecard_placeholders
from acupoint.registry.models import AnnualData
from acupoint.registry.selectors import clusters as visible_clusters
from acupoint.registry.selectors import districts as visible_districts
from acupoint.registry.selectors import latest_year
from acupoint.site import charts
from acupoint.site.downloads import file_response
from acupoint.site.notices import show_errors
from acupoint.site.redirects import back_to

RACE_ROLES = {Role.BUREAU_ADMIN, Role.BUREAU_ANALYST, Role.DISTRICT_OFFICER,
              Role.CLUSTER_MANAGER}


def _race_role(request: HttpRequest) -> None:
    if scoping.role_of(request.user) not in RACE_ROLES:
        raise PermissionDenied(_("Your role does not take part in the cluster race."))


def _standing_labels() -> dict[str, str]:
    return {value: str(label) for value, label in Standing.choices}


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    _race_role(request)
    bureau = scoping.is_bureau(request.user)
    form = framework_form = None
    if bureau:
        text = actions.default_framework()
        form = AssessForm(request.POST or None, initial={"framework": text,
                                                         "year": latest_year()})
        framework_form = FrameworkForm(request.POST or None, framework=yaml.safe_load(text))
        by_text = form.is_bound and form.is_valid() and form.cleaned_data["use_yaml"]
        if request.method == "POST" and form.is_valid() and (by_text or framework_form.is_valid()):
            chosen = dict(form.cleaned_data)
            chosen.pop("use_yaml")
            if not by_text:
                chosen["framework"] = as_text(framework_form.framework())
            try:
                assessment = actions.do_assess(request.user, **chosen)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("clusters:assessment", assessment.pk)
    latest = selectors.published(request.user).first()
    now = standings.current()
    labels = _standing_labels()
    boundaries = [{"code": cluster.code, "name": cluster.name, "boundary": cluster.boundary,
                   "standing": now.get(cluster.code, Standing.CANDIDATE),
                   "label": labels[now.get(cluster.code, Standing.CANDIDATE)]}
                  for cluster in visible_clusters(request.user) if cluster.boundary]
    race_records = selectors.race_records(request.user)
    return render(request, "clusters/overview.html", {
        "form": form, "framework_form": framework_form, "bureau": bureau, "latest": latest,
        "results": selectors.results(request.user, latest) if latest else [],
        "assessments": selectors.assessments(request.user)[:20],
        "map": charts.clusters_map(boundaries) if boundaries else None,
        "race": charts.race(race_records, _("Rank")) if race_records else None,
        "overdue": selectors.overdue(request.user, timezone.localdate())[:20],
        "pillars": PILLARS,
    })


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    _race_role(request)
    return get_object_or_404(selectors.assessments(request.user), pk=pk)


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    results = list(selectors.results(request.user, assessment))
    return render(request, "clusters/assessment.html", {
        "assessment": assessment, "results": results, "pillars": PILLARS,
        "bureau": scoping.is_bureau(request.user),
        "reward_total": sum(result.reward for result in results),
        "indicator_names": {item["code"]: item.get("name") or item["code"]
                            for item in assessment.spec_data.get("indicators", [])},
        "placeholders": described(scorecard_placeholders(assessment.spec_data)[0]),
        "reward_placeholders": described([
            mark for marks in scorecard_placeholders(assessment.spec_data)[1].values()
            for mark in marks]),
    })


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    try:
        actions.do_publish_assessment(request.user, assessment)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The assessment of %(period)s is published.")
                         % {"period": assessment.period})
    return redirect("clusters:assessment", assessment.pk)


@login_required
def export(request: HttpRequest, pk: int, file_format: str) -> FileResponse:
    assessment = _assessment(request, pk)
    writers = {"xlsx": reports.write_workbook, "docx": reports.write_report}
    if file_format not in writers:
        raise Http404
    return file_response(lambda target: writers[file_format](target, request.user, assessment),
                         f"cluster-assessment-{assessment.period}.{file_format}")


@login_required
def expert_scores(request: HttpRequest, period: str) -> HttpResponse:
    """The panel's scores for a period as one grid: clusters × pillars."""
    if not scoping.is_bureau(request.user):
        raise PermissionDenied(_("Only the bureau enters expert scores."))
    clusters = list(visible_clusters(request.user))
    errors: list[str] = []
    if request.method == "POST":
        rows = [actions.ScoreRow(cluster.code, pillar, request.POST.get(
            f"score-{cluster.code}-{pillar}", "").strip(), f"{cluster.name} · {label}")
            for cluster in clusters for pillar, label in PILLARS]
        try:
            saved = actions.do_enter_expert_scores(request.user, period, rows)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("%(n)d expert scores saved for %(period)s.")
                             % {"n": saved, "period": period})
            return redirect("clusters:experts", period)
    stored = reports.expert_grid(period)
    grid = [(cluster, [(pillar, request.POST.get(f"score-{cluster.code}-{pillar}")
                        if errors else stored.get((cluster.code, pillar)))
                       for pillar, _label in PILLARS]) for cluster in clusters]
    return render(request, "clusters/experts.html", {
        "period": period, "grid": grid, "pillars": PILLARS, "errors": errors})


@login_required
def cluster_page(request: HttpRequest, code: str) -> HttpResponse:
    _race_role(request)
    cluster = get_object_or_404(visible_clusters(request.user), code=code)
    history = list(selectors.history(request.user, code))
    latest = history[-1] if history else None
    if latest is not None:
        for line in latest.binding:
            line["words"] = [wording.figure(name, value)
                             for name, value in (line.get("figures") or {}).items()]
    may_report = actions.may_report(request.user, cluster)
    form = ReportForm(request.POST or None, initial={"period": latest.assessment.period
                                                      if latest else ""}) if may_report else None
    if request.method == "POST" and form is not None and form.is_valid():
        figures = {key: value for key, value in form.cleaned_data.items() if key != "period"}
        actions.do_report_figures(request.user, cluster, form.cleaned_data["period"], figures)
        messages.success(request, _("Report saved."))
        return redirect("clusters:cluster", code)
    trend = [{"period": item.assessment.period, "score": item.score, "rank": item.rank}
             for item in history if item.score is not None]
    return render(request, "clusters/cluster.html", {
        "cluster": cluster, "latest": latest, "history": history,
        "standing": standings.current().get(code),
        "standing_labels": _standing_labels(),
        "changes": selectors.status_history(request.user, code)[:20],
        "tasks": selectors.tasks(request.user).filter(cluster=cluster),
        "reports": selectors.reports(request.user, code).order_by("-period")[:8],
        "form": form, "today": timezone.localdate(), "pillars": PILLARS,
        "radar": charts.pillars(selectors.pillar_records(latest)) if latest
        and latest.pillars else None,
        "trend": charts.trend(trend, _("Score")) if trend else None,
        "task_form": TaskUpdateForm(),
        "indicator_names": {item["code"]: item.get("name") or item["code"]
                            for item in latest.assessment.spec_data.get("indicators", [])}
        if latest else {},
        "placeholders": described(scorecard_placeholders(latest.assessment.spec_data)[0])
        if latest else [],
    })


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    _race_role(request)
    bureau = scoping.is_bureau(request.user)
    form = MeetingForm(request.POST or None) if bureau else None
    if request.method == "POST" and form is not None and form.is_valid():
        clusters = {cluster.code: cluster for cluster in visible_clusters(request.user)}
        districts = {district.name: district for district in visible_districts(request.user)}
        try:
            decided = parse_decisions(form.cleaned_data["decisions"], clusters, districts)
            actions.do_record_meeting(request.user, held_on=form.cleaned_data["held_on"],
                                      title=form.cleaned_data["title"],
                                      minutes=form.cleaned_data["minutes"], decisions=decided)
        except ValidationError as error:
            form.add_error("decisions", error)
        else:
            messages.success(request, _("Meeting recorded with %(n)d tasks.")
                             % {"n": len(decided)})
            return redirect("clusters:tasks")
    today = timezone.localdate()
    tasks = list(selectors.tasks(request.user))
    return render(request, "clusters/tasks.html", {
        "tasks": tasks, "today": today, "form": form, "task_form": TaskUpdateForm(),
        "overdue": sum(1 for task in tasks if task.overdue_on(today)),
        "may_update": {task.pk for task in tasks if actions.may_update_task(request.user,
                                                                            task)}})


@login_required
@require_POST
def task_update(request: HttpRequest, pk: int) -> HttpResponse:
    _race_role(request)
    task = get_object_or_404(selectors.tasks(request.user), pk=pk)
    form = TaskUpdateForm(request.POST)
    if form.is_valid():
        actions.do_update_task(request.user, task, **form.cleaned_data)
        messages.success(request, _("Task updated."))
    else:
        messages.error(request, _("The update was not saved: choose a status."))
    return back_to(request, request.POST.get("next"), "clusters:tasks")


@login_required
def traditional(request: HttpRequest) -> HttpResponse:
    _race_role(request)
    cases = list(selectors.cases(request.user))
    return render(request, "clusters/traditional.html", {
        "progress": reports.case_progress(cases), "cases": cases,
        "form": CaseUpdateForm(), "kinds": TransformationCase.Kind})


@login_required
@require_POST
def case_update(request: HttpRequest, pk: int) -> HttpResponse:
    _race_role(request)
    case = get_object_or_404(selectors.cases(request.user), pk=pk)
    form = CaseUpdateForm(request.POST)
    if form.is_valid():
        try:
            actions.do_update_case(request.user, case, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Progress saved."))
    else:
        messages.error(request, " ".join(str(item) for errors in form.errors.values()
                                         for item in errors))
    return redirect("clusters:traditional")


@login_required
def strength_page(request: HttpRequest) -> HttpResponse:
    _race_role(request)
    years = list(AnnualData.objects.order_by("-year").values_list("year", flat=True)
                 .distinct()[:6])
    if not years:
        raise Http404
    try:
        year = int(request.GET.get("year") or years[0])
    except ValueError:
        year = years[0]
    strengths = strength.assess(year, request.user)
    return render(request, "clusters/strength.html", {
        "year": year, "years": years, "strengths": strengths,
        "withheld": any(item.withheld for item in strengths),
        "targets": strength.targets(year),
        "star_placeholders": described(strength.star_placeholders())})


@login_required
def membership_page(request: HttpRequest) -> HttpResponse:
    """The bureau's membership report, and recomputing membership from the boundaries."""
    if not scoping.is_bureau(request.user):
        raise PermissionDenied(_("Only the bureau may recompute cluster membership."))
    if request.method == "POST":
        actions.do_apply_membership(request.user)
        messages.success(request, _("Membership recomputed from the boundaries."))
        return redirect("clusters:membership")
    result = actions.current_membership()
    return render(request, "clusters/membership.html", {
        "result": result, "explicit": len(result.explicit),
        "by_boundary": len(result.cluster_of) - len(result.explicit)})
