"""Every change to a project, checked and recorded in the audit log.

A stage is recorded as it happened: dates out of order, on holidays or with stages skipped are
warned about and kept (real projects loop and approvals run in parallel), while a date in the
future, a stage the user may not record or a cluster outside the project's district is
refused. An approval stage is followed as the government handles it: the complete application
accepted (受理), the corrections asked of the applicant (补正, when the clock stops), and the
decision (办结), which records the stage. An approval past its stage's local limit, or a
project whose approvals together pass the reform's 100 working days, is raised to its
department, and past twice the limit to the leadership; the decision resolves it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from acupoint.accounts import scoping
from acupoint.accounts.audit import record, snapshot
from acupoint.accounts.roles import Role
from acupoint.engine.process import (
    APPROVAL_STAGES,
    NAMES,
    ORDER,
    Event,
    StageWarning,
    first_days,
    next_stage,
    overdue,
)
from acupoint.engine.process import stage_warnings as history_warnings
from acupoint.notices import sending
from acupoint.notices.models import Kind
from acupoint.projects import ledger, selectors
from acupoint.projects.models import (
    Approval,
    ApprovalPause,
    Department,
    Escalation,
    Project,
    StageEvent,
    StageRule,
)
from acupoint.projects.wording import warning_text
from acupoint.registry.importing.problems import Problem, describe
from acupoint.registry.importing.reading import UnreadableFile, open_sheets
from acupoint.registry.importing.sheets import SheetProblem

logger = logging.getLogger(__name__)

PROJECT_FIELDS = ["name", "investor", "enterprise", "industry_code", "planned_investment",
                  "district", "cluster", "land_parcel", "land_area_mu", "lead_department",
                  "officer", "methods", "notes"]


def may_manage(user, district_id: int | None) -> bool:
    """The bureau manages every project, a district officer those of their district."""
    if scoping.is_bureau(user):
        return True
    return (scoping.role_of(user) == Role.DISTRICT_OFFICER and district_id is not None
            and user.district_id == district_id)


def may_record(user, project: Project, stage: str) -> bool:
    """Who manages the project, or a member of the department that handles the stage."""
    if may_manage(user, project.district_id):
        return True
    rule = selectors.rules().get(stage)
    return bool(rule and rule.department_id and getattr(user, "is_authenticated", False)
                and rule.department.members.filter(pk=user.pk).exists()
                and selectors.projects(user).filter(pk=project.pk).exists())


def _require_manage(user, district_id: int | None) -> None:
    if user is not None and not may_manage(user, district_id):
        raise PermissionDenied(_("Only the bureau and the project's district may change it."))


@transaction.atomic
def do_create_project(actor, *, first_contact: dt.date | None = None, **values) -> Project:
    """A new project, and its first contact when the day is known."""
    project = Project(**values)
    _require_manage(actor, project.district_id)
    project.full_clean()
    project.save()
    record(actor, "projects.create", project, after=snapshot(project, PROJECT_FIELDS))
    if first_contact is not None:
        do_record_stage(actor, project, stage="contact", day=first_contact)
    return project


@transaction.atomic
def do_update_project(actor, project: Project, **changes) -> Project:
    before = snapshot(project, PROJECT_FIELDS)
    _require_manage(actor, project.district_id)
    for name, value in changes.items():
        setattr(project, name, value)
    _require_manage(actor, project.district_id)
    project.full_clean()
    project.save()
    record(actor, "projects.update", project, before=before,
           after=snapshot(project, PROJECT_FIELDS))
    return project


@transaction.atomic
def do_close_project(actor, project: Project, *, day: dt.date, reason: str,
                     today: dt.date | None = None) -> Project:
    """Close a lead the investor gave up, or a stopped project: it keeps its history and its
    place in the funnel, and its open escalations are resolved."""
    _require_manage(actor, project.district_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"close_reason": _("Say why the project is closed.")})
    if day > (today or timezone.localdate()):
        raise ValidationError({"closed_on": _("A project is closed on a day that has come.")})
    before = snapshot(project, ["status", "closed_on", "close_reason"])
    project.status, project.closed_on, project.close_reason = (
        Project.Status.DROPPED, day, reason[:500])
    project.waiting_on = None
    project.save(update_fields=["status", "closed_on", "close_reason", "waiting_on"])
    project.escalations.filter(resolved_on__isnull=True).update(resolved_on=day)
    record(actor, "projects.close", project, before=before,
           after=snapshot(project, ["status", "closed_on", "close_reason"]))
    return project


@transaction.atomic
def do_reopen_project(actor, project: Project) -> Project:
    _require_manage(actor, project.district_id)
    before = snapshot(project, ["status", "closed_on", "close_reason"])
    project.status, project.closed_on, project.close_reason = Project.Status.ACTIVE, None, ""
    project.save(update_fields=["status", "closed_on", "close_reason"])
    _refresh(project, selectors.history(project), selectors.rules())
    record(actor, "projects.reopen", project, before=before,
           after=snapshot(project, ["status", "closed_on", "close_reason"]))
    return project


@dataclass
class Recorded:
    """A recorded stage, the warnings it raised, and the escalations it resolved or raised."""

    event: StageEvent
    warnings: list[StageWarning] = field(default_factory=list)
    resolved: int = 0
    raised: list[Escalation] = field(default_factory=list)


@transaction.atomic
def do_record_stage(actor, project: Project, *, stage: str, day: dt.date,
                    department: Department | None = None, returned: bool = False,
                    documents: str = "", notes: str = "",
                    today: dt.date | None = None) -> Recorded:
    today = today or timezone.localdate()
    if stage not in ORDER:
        raise ValidationError({"stage": _("Unknown stage %(stage)s.") % {"stage": stage}})
    if actor is not None and not may_record(actor, project, stage):
        raise PermissionDenied(_("You may not record this stage of this project."))
    if project.status != Project.Status.ACTIVE:
        raise ValidationError(_("The project was closed on %(day)s; reopen it first.") % {
            "day": project.closed_on.isoformat() if project.closed_on else "—"})
    if day > today:
        raise ValidationError({"day": _(
            "%(day)s is in the future: record a stage on the day it happened.") % {
            "day": day.isoformat()}})
    rules = selectors.rules()
    if department is None and stage in rules:
        department = rules[stage].department
    history = selectors.history(project)
    before = history_warnings(history)
    event = StageEvent(project=project, stage=stage, day=day, department=department,
                       returned=returned, documents=documents.strip(), notes=notes.strip(),
                       recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
    event.full_clean(exclude=["project"])
    event.save()
    history.append(Event(stage, day, department.name if department else "", returned))
    outcome = Recorded(event, [warning for warning in history_warnings(history)
                               if warning not in before])
    _refresh(project, history, rules)
    if not returned:
        outcome.resolved = Escalation.objects.filter(
            project=project, resolved_on__isnull=True,
            stage__in=[code for code in ORDER if ORDER[code] <= ORDER[stage]],
        ).update(resolved_on=day)
    outcome.raised = _escalate(actor, project, rules, today)
    record(actor, "projects.record_stage", event, after={
        "project": project.pk, "stage": stage, "day": day.isoformat(), "returned": returned,
        "department": department.name if department else "",
        "warnings": [warning.message for warning in outcome.warnings]})
    return outcome


STATE_FIELDS = ["stage", "stage_day", "waiting_on"]


def set_state(project: Project, history: list[Event], rules: dict[str, StageRule]) -> None:
    """Set (not save) the project's furthest stage, its day and the department it now waits
    for, from its history."""
    days = first_days(history)
    project.stage = max(days, key=lambda code: ORDER[code]) if days else ""
    project.stage_day = days.get(project.stage)
    waiting_for = next_stage(project.stage) if project.stage else None
    rule = rules.get(waiting_for) if waiting_for else None
    active = project.status == Project.Status.ACTIVE
    project.waiting_on = rule.department if rule and active else None


def _refresh(project: Project, history: list[Event], rules: dict[str, StageRule]) -> None:
    set_state(project, history, rules)
    project.save(update_fields=STATE_FIELDS)


def _escalate(actor, project: Project, rules: dict[str, StageRule], today: dt.date,
              project_approvals: list | None = None) -> list[Escalation]:
    """Raise the project's approval under way, if past its limit, to its department, and past
    twice the limit to the bureau's leadership, once per stage and level while it stays open."""
    if project_approvals is None:
        project_approvals = selectors.approvals(Project.objects.filter(pk=project.pk)).get(
            project.pk, [])
    late = overdue(project_approvals, today, selectors.limits(rules))
    if late is None:
        return []
    levels = [Escalation.Level.DEPARTMENT]
    if late.working_days > 2 * late.limit:
        levels.append(Escalation.Level.LEADERSHIP)
    open_levels = set(Escalation.objects.filter(
        project=project, stage=late.stage, resolved_on__isnull=True).values_list("level",
                                                                                  flat=True))
    rule = rules.get(late.stage)
    raised = []
    for level in levels:
        if level in open_levels:
            continue
        escalation = Escalation.objects.create(
            project=project, stage=late.stage, department=rule.department if rule else None,
            level=level, raised_on=today, waited=late.working_days, limit=late.limit,
            basis=late.basis)
        record(actor, "projects.escalate", escalation, after={
            "project": project.pk, "stage": late.stage, "level": int(level),
            "waited": late.working_days, "limit": late.limit, "basis": late.basis})
        _notify_escalation(escalation)
        raised.append(escalation)
    return raised


