"""The project ledger in Excel (项目台账: one row per project, one per stage event) and the
event log in the process-mining formats (XES, OCEL 2.0)."""

from __future__ import annotations

import datetime as dt
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from acupoint.engine.eventlog import Trace, write_ocel, write_xes
from acupoint.engine.process import NAMES, measure
from acupoint.projects import selectors
from acupoint.projects.models import Project, StageEvent
from acupoint.registry import industry
from acupoint.registry.exporting import ExportTable, write_xlsx


def _project_rows(queryset: QuerySet[Project], today: dt.date):
    histories = selectors.histories(queryset)
    under_way = selectors.approvals(queryset)
    stage_limits = selectors.limits()
    for project in queryset.order_by("pk"):
        approvals = under_way.get(project.pk, [])
        measured = measure(histories.get(project.pk, []), approvals)
        card = selectors.card(project, stage_limits, today, approvals)
        yield (project.pk, project.name, project.investor, project.industry_code,
               industry.name(project.industry_code), project.planned_investment,
               project.district.name, project.cluster.name if project.cluster else "",
               project.land_parcel, project.land_area_mu,
               project.lead_department.name if project.lead_department else "",
               "、".join(project.method_labels()), NAMES.get(project.stage, ""),
               project.stage_day, card.waiting_for_name,
               project.waiting_on.name if project.waiting_on else "", card.waited, card.limit,
               card.overdue, measured.days.get("contact"), measured.days.get("groundbreaking"),
               measured.lead_time, measured.lead_working_days, measured.approval_days)


def _event_rows(queryset: QuerySet[Project]):
    events = (StageEvent.objects.filter(project__in=queryset.values("pk"))
              .select_related("project", "department").order_by("project_id", "day", "id"))
    for event in events.iterator(chunk_size=5_000):
        yield (event.project_id, event.project.name, event.get_stage_display(), event.day,
               event.department.name if event.department else "", event.returned,
               "；".join(event.document_list()), event.notes)


def write_workbook(target: IO[bytes], queryset: QuerySet[Project], today: dt.date) -> None:
    projects = ExportTable([
        _("Project no."), _("Name"), _("Investor"), _("Industry code"), _("Industry"),
        _("Planned investment (万元)"), _("District"), _("Cluster"), _("Land parcel"),
        _("Land area (亩)"), _("Lead department"), _("Fast-track methods"), _("Stage"),
        _("Since"), _("Waiting for"), _("Waiting on"), _("Working days waited"),
        _("Time limit (working days)"), _("Overdue"), _("First contact"), _("Groundbreaking"),
        _("Contact to groundbreaking (days)"), _("Contact to groundbreaking (working days)"),
        _("Approval stages (working days)")], [], _project_rows(queryset, today))
    events = ExportTable([
        _("Project no."), _("Project"), _("Stage"), _("Date"), _("Department"),
        _("Returned"), _("Documents"), _("Notes")], [], _event_rows(queryset))
    write_xlsx(target, {_("Projects"): projects, _("Stage events"): events})


def traces(queryset: QuerySet[Project]) -> list[Trace]:
    histories = selectors.histories(queryset)
    return [Trace(f"project-{project.pk}", histories.get(project.pk, []), {
        "project": project.name, "district": project.district.name,
        "cluster": project.cluster.code if project.cluster else "",
        "industry": project.industry_code,
        "planned_investment": f"{project.planned_investment:g}"})
        for project in queryset.select_related("district", "cluster").order_by("pk")]


def write_log(target: IO[bytes], queryset: QuerySet[Project], file_format: str) -> None:
    (write_xes if file_format == "xes" else write_ocel)(traces(queryset), target)
