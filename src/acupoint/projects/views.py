"""The project pages: thin views that read through selectors and change through actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acupoint.accounts import scoping
from acupoint.accounts.roles import BUREAU_ROLES, Role
from acupoint.engine.process import (
    APPROVAL_BUDGET,
    APPROVAL_BUDGET_SOURCE,
    APPROVAL_STAGES,
    NAMES,
    RECORD_LEAD_TIME,
    STAGES,
    approval_time,
)
from acupoint.engine.process import stage_warnings as history_warnings
from acupoint.projects import actions, analytics, charts, reports, selectors
from acupoint.projects.forms import (
    AcceptForm,
    ApprovalStepForm,
    CloseForm,
    LedgerForm,
    ProjectForm,
    RuleForm,
    StageForm,
)
from acupoint.projects.models import Approval, Project
from acupoint.projects.wording import warning_text
from acupoint.registry import industry
from acupoint.registry.models import Cluster, District
from acupoint.site import charts as site_charts
from acupoint.site.downloads import file_response
from acupoint.site.notices import show_errors
from acupoint.site.uploads import saved_upload


def _filters(request: HttpRequest, status: str = "") -> dict[str, str]:
    """The filters of the board, the analytics and the downloads; the board shows projects
    in progress unless asked otherwise, the others every project."""
    found = {key: request.GET.get(key, "").strip() for key in ("district", "cluster", "year",
                                                                "query")}
    found["status"] = request.GET.get("status", status).strip()
    return found


def _filter_choices(user) -> dict:
    return {"districts": District.objects.filter(projects__in=selectors.projects(user))
            .distinct(),
            "clusters": Cluster.objects.filter(projects__in=selectors.projects(user))
            .distinct(),
            "years": sorted({day.year for day in selectors.projects(user)
                             .filter(events__stage="contact").values_list("events__day",
                                                                           flat=True)},
                            reverse=True)}


def _managed_districts(user) -> list[int] | None:
    if scoping.is_bureau(user):
        return None
    if scoping.role_of(user) == Role.DISTRICT_OFFICER:
        return [user.district_id]
    raise PermissionDenied(_("Only the bureau and the districts register projects."))


def _may_analyse(user) -> bool:
    return scoping.role_of(user) in {*BUREAU_ROLES, Role.DISTRICT_OFFICER,
                                     Role.CLUSTER_MANAGER}


@login_required
def board(request: HttpRequest) -> HttpResponse:
    filters = _filters(request, status=Project.Status.ACTIVE)
    queryset = selectors.filtered(request.user, **filters)
    today = timezone.localdate()
    return render(request, "projects/board.html", {
        "columns": selectors.board(queryset, today), "filters": filters,
        "total": queryset.count(), "today": today,
        "may_create": scoping.is_bureau(request.user)
        or scoping.role_of(request.user) == Role.DISTRICT_OFFICER,
        "may_analyse": _may_analyse(request.user), **_filter_choices(request.user)})


def _project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(selectors.projects(request.user), pk=pk)


@login_required
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    today = timezone.localdate()
    history = selectors.history(project)
    stage_limits = selectors.limits()
    labels = {"done": _("done"), "late": _("done late"), "waiting": _("waiting"),
              "overdue": _("overdue"), "returned": _("returned")}
    recordable = [code for code, _name in STAGES
                  if actions.may_record(request.user, project, code)]
    under_way = selectors.approvals(Project.objects.filter(pk=project.pk)).get(project.pk, [])
    card = selectors.card(project, stage_limits, today, under_way)
    form = StageForm(initial={"day": today, "stage": card.waiting_for})
    form.fields["stage"].choices = [(code, NAMES[code]) for code in recordable]
    may_edit = actions.may_manage(request.user, project.district_id)
    return render(request, "projects/project.html", {
        "project": project, "events": project.events.select_related("department"),
        "warnings": [warning_text(warning) for warning in history_warnings(history)],
        "card": card, "industry": industry.name(project.industry_code),
        "approval": approval_time(under_way, today),
        "budget": APPROVAL_BUDGET, "budget_source": APPROVAL_BUDGET_SOURCE,
        "approvals": [(record, selectors.clock(record).working_days(today)) for record in
                      project.approvals.select_related("department").prefetch_related(
                          "pauses")],
        "accept_form": AcceptForm(initial={"day": today}) if any(
            code in APPROVAL_STAGES for code in recordable)
        and project.status == Project.Status.ACTIVE else None,
        "step_form": ApprovalStepForm(initial={"day": today}),
        "escalations": project.escalations.select_related("department"),
        "gantt": charts.gantt(history, stage_limits, today, labels) if history else None,
        "form": form if recordable and project.status == Project.Status.ACTIVE else None,
        "close_form": CloseForm(initial={"day": today}) if may_edit else None,
        "may_edit": may_edit})


def _project_form(request: HttpRequest, project: Project | None) -> HttpResponse:
    districts = _managed_districts(request.user)
    form = ProjectForm(request.POST or None, instance=project, districts=districts)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in ProjectForm.Meta.fields}
        try:
            if project is None:
                project = actions.do_create_project(
                    request.user, first_contact=form.cleaned_data.get("first_contact"),
                    officer=request.user, **values)
            else:
                actions.do_update_project(request.user, Project.objects.get(pk=project.pk),
                                          **values)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Project saved."))
            return redirect("projects:project", project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
def new_project(request: HttpRequest) -> HttpResponse:
    return _project_form(request, None)


@login_required
def edit_project(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_form(request, _project(request, pk))


@login_required
@require_POST
def record_stage(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = StageForm(request.POST)
    refused = _refused(request, project.pk, form)
    if refused:
        return refused
    try:
        outcome = actions.do_record_stage(request.user, project, **form.cleaned_data)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("%(stage)s recorded on %(day)s.") % {
            "stage": NAMES[outcome.event.stage], "day": outcome.event.day.isoformat()})
        for warning in outcome.warnings:
            messages.warning(request, _("Kept, but check: %(warning)s") % {
                "warning": warning_text(warning)})
        for escalation in outcome.raised:
            messages.warning(request, _(
                "%(stage)s is overdue (%(waited)s of %(limit)s working days) and was "
                "escalated to %(to)s.") % {
                "stage": escalation.get_stage_display(), "waited": escalation.waited,
                "limit": escalation.limit,
                "to": escalation.department or escalation.get_level_display()})
    return redirect("projects:project", project.pk)


def _refused(request: HttpRequest, pk: int, form) -> HttpResponse | None:
    """Back to the project with every field's problem, when the form does not validate."""
    if form.is_valid():
        return None
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{form.fields[field].label}: {error}"
                           if field in form.fields else error)
    return redirect("projects:project", pk)