def _notify_escalation(escalation: Escalation) -> None:
    """The department that holds the stage, the project's officer and district hear of it;
    the bureau too once it reaches the leadership."""
    project = escalation.project
    department = escalation.department or project.waiting_on
    readers = set(sending.district_officers([project.district_id]).values_list("pk",
                                                                                flat=True))
    if department is not None:
        readers |= set(department.members.filter(is_active=True).values_list("pk", flat=True))
    if project.officer_id:
        readers.add(project.officer_id)
    if escalation.level == Escalation.Level.LEADERSHIP:
        readers |= set(sending.bureau_users().values_list("pk", flat=True))
    sending.send(readers, sending.Message(
        Kind.ESCALATION, reverse("projects:project", args=[project.pk]), {
            "project": project.name, "stage": escalation.stage,
            "waited": escalation.waited, "limit": escalation.limit},
        key=f"escalation:{escalation.pk}"))


@transaction.atomic
def do_escalate_overdue(actor, today: dt.date | None = None,
                        projects: Iterable[Project] | None = None) -> list[Escalation]:
    """The daily check: every active project whose approval under way is past its limit is
    raised."""
    scoping.require_bureau(actor, _("Only the bureau runs the overdue check."))
    today = today or timezone.localdate()
    queryset = (Project.objects if projects is None else projects).filter(
        status=Project.Status.ACTIVE)
    rules = selectors.rules()
    under_way = selectors.approvals(queryset)
    raised: list[Escalation] = []
    for project in queryset.filter(pk__in=list(under_way)):
        raised += _escalate(actor, project, rules, today, under_way[project.pk])
    logger.info("overdue check of %s: %s stages escalated", today, len(raised))
    return raised


