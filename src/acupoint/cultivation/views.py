"""The cultivation pages: thin views that read through selectors and change through actions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acupoint.accounts import scoping
from acupoint.accounts.roles import Role
from acupoint.cultivation import actions, evaluation, importing, reports, selectors
from acupoint.cultivation.forms import (
    DATA_FIELDS,
    ApplyForm,
    DataFileForm,
    DataForm,
    NoticeForm,
    ObjectionForm,
    OutcomeForm,
    RecommendForm,
    ScoreForm,
)
from acupoint.cultivation.models import (
    OPEN_STATUSES,
    RUNG_NAMES,
    Application,
    Notice,
    Objection,
)
from acupoint.engine.ladder import NOT_QUALIFIED, QUALIFIED
from acupoint.registry.models import Cluster, District
from acupoint.site.downloads import file_response
from acupoint.site.notices import show_errors
from acupoint.site.uploads import saved_upload

POOL_PREVIEW = 10  # firms of each list shown before a rung is opened


@login_required
def hub(request: HttpRequest) -> HttpResponse:
    user = request.user
    if scoping.role_of(user) == Role.ENTERPRISE_USER and user.enterprise_id:
        return redirect("cultivation:ladder", user.enterprise.credit_code)
    return redirect("cultivation:pools")


def _enterprise(request: HttpRequest, credit_code: str):
    return get_object_or_404(selectors.enterprises(request.user), credit_code=credit_code)


def _may_act_for(user, enterprise) -> bool:
    try:
        scoping.require_own_or_bureau(user, enterprise, "")
    except PermissionDenied:
        return False
    return True


@login_required
def ladder_page(request: HttpRequest, credit_code: str) -> HttpResponse:
    return _render_ladder(request, _enterprise(request, credit_code))


def _render_ladder(request: HttpRequest, enterprise, warning: dict | None = None,
                   status: int = 200) -> HttpResponse:
    """The firm's ladder; ``warning`` asks to confirm an application whose criteria fail."""
    today = timezone.localdate()
    view = evaluation.ladder_view(enterprise, today)
    may_act = _may_act_for(request.user, enterprise)
    applications = selectors.applications(request.user).filter(enterprise=enterprise)
    under_way = {application.rung: application for application in applications
                 if application.status in OPEN_STATUSES}
    return render(request, "cultivation/ladder.html", {
        "enterprise": enterprise, "view": view, "today": today,
        "next_name": RUNG_NAMES.get(view.next_rung or "", ""),
        "next_state": evaluation.application_state(view.next_verdict,
                                                   under_way.get(view.next_rung or "")),
        "next_under_way": under_way.get(view.next_rung or ""),
        "applications": applications, "warning": warning,
        "data_form": DataForm(initial_values=view.profile) if may_act else None,
        "may_act": may_act, "variables": evaluation.ladder().catalogue.variables},
        status=status)


@login_required
@require_POST
def save_data(request: HttpRequest, credit_code: str) -> HttpResponse:
    enterprise = _enterprise(request, credit_code)
    form = DataForm(request.POST)
    if form.is_valid():
        try:
            actions.do_set_data(request.user, enterprise,
                                {name: form.cleaned_data[name] for name in DATA_FIELDS})
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Data saved; the ladder is judged again."))
    return redirect("cultivation:ladder", credit_code)


@login_required
@require_POST
def apply(request: HttpRequest, credit_code: str) -> HttpResponse:
    """Apply for a rung; when its criteria fail today, first say which and ask again."""
    enterprise = _enterprise(request, credit_code)
    form = ApplyForm(request.POST)
    if form.is_valid():
        rung = form.cleaned_data["rung"]
        verdict = evaluation.verdict_today(enterprise, rung, timezone.localdate())
        if verdict is not None and verdict.status != QUALIFIED and \
                not form.cleaned_data["acknowledged"]:
            return _render_ladder(request, enterprise, {
                "rung": rung, "name": RUNG_NAMES[rung], "gaps": verdict.gaps,
                "unknown": verdict.status != NOT_QUALIFIED})
        try:
            actions.do_apply(request.user, enterprise, rung)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Application submitted to the district."))
    return redirect("cultivation:ladder", credit_code)


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    role = scoping.role_of(user)
    return render(request, "cultivation/applications.html", {
        "applications": selectors.applications(user),
        "recommend_form": RecommendForm(auto_id=False) if role in (
            *scoping.BUREAU_ROLES, Role.DISTRICT_OFFICER) else None,
        "score_form": ScoreForm(auto_id=False) if scoping.is_bureau(user) else None,
        "notice_form": NoticeForm() if scoping.is_bureau(user) else None,
        "outcome_form": OutcomeForm(auto_id=False) if scoping.is_bureau(user) else None,
        "notices": Notice.objects.all()[:20]})


def _application(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(selectors.applications(request.user), pk=pk)


@login_required
@require_POST
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = RecommendForm(request.POST)
    if form.is_valid():
        try:
            actions.do_recommend(request.user, application,
                                 form.cleaned_data["recommend"] == "yes",
                                 form.cleaned_data["note"])
        except ValidationError as error:
            show_errors(request, error)
    return redirect("cultivation:applications")


@login_required
@require_POST
def score(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = ScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A score lies between 0 and 100."))
    else:
        try:
            actions.do_score(request.user, application, form.cleaned_data["score"],
                             form.cleaned_data["note"])
        except ValidationError as error:
            show_errors(request, error)
    return redirect("cultivation:applications")


@login_required
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST)
    chosen = list(selectors.applications(request.user).filter(
        pk__in=request.POST.getlist("application")))
    if not form.is_valid():
        messages.error(request, _("Give the list a title and a notice period."))
        return redirect("cultivation:applications")
    try:
        notice = actions.do_publish_notice(request.user, form.cleaned_data["rung"], chosen,
                                           title=form.cleaned_data["title"],
                                           days=form.cleaned_data["days"])
    except ValidationError as error:
        show_errors(request, error)
        return redirect("cultivation:applications")
    return redirect("cultivation:notice", notice.pk)


@login_required
@require_POST
def forward(request: HttpRequest) -> HttpResponse:
    chosen = list(selectors.applications(request.user).filter(
        pk__in=request.POST.getlist("application")))
    try:
        forwarded = actions.do_forward(request.user, chosen)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("%(count)s firms forwarded.") % {"count": len(forwarded)})
    return redirect("cultivation:applications")


