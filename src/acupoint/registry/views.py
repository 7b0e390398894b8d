"""Registry pages: thin views that read through selectors and change state through actions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from acupoint import workdays
from acupoint.accounts import scoping
from acupoint.registry import actions, calendar, exporting, selectors
from acupoint.registry.fields import ANNUAL_COLUMNS
from acupoint.registry.forms import CalendarForm, EnterpriseFilterForm, ImportForm
from acupoint.registry.importing.problems import describe, locate, problem_count
from acupoint.registry.models import CalendarDay, ImportBatch
from acupoint.site import charts
from acupoint.site.downloads import file_response
from acupoint.site.notices import show_errors

CHART_MEASURES = ("revenue", "tax", "value_added", "energy_tce", "rd_spend", "employees")


def _filters(request: HttpRequest) -> tuple[EnterpriseFilterForm, dict]:
    form = EnterpriseFilterForm(request.GET or None,
                                districts=selectors.districts(request.user),
                                clusters=selectors.clusters(request.user))
    cleaned = form.cleaned_data if form.is_valid() else {}
    return form, {"district": cleaned.get("district") or None,
                  "cluster": cleaned.get("cluster") or None,
                  "industry_prefix": cleaned.get("industry") or None,
                  "size": cleaned.get("size") or None, "search": cleaned.get("q") or None}


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    queryset = selectors.enterprises(request.user, **filters)
    page = Paginator(queryset, settings.ACUPOINT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "registry/enterprise_list.html", {
        "form": form, "page": page, "query": query.urlencode()})


@login_required
def enterprise_detail(request: HttpRequest, credit_code: str) -> HttpResponse:
    enterprise = get_object_or_404(selectors.enterprises(request.user), credit_code=credit_code)
    annual = list(selectors.annual_data(request.user, enterprise).values())
    measures = {column.code: f"{column.label} ({column.unit.label})"
                for column in ANNUAL_COLUMNS if column.code in CHART_MEASURES}
    columns = [(column.code, column.label, column.unit.label if column.unit else "")
               for column in ANNUAL_COLUMNS]
    return render(request, "registry/enterprise_detail.html", {
        "enterprise": enterprise,
        "annual_rows": [[row["year"], *(row[code] for code, _, _ in columns)] for row in annual],
        "columns": columns,
        "chart": charts.annual_figures(annual, measures) if annual else None,
    })


@login_required
def enterprise_export(request: HttpRequest, credit_code: str) -> FileResponse:
    enterprise = get_object_or_404(selectors.enterprises(request.user), credit_code=credit_code)
    return _xlsx_response(f"{enterprise.credit_code}.xlsx", {
        _("Enterprise"): exporting.enterprise_table(
            selectors.enterprises(request.user).filter(pk=enterprise.pk)),
        _("Annual data"): exporting.annual_table(selectors.annual_data(request.user, enterprise)),
    })


@login_required
def registry_export(request: HttpRequest, file_format: str) -> FileResponse:
    """The filtered enterprise list and its annual data, within the user's scope."""
    if file_format not in {"xlsx", "parquet"}:
        raise Http404
    _form, filters = _filters(request)
    chosen = selectors.enterprises(request.user, **filters)
    annual = selectors.annual_data(request.user).filter(enterprise__in=chosen)
    if file_format == "parquet":
        table = request.GET.get("table", "enterprises")
        source = (exporting.annual_table(annual) if table == "annual"
                  else exporting.enterprise_table(chosen))
        return file_response(lambda handle: exporting.write_parquet(handle, source),
                             f"{table}.parquet")
    return _xlsx_response("enterprises.xlsx", {
        _("Enterprises"): exporting.enterprise_table(chosen),
        _("Annual data"): exporting.annual_table(annual),
    })


def _xlsx_response(filename: str, sheets: dict) -> FileResponse:
    return file_response(lambda handle: exporting.write_xlsx(handle, sheets), filename)


def cluster_list(request: HttpRequest) -> HttpResponse:
    clusters = selectors.clusters(request.user).annotate(members=Count("enterprises"))
    return render(request, "registry/cluster_list.html", {"clusters": clusters})