@login_required
@require_POST
def accept_application(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = AcceptForm(request.POST)
    refused = _refused(request, project.pk, form)
    if refused:
        return refused
    try:
        actions.do_accept_application(request.user, project, **form.cleaned_data)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Application for %(stage)s accepted on %(day)s: the "
                                    "government's clock runs.") % {
            "stage": NAMES[form.cleaned_data["stage"]],
            "day": form.cleaned_data["day"].isoformat()})
    return redirect("projects:project", project.pk)


@login_required
@require_POST
def approval_step(request: HttpRequest, pk: int, approval_id: int) -> HttpResponse:
    project = _project(request, pk)
    approval = get_object_or_404(Approval, pk=approval_id, project=project)
    form = ApprovalStepForm(request.POST)
    refused = _refused(request, project.pk, form)
    if refused:
        return refused
    step, day, note = (form.cleaned_data[name] for name in ("step", "day", "note"))
    try:
        if step == "correction":
            actions.do_request_correction(request.user, approval, day=day, reason=note)
        elif step == "corrected":
            actions.do_complete_correction(request.user, approval, day=day)
        else:
            actions.do_decide_approval(request.user, approval, day=day, documents=note)
    except ValidationError as error:
        show_errors(request, error)
    return redirect("projects:project", project.pk)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day and the reason for closing."))
        return redirect("projects:project", project.pk)
    try:
        actions.do_close_project(request.user, project, **form.cleaned_data)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Project closed."))
    return redirect("projects:project", project.pk)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    actions.do_reopen_project(request.user, _project(request, pk))
    messages.success(request, _("Project reopened."))
    return redirect("projects:project", pk)


