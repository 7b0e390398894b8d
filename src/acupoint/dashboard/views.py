"""The city overview: what the visitor's scope holds, at a glance."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from acupoint.accounts import scoping
from acupoint.registry import selectors
from acupoint.site import charts


def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
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
    return render(request, "dashboard/overview.html", context)
