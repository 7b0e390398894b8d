"""What is waiting for a role, capability by capability: each to-do is a count and the page
where the work is done. The bureau's queue, and a district's or a cluster's to-dos."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from acupoint.accounts import scoping
from acupoint.accounts.roles import Role

DUE_SOON = dt.timedelta(days=14)
EXPIRING_SOON = dt.timedelta(days=90)


@dataclass
class Todo:
    key: str  # stable, for tests and page anchors
    label: str
    count: int
    url: str
    group: str  # the transformation it serves
    urgent: bool = False


POLICY, CLUSTERS, CULTIVATION, RESOURCES = (_("Policy"), _("Clusters"),
                                           _("Cultivation and brands"),
                                           _("Resources and projects"))


def bureau_queue(user, today: dt.date) -> list[Todo]:
    """Everything waiting for the bureau, across capabilities, in the order of the four
    transformations; empty items stay listed (a count of 0 is news too)."""
    from acupoint.brands.models import Entry
    from acupoint.cocreation.models import Comment, Demand, Draft
    from acupoint.cultivation.models import Application as Recognition
    from acupoint.cultivation.models import ApplicationStatus, Title
    from acupoint.policies.models import Application
    from acupoint.projects.models import Escalation
    from acupoint.triage.models import Appeal

    visible = scoping.visible
    applications = visible(user, Application)
    return [
        Todo("demands", _("Demands to review"), visible(user, Demand).filter(
            status=Demand.Status.RECEIVED).count(), reverse("cocreation:hub"), POLICY),
        Todo("drafts", _("Drafts being written"), visible(user, Draft).filter(
            status=Draft.Status.DRAFTING).count(), reverse("cocreation:hub"), POLICY),
        Todo("comments", _("Comments to answer"), visible(user, Comment).filter(
            decision="").count(), reverse("cocreation:hub"), POLICY),
        Todo("applications", _("Policy applications to decide"), applications.filter(
            status__in=[Application.Status.SUBMITTED,
                        Application.Status.PENDING_VERIFICATION]).count(),
             reverse("policies:applications") + "?status=submitted", POLICY, urgent=True),
        Todo("payments", _("Approved applications to pay"), applications.filter(
            status=Application.Status.APPROVED).count(),
             reverse("policies:applications") + "?status=approved", POLICY),
        Todo("appeals", _("Appeals against an evaluation"), visible(user, Appeal).filter(
            status=Appeal.Status.OPEN).count(), reverse("triage:appeals"), RESOURCES,
             urgent=True),
        Todo("escalations", _("Overdue project approvals"), visible(user, Escalation).filter(
            resolved_on__isnull=True).count(), reverse("projects:board"), RESOURCES,
             urgent=True),
        Todo("recognitions", _("Ladder applications to score or forward"),
             visible(user, Recognition).filter(status__in=[
                 ApplicationStatus.RECOMMENDED, ApplicationStatus.SCORED]).count(),
             reverse("cultivation:applications"), CULTIVATION),
        Todo("brand_entries", _("Brand entries to review"), visible(user, Entry).filter(
            status=Entry.Status.RECOMMENDED).count(), reverse("brands:hub"), CULTIVATION),
        Todo("expiring", _("Titles expiring within 90 days"), visible(user, Title).filter(
            expires__gte=today, expires__lte=today + EXPIRING_SOON).count(),
             reverse("cultivation:pools"), CULTIVATION),
    ]


def previous_quarter(today: dt.date) -> str:
    """The quarter a cluster reports on now: the last one that has ended."""
    from acupoint.clusters.models import period_label

    quarter = (today.month - 1) // 3
    return period_label(today.year, quarter) if quarter else period_label(today.year - 1, 4)


def unit_todos(user, today: dt.date) -> list[Todo]:
    """A district officer's or a cluster manager's to-dos, within their unit."""
    from acupoint.brands.models import Entry
    from acupoint.clusters.models import Task
    from acupoint.cultivation.models import Application as Recognition
    from acupoint.cultivation.models import ApplicationStatus
    from acupoint.projects.models import Escalation
    from acupoint.triage.models import Appeal

    visible = scoping.visible
    period = previous_quarter(today)
    unreported = list(scoping.clusters_with_inputs(user).exclude(reports__period=period)
                      .values_list("code", flat=True))
    tasks = visible(user, Task).exclude(status=Task.Status.DONE)
    overdue_tasks = tasks.filter(deadline__lt=today).count()
    items = [
        Todo("tasks_due", _("Tasks due within two weeks"), tasks.filter(
            deadline__gte=today, deadline__lte=today + DUE_SOON).count(),
             reverse("clusters:tasks"), CLUSTERS),
        Todo("tasks_overdue", _("Overdue tasks"), overdue_tasks, reverse("clusters:tasks"),
             CLUSTERS, urgent=True),
        Todo("escalations", _("Overdue project approvals"), visible(user, Escalation).filter(
            resolved_on__isnull=True).count(), reverse("projects:board"), RESOURCES,
             urgent=True),
        Todo("reports", _("Cluster figures for %(period)s to report") % {"period": period},
             len(unreported), reverse("clusters:cluster", args=unreported)
             if len(unreported) == 1 else reverse("clusters:overview"), CLUSTERS),
    ]
    if scoping.role_of(user) == Role.DISTRICT_OFFICER:
        items[:0] = [
            Todo("appeals", _("Appeals to check"), visible(user, Appeal).filter(
                status=Appeal.Status.OPEN).count(), reverse("triage:appeals"), RESOURCES,
                 urgent=True),
            Todo("recommendations", _("Ladder applications to recommend"),
                 visible(user, Recognition).filter(status=ApplicationStatus.SUBMITTED).count(),
                 reverse("cultivation:applications"), CULTIVATION),
            Todo("brand_recommendations", _("Brand entries to recommend"),
                 visible(user, Entry).filter(status=Entry.Status.SUBMITTED).count(),
                 reverse("brands:hub"), CULTIVATION),
        ]
    return items