@login_required
def departments(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [(department, selectors.queue(request.user, department, today))
            for department in selectors.departments_of(request.user)]
    return render(request, "projects/departments.html", {
        "rows": [(department, len(cards), sum(card.overdue for card in cards))
                 for department, cards in rows]})


@login_required
def department_page(request: HttpRequest, code: str) -> HttpResponse:
    department = get_object_or_404(selectors.departments_of(request.user), code=code)
    today = timezone.localdate()
    cards = selectors.queue(request.user, department, today)
    return render(request, "projects/department.html", {
        "department": department, "today": today,
        "overdue": [card for card in cards if card.overdue],
        "queue": [card for card in cards if not card.overdue],
        "escalations": selectors.escalations(request.user, department)
        .filter(resolved_on__isnull=True),
        "stages": [rule.get_stage_display() for rule in department.rules.all()]})


@login_required
def analytics_page(request: HttpRequest) -> HttpResponse:
    if not _may_analyse(request.user):
        raise PermissionDenied
    filters = _filters(request)
    figures = analytics.analyse(selectors.filtered(request.user, **filters),
                                timezone.localdate())
    record = RECORD_LEAD_TIME.days
    return render(request, "projects/analytics.html", {
        "figures": figures, "filters": filters, "record": record,
        "histogram": charts.lead_time_histogram(figures.lead_times, record, {
            "days": _("Days from first contact to groundbreaking"),
            "projects": _("Projects"), "record": _("Record: 3 months")})
        if figures.lead_times else None,
        "funnel": site_charts.bars([{"stage": name, "projects": count}
                                    for name, count in figures.funnel], "stage", "projects",
                                   _("Stage"), _("Projects")),
        "waits": site_charts.bars([{"stage": name, "days": days}
                                   for name, days, _count in figures.by_stage], "stage", "days",
                                  _("Stage"), _("Median working days"))
        if figures.by_stage else None,
        "comparison_chart": charts.comparison(figures.comparison.records, {
            "median": _("Median days")}) if figures.comparison.records else None,
        **_filter_choices(request.user)})


@login_required
def export(request: HttpRequest) -> FileResponse:
    queryset = selectors.filtered(request.user, **_filters(request))
    today = timezone.localdate()
    return file_response(lambda handle: reports.write_workbook(handle, queryset, today),
                         f"projects-{today.isoformat()}.xlsx")


@login_required
def event_log(request: HttpRequest, file_format: str) -> FileResponse:
    if file_format not in {"xes", "jsonocel"}:
        raise Http404
    queryset = selectors.filtered(request.user, **_filters(request))
    return file_response(lambda handle: reports.write_log(handle, queryset, file_format),
                         f"projects.{file_format}")


@login_required
def import_ledger(request: HttpRequest) -> HttpResponse:
    """A project ledger from Excel: all of it lands or none of it, with every problem listed."""
    _managed_districts(request.user)
    form = LedgerForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with saved_upload(upload) as path:
            outcome = actions.do_import_ledger(request.user, path, original_name=upload.name)
    return render(request, "projects/import.html", {"form": form, "outcome": outcome})


@login_required
@require_POST
def escalate(request: HttpRequest) -> HttpResponse:
    raised = actions.do_escalate_overdue(request.user)
    messages.success(request, _("%(count)s overdue stages escalated.") % {
        "count": len(raised)})
    return redirect("projects:departments")


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    scoping.require_bureau(request.user, _("Only the bureau sets stage rules."))
    current = selectors.rules()
    forms = {code: RuleForm(request.POST or None, prefix=code, initial={
        "department": current[code].department if code in current else None,
        "limit_days": current[code].limit_days if code in current else None})
        for code, _name in STAGES}
    if request.method == "POST" and all(form.is_valid() for form in forms.values()):
        for code, form in forms.items():
            if form.has_changed():
                actions.do_set_rule(request.user, code, **form.cleaned_data)
        messages.success(request, _("Stage rules saved."))
        return redirect("projects:rules")
    return render(request, "projects/rules.html", {
        "rows": [(NAMES[code], form, code in APPROVAL_STAGES) for code, form in forms.items()],
        "total": sum(rule.limit_days or 0 for rule in current.values()),
        "budget": APPROVAL_BUDGET, "budget_source": APPROVAL_BUDGET_SOURCE})