def _approval_stage(stage: str) -> None:
    if stage not in APPROVAL_STAGES:
        raise ValidationError({"stage": _("%(stage)s is not one of the four approval stages.")
                               % {"stage": NAMES.get(stage, stage)}})


def _on_a_day_that_came(day: dt.date, today: dt.date) -> None:
    if day > today:
        raise ValidationError({"day": _(
            "%(day)s is in the future: record a stage on the day it happened.") % {
            "day": day.isoformat()}})


@transaction.atomic
def do_accept_application(actor, project: Project, *, stage: str, day: dt.date,
                          department: Department | None = None,
                          today: dt.date | None = None) -> Approval:
    """受理: the department accepted the complete application for an approval stage; the
    government's clock starts."""
    today = today or timezone.localdate()
    _approval_stage(stage)
    if actor is not None and not may_record(actor, project, stage):
        raise PermissionDenied(_("You may not record this stage of this project."))
    if project.status != Project.Status.ACTIVE:
        raise ValidationError(_("The project was closed on %(day)s; reopen it first.") % {
            "day": project.closed_on.isoformat() if project.closed_on else "—"})
    _on_a_day_that_came(day, today)
    rules = selectors.rules()
    if department is None and stage in rules:
        department = rules[stage].department
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                project=project, stage=stage, department=department, accepted_on=day,
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
    except IntegrityError:
        raise ValidationError(_("An application for %(stage)s is already under review.") % {
            "stage": NAMES[stage]}) from None
    record(actor, "projects.accept", approval, after={
        "project": project.pk, "stage": stage, "day": day.isoformat()})
    _escalate(actor, project, rules, today)
    return approval


def _open(approval: Approval) -> Approval:
    approval = Approval.objects.select_for_update().select_related("project").get(
        pk=approval.pk)
    if approval.decided_on is not None:
        raise ValidationError(_("This approval was decided on %(day)s.") % {
            "day": approval.decided_on.isoformat()})
    return approval


