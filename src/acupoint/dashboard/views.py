"""Each role's landing page (工作台): the enterprise's own standing and next steps, a unit's
to-dos and targets, the bureau's queue across capabilities, a participant's consultations
and department queue; the city's figures for everyone else."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from acupoint.accounts import scoping
from acupoint.accounts.roles import Role
from acupoint.dashboard import enterprise, todos, unit
from acupoint.registry import selectors
from acupoint.site import charts


def overview(request: HttpRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    role = scoping.role_of(user)
    if role == Role.ENTERPRISE_USER and user.enterprise_id:
        return render(request, "dashboard/enterprise.html",
                      {"bench": enterprise.bench(user, today)})
    if role in (Role.DISTRICT_OFFICER, Role.CLUSTER_MANAGER):
        return render(request, "dashboard/unit.html", {
            "todos": todos.unit_todos(user, today), "figures": unit.figures(user)})
    if role == Role.PARTICIPANT:
        return render(request, "dashboard/participant.html", _participant(user, today))
    if scoping.is_bureau(user):
        return render(request, "dashboard/bureau.html", {
            **_city(user), "todos": todos.bureau_queue(user, today)})
    return render(request, "dashboard/overview.html", _city(user))


def city(request: HttpRequest) -> HttpResponse:
    """The city's figures within the visitor's scope, for every role."""
    return render(request, "dashboard/overview.html", _city(request.user))


def _participant(user, today) -> dict:
    from acupoint.cocreation.selectors import open_rounds
    from acupoint.projects import selectors as projects

    return {
        "consultations": open_rounds(user),
        "queues": [(department, projects.queue(user, department, today))
                   for department in projects.departments_of(user)],
    }


def _city(user) -> dict:
    context = {
        "district_count": selectors.districts(user).count(),
        "cluster_count": selectors.clusters(user).count(),
        "sees_enterprises": scoping.role_of(user) is not None,
    }
    if context["sees_enterprises"]:
        enterprises = selectors.enterprises(user)
        annual = selectors.annual_data(user)
        latest_year = annual.order_by("-year").values_list("year", flat=True).first()
        by_district = list(enterprises.values("district__name").annotate(
            count=Count("id")).order_by("-count"))
        context.update({
            "enterprise_count": enterprises.count(),
            "above_scale_count": enterprises.filter(above_scale=True).count(),
            "latest_year": latest_year,
            "totals": annual.filter(year=latest_year).aggregate(
                revenue=Sum("revenue"), tax=Sum("tax"), employees=Sum("employees")),
            "chart": charts.bars(
                [{"district": row["district__name"], "count": row["count"]}
                 for row in by_district], "district", "count", _("District"),
                _("Enterprises")) if len(by_district) > 1 else None,
        })
    return context