@login_required
@require_POST
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the decision, the document number and its date."))
        return redirect("cultivation:applications")
    try:
        actions.do_record_outcome(request.user, application,
                                  recognised=form.cleaned_data["recognised"] == "yes",
                                  document=form.cleaned_data["document"],
                                  day=form.cleaned_data["day"],
                                  note=form.cleaned_data["note"])
    except ValidationError as error:
        show_errors(request, error)
    return redirect("cultivation:applications")


def notice_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The public notice: anyone may read it."""
    notice = get_object_or_404(scoping.visible(request.user, Notice), pk=pk)
    return render(request, "cultivation/notice.html", {
        "notice": notice, "bureau": scoping.is_bureau(request.user),
        "applications": notice.applications.select_related("enterprise",
                                                           "enterprise__district")
        .prefetch_related("objections"),
        "objection_form": ObjectionForm()})


@login_required
@require_POST
def object_to(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            actions.do_object(request.user, application, form.cleaned_data["text"],
                              form.cleaned_data["raised_by"])
        except ValidationError as error:
            show_errors(request, error)
    return redirect("cultivation:notice", application.notice_id)


@login_required
@require_POST
def settle(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(scoping.visible(request.user, Objection), pk=pk)
    try:
        actions.do_settle_objection(request.user, objection,
                                    request.POST.get("upheld") == "yes",
                                    request.POST.get("resolution", ""))
    except ValidationError as error:
        show_errors(request, error)
    return redirect("cultivation:notice", objection.application.notice_id)


@login_required
@require_POST
def recognise(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    try:
        recognised = actions.do_recognise(request.user, notice)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("%(count)s firms decided.") % {"count": len(recognised)})
    return redirect("cultivation:notice", pk)


@login_required
def import_data(request: HttpRequest) -> HttpResponse:
    """Cultivation data and titles from Excel: all of it lands or none, every problem listed."""
    if not scoping.may_import(request.user):
        raise PermissionDenied(_("Your role may not import data."))
    form = DataFileForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with saved_upload(upload) as path:
            outcome = actions.do_import_data(request.user, path, original_name=upload.name)
    return render(request, "cultivation/import.html", {
        "form": form, "outcome": outcome,
        "columns": importing.data_columns(evaluation.ladder().catalogue.variables)[1:]})


@login_required
@require_POST
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    try:
        actions.do_pay_reward(request.user, application)
    except ValidationError as error:
        show_errors(request, error)
    if application.notice_id:
        return redirect("cultivation:notice", application.notice_id)
    return redirect("cultivation:applications")


def _pool_filters(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "").strip() for key in ("district", "cluster")}


@login_required
def pools(request: HttpRequest) -> HttpResponse:
    """The pools by rung, ten firms of each list at a glance; one rung opened shows every
    candidate page by page, found by name or credit code."""
    _require_lists(request.user)
    today = timezone.localdate()
    filters = _pool_filters(request)
    rung, search = request.GET.get("rung", ""), request.GET.get("q", "").strip()
    found = selectors.pools(request.user, today, **filters)
    progress = selectors.progress(request.user, today)
    opened = next((pool for pool in found if pool.rung == rung), None)
    page = None
    if opened is not None:
        listed = selectors.candidates(opened, search)
        page = Paginator(listed, settings.ACUPOINT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cultivation/pools.html", {
        "pools": found, "opened": opened, "page": page, "search": search,
        "query": query.urlencode(), "filters": filters, "preview": POOL_PREVIEW,
        "districts": District.objects.all(), "clusters": Cluster.objects.all(),
        "progress": progress, "today": today, "chart": reports.progress_chart(progress),
        "expiring": selectors.expiring(request.user, today, **filters)})


def _require_lists(user) -> None:
    if scoping.role_of(user) not in {*scoping.BUREAU_ROLES, Role.DISTRICT_OFFICER,
                                     Role.CLUSTER_MANAGER}:
        raise PermissionDenied


@login_required
def pools_export(request: HttpRequest) -> FileResponse:
    _require_lists(request.user)
    today = timezone.localdate()
    found = selectors.pools(request.user, today, **_pool_filters(request))
    return file_response(lambda handle: reports.write_pools(handle, found),
                         f"cultivation-pools-{today.isoformat()}.xlsx")


@login_required
def report(request: HttpRequest) -> FileResponse:
    """The cultivation report in Word for the user's scope and filters."""
    _require_lists(request.user)
    today = timezone.localdate()
    filters = _pool_filters(request)
    scope = "、".join(value for value in filters.values() if value) or _("the whole scope")
    return file_response(lambda handle: reports.write_report(
        handle, today, scope, selectors.progress(request.user, today),
        selectors.pools(request.user, today, **filters),
        selectors.expiring(request.user, today, **filters)),
        f"cultivation-report-{today.isoformat()}.docx")