@transaction.atomic
def do_request_correction(actor, approval: Approval, *, day: dt.date, reason: str = "",
                          today: dt.date | None = None) -> ApprovalPause:
    """补正: the department asks the applicant to complete its file; the clock stops."""
    approval = _open(approval)
    if actor is not None and not may_record(actor, approval.project, approval.stage):
        raise PermissionDenied(_("You may not record this stage of this project."))
    _on_a_day_that_came(day, today or timezone.localdate())
    if day < approval.accepted_on:
        raise ValidationError({"day": _("A correction is asked after the application was "
                                        "accepted (%(day)s).") % {
            "day": approval.accepted_on.isoformat()}})
    if approval.pauses.filter(end__isnull=True).exists():
        raise ValidationError(_("A correction is already awaited from the applicant."))
    pause = ApprovalPause.objects.create(approval=approval, start=day, reason=reason.strip())
    record(actor, "projects.correction", pause, after={
        "approval": approval.pk, "start": day.isoformat(), "reason": pause.reason})
    return pause


@transaction.atomic
def do_complete_correction(actor, approval: Approval, *, day: dt.date,
                           today: dt.date | None = None) -> ApprovalPause:
    """The applicant completed its file: the clock runs again."""
    approval = _open(approval)
    if actor is not None and not may_record(actor, approval.project, approval.stage):
        raise PermissionDenied(_("You may not record this stage of this project."))
    _on_a_day_that_came(day, today or timezone.localdate())
    pause = approval.pauses.filter(end__isnull=True).first()
    if pause is None:
        raise ValidationError(_("No correction is awaited from the applicant."))
    if day < pause.start:
        raise ValidationError({"day": _("The file is completed after the correction was "
                                        "asked (%(day)s).") % {"day": pause.start.isoformat()}})
    pause.end = day
    pause.save(update_fields=["end"])
    record(actor, "projects.corrected", pause, after={"approval": approval.pk,
                                                      "end": day.isoformat()})
    return pause


@transaction.atomic
def do_decide_approval(actor, approval: Approval, *, day: dt.date, documents: str = "",
                       notes: str = "", today: dt.date | None = None) -> Recorded:
    """办结: the decision, which records the stage (and closes a correction still open)."""
    approval = _open(approval)
    if actor is not None and not may_record(actor, approval.project, approval.stage):
        raise PermissionDenied(_("You may not record this stage of this project."))
    if day < approval.accepted_on:
        raise ValidationError({"day": _("A decision comes after the application was accepted "
                                        "(%(day)s).") % {"day": approval.accepted_on.isoformat()}})
    approval.pauses.filter(end__isnull=True).update(end=day)
    approval.decided_on = day
    approval.save(update_fields=["decided_on"])
    record(actor, "projects.decide", approval, after={"decided_on": day.isoformat()})
    return do_record_stage(actor, approval.project, stage=approval.stage, day=day,
                           department=approval.department, documents=documents, notes=notes,
                           today=today)


@transaction.atomic
def do_set_rule(actor, stage: str, *, department: Department | None,
                limit_days: int | None) -> StageRule:
    """Who handles a stage and its limit; projects waiting for the stage follow at once."""
    scoping.require_bureau(actor, _("Only the bureau sets stage rules."))
    if stage not in ORDER:
        raise ValidationError({"stage": _("Unknown stage %(stage)s.") % {"stage": stage}})
    if limit_days is not None and stage not in APPROVAL_STAGES:
        raise ValidationError({"limit_days": _(
            "Only the four approval stages run on the government's clock; %(stage)s has no "
            "time limit.") % {"stage": NAMES[stage]}})
    rule, _created = StageRule.objects.get_or_create(stage=stage)
    before = snapshot(rule)
    rule.department, rule.limit_days = department, limit_days
    rule.full_clean()
    rule.save()
    waiting = [code for code in ORDER if next_stage(code) == stage]
    Project.objects.filter(stage__in=waiting).update(waiting_on=department)
    record(actor, "projects.set_rule", rule, before=before, after=snapshot(rule))
    return rule


