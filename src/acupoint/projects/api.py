"""Project endpoints for the systems a project passes through: an approval platform posts each
stage as it is issued (`POST /api/projects/{id}/stages`), a leadership screen reads where
projects wait. Scoped and checked exactly like the pages: the same selectors and actions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from acupoint.engine.process import NAMES
from acupoint.projects import actions, selectors
from acupoint.projects.models import Department
from acupoint.projects.wording import warning_text
from acupoint.site.paging import BoundedPageNumberPagination

router = Router(tags=["projects"])


class ProjectOut(Schema):
    id: int
    name: str
    investor: str
    industry_code: str
    planned_investment: float = Field(..., description="万元")
    district: str
    cluster: str | None
    status: str
    stage: str
    stage_name: str
    stage_day: dt.date | None
    waiting_for: str | None
    waiting_on: str | None
    working_days_waited: int | None
    limit: int | None
    overdue: bool


class EventOut(Schema):
    stage: str
    stage_name: str
    day: dt.date
    department: str | None
    returned: bool
    documents: list[str]
    notes: str


class ProjectDetail(ProjectOut):
    events: list[EventOut]


class StageIn(Schema):
    stage: str = Field(..., description="contact, negotiation, signing, registration, "
                                        "land_planning, works_permit, construction_permit, "
                                        "groundbreaking, completion or production")
    day: dt.date
    department: str | None = Field(None, description="A department code; default: the "
                                                     "stage's responsible department.")
    returned: bool = False
    documents: list[str] = []
    notes: str = ""


class WarningOut(Schema):
    kind: str
    stage: str
    message: str


class EscalationOut(Schema):
    stage: str
    level: int
    department: str | None
    waited: int
    limit: int
    basis: str = Field(..., description="stage: the stage's local limit; budget: the "
                                        "reform's total of 100 working days")


class StageOut(Schema):
    event_id: int
    warnings: list[WarningOut]
    escalations_resolved: int
    escalations_raised: list[EscalationOut]


def _out(card: selectors.Card) -> dict:
    project = card.project
    return {"id": project.pk, "name": project.name, "investor": project.investor,
            "industry_code": project.industry_code,
            "planned_investment": project.planned_investment,
            "district": project.district.name,
            "cluster": project.cluster.code if project.cluster else None,
            "status": project.status, "stage": project.stage,
            "stage_name": NAMES.get(project.stage, ""), "stage_day": project.stage_day,
            "waiting_for": card.waiting_for,
            "waiting_on": project.waiting_on.name if project.waiting_on else None,
            "working_days_waited": card.waited, "limit": card.limit, "overdue": card.overdue}


@router.get("", response=list[ProjectOut])
@paginate(BoundedPageNumberPagination, page_size=100)
def list_projects(request: HttpRequest, district: str = "", cluster: str = "",
                  status: str = "", overdue: bool | None = None):
    today, stage_limits = timezone.localdate(), selectors.limits()
    listed = selectors.filtered(request.user, district=district, cluster=cluster,
                                status=status).order_by("pk")
    under_way = selectors.approvals(listed)
    cards = [selectors.card(project, stage_limits, today, under_way.get(project.pk, []))
             for project in listed]
    return [_out(card) for card in cards if overdue is None or card.overdue == overdue]


@router.get("/{project_id}", response=ProjectDetail)
def get_project(request: HttpRequest, project_id: int):
    project = get_object_or_404(selectors.projects(request.user), pk=project_id)
    card = selectors.card(project, selectors.limits(), timezone.localdate())
    events = [{"stage": event.stage, "stage_name": event.get_stage_display(),
               "day": event.day, "department": event.department.name
               if event.department else None, "returned": event.returned,
               "documents": event.document_list(), "notes": event.notes}
              for event in project.events.select_related("department")]
    return {**_out(card), "events": events}


@router.post("/{project_id}/stages", response={201: StageOut})
def record_stage(request: HttpRequest, project_id: int, payload: StageIn):
    project = get_object_or_404(selectors.projects(request.user), pk=project_id)
    department = None
    if payload.department:
        department = Department.objects.filter(code=payload.department).first()
        if department is None:
            raise HttpError(422, f"unknown department '{payload.department}'")
    try:
        outcome = actions.do_record_stage(
            request.user, project, stage=payload.stage, day=payload.day,
            department=department, returned=payload.returned,
            documents="\n".join(payload.documents), notes=payload.notes)
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from error
    except ValidationError as error:
        raise HttpError(422, "; ".join(error.messages)) from error
    return Status(201, {
        "event_id": outcome.event.pk,
        "warnings": [{"kind": warning.kind, "stage": warning.stage,
                      "message": warning_text(warning)} for warning in outcome.warnings],
        "escalations_resolved": outcome.resolved,
        "escalations_raised": [{"stage": item.stage, "level": item.level,
                                "department": item.department.name if item.department
                                else None, "waited": item.waited, "limit": item.limit,
                                "basis": item.basis}
                               for item in outcome.raised]})
