"""What each user sees of the projects, and the stage histories the engine measures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from acupoint.accounts import scoping
from acupoint.accounts.roles import Role
from acupoint.engine.process import (
    APPROVAL_BUDGET,
    DEFAULT_LIMITS,
    NAMES,
    STAGES,
    Event,
    approval_time,
    next_stage,
)
from acupoint.engine.process import Approval as Clock
from acupoint.projects.models import (
    Approval,
    ApprovalPause,
    Department,
    Escalation,
    Project,
    StageEvent,
    StageRule,
)
from acupoint.workdays import working_days


def projects(user) -> QuerySet[Project]:
    return scoping.visible(user, Project).select_related(
        "district", "cluster", "lead_department", "waiting_on", "officer")


def filtered(user, *, district: str = "", cluster: str = "", year: str = "",
             query: str = "", status: str = "") -> QuerySet[Project]:
    """The projects a page or an export lists: its filters on top of the user's scope."""
    queryset = projects(user)
    if status in Project.Status.values:
        queryset = queryset.filter(status=status)
    if district:
        queryset = queryset.filter(district__name=district)
    if cluster:
        queryset = queryset.filter(cluster__code=cluster)
    if year.isdigit():
        queryset = queryset.filter(events__stage="contact", events__returned=False,
                                   events__day__year=int(year)).distinct()
    if query:
        queryset = queryset.filter(Q(name__icontains=query) | Q(investor__icontains=query))
    return queryset


def rules() -> dict[str, StageRule]:
    return {rule.stage: rule for rule in StageRule.objects.select_related("department")}


def limits(stage_rules: dict[str, StageRule] | None = None) -> dict[str, int]:
    """The stage limits a bureau set (local settings; none is published)."""
    stage_rules = rules() if stage_rules is None else stage_rules
    if not stage_rules:
        return dict(DEFAULT_LIMITS)
    return {stage: rule.limit_days for stage, rule in stage_rules.items()
            if rule.limit_days is not None}


def clock(record: Approval) -> Clock:
    """One approval as the engine counts it (its pauses prefetched or read)."""
    return Clock(record.stage, record.accepted_on, record.decided_on,
                 tuple((pause.start, pause.end) for pause in record.pauses.all()))


def approvals(queryset: QuerySet[Project]) -> dict[int, list[Clock]]:
    """Every project's approvals with their correction pauses, as the engine counts them,
    in two queries."""
    pauses: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    records = Approval.objects.filter(project__in=queryset.values("pk"))
    for approval_id, start, end in ApprovalPause.objects.filter(
            approval__in=records.values("pk")).order_by("start").values_list(
            "approval_id", "start", "end"):
        pauses[approval_id].append((start, end))
    found: dict[int, list[Clock]] = defaultdict(list)
    for pk, project_id, stage, accepted, decided in records.order_by(
            "accepted_on", "id").values_list("pk", "project_id", "stage", "accepted_on",
                                             "decided_on"):
        found[project_id].append(Clock(stage, accepted, decided, tuple(pauses[pk])))
    return found


def _event(stage: str, day: dt.date, department: str | None, returned: bool) -> Event:
    return Event(stage, day, department or "", returned)


def history(project: Project) -> list[Event]:
    return [_event(*row) for row in project.events.order_by("day", "id").values_list(
        "stage", "day", "department__name", "returned")]


def histories(queryset: QuerySet[Project]) -> dict[int, list[Event]]:
    """Every project's stage events, in one query."""
    found: dict[int, list[Event]] = defaultdict(list)
    rows = (StageEvent.objects.filter(project__in=queryset.values("pk"))
            .order_by("project_id", "day", "id")
            .values_list("project_id", "stage", "day", "department__name", "returned"))
    for project_id, *event in rows.iterator(chunk_size=5_000):
        found[project_id].append(_event(*event))
    return found


@dataclass
class Card:
    """A project on the board: what it waits for and for how long. For an approval under way
    the government's working days (补正 left out) against the stage's local limit, if the
    bureau set one, and the project's approvals together against the reform's total."""

    project: Project
    waiting_for: str | None
    waited: int | None
    limit: int | None
    exact: bool = True  # False: a year's holiday schedule is not known yet; weekdays counted
    under_review: bool = False  # a complete application accepted, not yet decided
    paused: bool = False  # waiting for the applicant to complete its file (补正)
    approval_total: int = 0
    budget: int = APPROVAL_BUDGET

    @property
    def overdue(self) -> bool:
        over_limit = self.waited is not None and self.limit is not None \
            and self.waited > self.limit
        return self.under_review and (over_limit or self.approval_total > self.budget)

    @property
    def waiting_for_name(self) -> str:
        return NAMES.get(self.waiting_for or "", "")


def card(project: Project, stage_limits: dict[str, int], today: dt.date,
         project_approvals: list[Clock] | None = None) -> Card:
    """The project's card; its approvals are read unless given (lists give them all)."""
    if project_approvals is None:
        project_approvals = approvals(Project.objects.filter(pk=project.pk)).get(project.pk, [])
    active = project.status == Project.Status.ACTIVE
    running = [item for item in project_approvals if item.decided is None]
    if running and active:
        current = max(running, key=lambda item: item.accepted)
        spent = current.working_days(today)
        total = approval_time(project_approvals, today)
        return Card(project, current.stage, spent.days, stage_limits.get(current.stage),
                    spent.exact and total.exact, True, current.paused, total.days)
    waiting_for = next_stage(project.stage) if project.stage and active else None
    counted = (working_days(project.stage_day, today)
               if project.stage_day and waiting_for else None)
    return Card(project, waiting_for, counted.days if counted else None, None,
                counted.exact if counted else True)


def board(queryset: QuerySet[Project], today: dt.date) -> list[tuple[str, str, list[Card]]]:
    """Projects in columns by the furthest stage they reached, overdue and longest-waiting
    first."""
    stage_limits = limits()
    columns: dict[str, list[Card]] = {code: [] for code, _name in STAGES}
    under_way = approvals(queryset)
    for project in queryset.exclude(stage=""):
        columns[project.stage].append(card(project, stage_limits, today,
                                           under_way.get(project.pk, [])))
    for cards in columns.values():
        cards.sort(key=lambda item: (not item.overdue, -(item.waited or 0)))
    return [(code, name, columns[code]) for code, name in STAGES]


def queue(user, department: Department, today: dt.date) -> list[Card]:
    """The projects waiting for a stage the department handles, overdue first."""
    stage_limits = limits()
    waiting = projects(user).filter(waiting_on=department)
    under_way = approvals(waiting)
    cards = [card(project, stage_limits, today, under_way.get(project.pk, []))
             for project in waiting]
    return sorted(cards, key=lambda item: (not item.overdue, -(item.waited or 0)))


def escalations(user, department: Department | None = None) -> QuerySet[Escalation]:
    queryset = scoping.visible(user, Escalation).select_related("project", "department")
    return queryset.filter(department=department) if department else queryset


def departments_of(user) -> QuerySet[Department]:
    """The departments whose dashboards a user is sent to: their own, or all for the bureau
    and the districts."""
    if scoping.role_of(user) == Role.PARTICIPANT:
        return Department.objects.filter(members=user)
    return Department.objects.all()