@dataclass
class Imported:
    """What a ledger import did, or every problem that kept it from doing anything."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    events_added: int = 0
    events_skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)


LEDGER_FIELDS = ["name", "investor", "industry_code", "planned_investment", "district_id",
                 "cluster_id", "land_parcel", "land_area_mu", "lead_department_id", "methods"]


def do_import_ledger(actor, path: Path, original_name: str | None = None,
                     today: dt.date | None = None) -> Imported:
    """A project ledger from Excel or CSV (`acupoint.projects.ledger`): all of it lands, or
    none of it and every problem is listed."""
    if actor is not None and not (scoping.is_bureau(actor) or scoping.role_of(actor)
                                  == Role.DISTRICT_OFFICER):
        raise PermissionDenied(_("Only the bureau and the districts import project ledgers."))
    today = today or timezone.localdate()
    try:
        sheets = open_sheets(path, original_name)
    except UnreadableFile as error:
        return Imported(problems=[SheetProblem("", None, "", describe(
            Problem(None, "", error.code, error.params)))])
    visible = {project.pk: project for project in
               (Project.objects.all() if actor is None else selectors.projects(actor))}
    read = ledger.read(sheets, lambda district_id: actor is None
                       or may_manage(actor, district_id), visible, today)
    if read.problems:
        return Imported(problems=read.problems)
    with transaction.atomic():
        return _write_ledger(actor, read, visible, today)


def _write_ledger(actor, read: ledger.Ledger, visible: dict[int, Project],
                  today: dt.date) -> Imported:
    outcome = Imported()
    rules = selectors.rules()
    touched: dict[int, Project] = {}
    by_name: dict[str, Project] = {}
    contacts: list[tuple[Project, dt.date]] = []
    officer = actor if getattr(actor, "is_authenticated", False) else None
    for row in read.projects:
        if row.project is None:
            project = Project(**row.values, officer=officer)
            project.save()
            record(actor, "projects.import.create", project,
                   after=snapshot(project, PROJECT_FIELDS))
            by_name[project.name] = project
            outcome.created += 1
        else:
            project = row.project
            before = snapshot(project, PROJECT_FIELDS)
            changed = [name for name in LEDGER_FIELDS
                       if getattr(project, name) != row.values[name]]
            for name in changed:
                setattr(project, name, row.values[name])
            if changed:
                project.save(update_fields=changed)
                record(actor, "projects.import.update", project, before=before,
                       after=snapshot(project, PROJECT_FIELDS))
                outcome.updated += 1
            else:
                outcome.unchanged += 1
        touched[project.pk] = project
        if row.first_contact is not None:
            contacts.append((project, row.first_contact))
    known = set(StageEvent.objects.filter(project__in=list(touched) + [
        event.project_key for event in read.events if isinstance(event.project_key, int)])
        .values_list("project_id", "stage", "day", "returned"))
    events = []
    for event in read.events:
        project = (visible[event.project_key] if isinstance(event.project_key, int)
                   else by_name[event.project_key])
        key = (project.pk, event.stage, event.day, event.returned)
        if key in known:
            outcome.events_skipped += 1
            continue
        known.add(key)
        rule = rules.get(event.stage)
        events.append(StageEvent(project=project, stage=event.stage, day=event.day,
                                 department=event.department or (rule.department if rule
                                                                 else None),
                                 returned=event.returned, documents=event.documents,
                                 notes=event.notes, recorded_by=officer))
        touched[project.pk] = project
    reached = {(project_id, stage) for project_id, stage, _day, returned in known
               if not returned}
    for project, day in contacts:
        if (project.pk, "contact") not in reached:
            rule = rules.get("contact")
            events.append(StageEvent(project=project, stage="contact", day=day,
                                     department=rule.department if rule else None,
                                     recorded_by=officer))
    StageEvent.objects.bulk_create(events, batch_size=2_000)
    outcome.events_added = len(events)
    histories = selectors.histories(Project.objects.filter(pk__in=list(touched)))
    under_way = selectors.approvals(Project.objects.filter(pk__in=list(touched)))
    for project in touched.values():
        history = histories.get(project.pk, [])
        _refresh(project, history, rules)
        if project.status == Project.Status.ACTIVE:
            _escalate(actor, project, rules, today, under_way.get(project.pk, []))
        outcome.warnings += [f"{project.name}：{warning_text(warning)}"
                             for warning in history_warnings(history)]
    record(actor, "projects.import", object_type="projects.Project", after={
        "created": outcome.created, "updated": outcome.updated,
        "unchanged": outcome.unchanged, "events_added": outcome.events_added,
        "events_skipped": outcome.events_skipped})
    return outcome