def cluster_detail(request: HttpRequest, code: str) -> HttpResponse:
    cluster = get_object_or_404(selectors.clusters(request.user), code=code)
    members = selectors.enterprises(request.user, cluster=cluster.code)
    points = list(members.exclude(lon=None).values("name", "lon", "lat")[:2000])
    return render(request, "registry/cluster_detail.html", {
        "cluster": cluster,
        "members": members[:50],
        "member_count": members.count(),
        "may_see_members": scoping.role_of(request.user) is not None,
        "chart": charts.boundary_map(cluster.boundary, cluster.name, points)
        if cluster.boundary else None,
    })


def district_list(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/district_list.html", {
        "districts": selectors.districts(request.user).annotate(
            cluster_count=Count("clusters", distinct=True))})


def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(selectors.districts(request.user), code=code)
    enterprises = selectors.enterprises(request.user, district=district.code)
    latest = selectors.annual_data(request.user).filter(enterprise__district=district)
    latest_year = latest.order_by("-year").values_list("year", flat=True).first()
    totals = latest.filter(year=latest_year).aggregate(revenue=Sum("revenue"), tax=Sum("tax"))
    return render(request, "registry/district_detail.html", {
        "district": district,
        "clusters": selectors.clusters(request.user).filter(district=district),
        "enterprise_count": enterprises.count(),
        "above_scale_count": enterprises.filter(above_scale=True).count(),
        "latest_year": latest_year, "totals": totals,
        "may_see_enterprises": scoping.role_of(request.user) is not None,
    })


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if not scoping.may_import(request.user):
        raise PermissionDenied(_("Your role may not import data."))
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = actions.do_queue_import(request.user, form.cleaned_data["file"],
                                        source=form.cleaned_data["source"])
        return redirect("registry:import-batch", batch.pk)
    batches = scoping.visible(request.user, ImportBatch).select_related("user")[:50]
    return render(request, "registry/import.html", {
        "form": form, "batches": batches, "upload_limit_mb": settings.ACUPOINT_UPLOAD_MAX_MB})


# Problems a page lists; the rest are in the .xlsx the page offers.
LISTED_PROBLEMS = 200


@login_required
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(scoping.visible(request.user, ImportBatch), pk=pk)
    return render(request, "registry/import_batch.html", {
        "batch": batch, "error_count": problem_count(batch.errors),
        "errors": [{"where": locate(item), "what": describe(item)}
                   for item in batch.errors[:LISTED_PROBLEMS]],
        "warnings": [{"where": locate(item), "what": describe(item)}
                     for item in batch.warnings[:LISTED_PROBLEMS]],
        "hidden_warnings": max(0, len(batch.warnings) - LISTED_PROBLEMS),
    })


@login_required
def import_problems(request: HttpRequest, pk: int) -> FileResponse:
    """Every problem and warning of a batch, for fixing the file in Excel."""
    batch = get_object_or_404(scoping.visible(request.user, ImportBatch), pk=pk)
    return file_response(lambda handle: exporting.write_problems(handle, batch),
                         f"import-{batch.pk}-problems.xlsx")


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The holiday schedules: which years the shipped calendar knows, and the ones the bureau
    entered for the years after."""
    known = workdays.known_through()
    year = request.POST.get("year") or request.GET.get("year") or str(known + 1)
    form = CalendarForm(request.POST or None, initial={
        "year": year, "text": calendar.as_text(int(year)) if year.isdigit() else ""})
    if request.method == "POST" and form.is_valid():
        try:
            count = actions.do_enter_calendar(request.user, form.cleaned_data["year"],
                                              form.cleaned_data["text"])
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("%(count)s days of %(year)s saved.") % {
                "count": count, "year": form.cleaned_data["year"]})
            return redirect("registry:calendar")
    days = scoping.visible(request.user, CalendarDay)
    years = [{"year": row["day__year"], "holidays": row["holidays"], "worked": row["worked"]}
             for row in days.values("day__year").annotate(
                 holidays=Count("pk", filter=Q(working=False)),
                 worked=Count("pk", filter=Q(working=True))).order_by("day__year")]
    return render(request, "registry/calendar.html", {
        "known": known, "years": years, "form": form,
        "may_enter": scoping.is_bureau(request.user)})
