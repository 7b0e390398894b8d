"""State changes of the cluster race; each leaves an audit entry.

An assessment is computed as a draft (14 clusters take well under a second) and may be
recomputed until it is published; publishing writes the yellow cards, exits and promotions
into the clusters' status history, and nothing changes it afterwards.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from acupoint.accounts import scoping
from acupoint.accounts.audit import record, snapshot
from acupoint.accounts.roles import Role
from acupoint.clusters import assessing, management, membership, standings
from acupoint.clusters.models import (
    EXPERT_RANGE,
    PILLARS,
    Assessment,
    AssessmentResult,
    ExpertScore,
    Meeting,
    PeriodFigures,
    Standing,
    StatusChange,
    Task,
    TaskUpdate,
    TransformationCase,
    period_label,
)
from acupoint.engine.spec import SpecError, parse_spec
from acupoint.notices import sending
from acupoint.notices.models import Kind
from acupoint.registry.models import Cluster, Enterprise
from acupoint.site.engine_messages import translated

logger = logging.getLogger(__name__)


# The reward fund an assessment form starts from: not a published figure (待定参数); the bureau
# types its own budget.
DEFAULT_FUND = Decimal("5000")


def default_framework() -> str:
    return assessing.RACE_SPEC.read_text(encoding="utf-8")


def parse_framework(text: str):
    """The framework the bureau edited, or every problem with its line and key."""
    try:
        return parse_spec(text, source=_("framework"))
    except SpecError as error:
        raise ValidationError([translated(str(problem)) for problem in error.problems]) \
            from None


def do_set_standing(acting_user, cluster: Cluster, standing: str, reason: str,
                    period: str = "") -> StatusChange:
    """Admit a candidate, or place a cluster in the race by decision of the joint meeting."""
    scoping.require_bureau(acting_user, _("Only the bureau may change a cluster's standing."))
    with transaction.atomic():
        change = StatusChange.objects.create(cluster=cluster, standing=standing, reason=reason,
                                             period=period, created_by=acting_user)
        record(acting_user, "clusters.standing", cluster, after={"standing": standing,
                                                                 "reason": reason})
    return change


def do_assess(acting_user, *, year: int, quarter: int | None = None,
              fund: Decimal, framework: str | None = None) -> Assessment:
    """Compute (or recompute) the draft assessment of a period."""
    scoping.require_bureau(acting_user, _("Only the bureau may run an assessment."))
    period = period_label(year, quarter)
    text = framework or default_framework()
    race = parse_framework(text)
    if fund < 0:
        raise ValidationError(_("The reward fund cannot be negative."))
    now = standings.current()
    assessed = {code for code, value in now.items() if value != Standing.EXITED}
    racing = {code for code, value in now.items() if value in management.RACING}
    computed = assessing.compute(year, period, race, fund, racing, assessed)
    failures = standings.failures_before(period)
    decisions = management.decide(
        [management.Entry(item.cluster, now[item.cluster], failures.get(item.cluster, 0),
                          item.score, item.binding_met,
                          tuple(line["name"] for line in item.binding if not line["met"]))
         for item in computed.outcomes],
        int(race.values.get("yellow_bottom", 0)), int(race.values.get("exit_after", 1)))
    clusters = {cluster.code: cluster for cluster in Cluster.objects.all()}
    with transaction.atomic():
        existing = Assessment.objects.select_for_update().filter(period=period).first()
        if existing and existing.status == Assessment.Status.PUBLISHED:
            raise ValidationError(_("The assessment of %(period)s is published and cannot be "
                                    "recomputed.") % {"period": period})
        assessment = existing or Assessment(period=period, year=year, quarter=quarter)
        assessment.spec_text, assessment.spec_data = text, race.model_dump(by_alias=True)
        assessment.fund, assessment.created_by = fund, acting_user
        assessment.meta = {
            "standings": now, "missing_expert": computed.missing_expert,
            "missing_reports": computed.missing_reports,
            "without_members": computed.without_members,
            "min_availability": race.aggregate.min_availability,
        }
        assessment.save()
        assessment.results.all().delete()
        AssessmentResult.objects.bulk_create([AssessmentResult(
            assessment=assessment, cluster=clusters[item.cluster], members=item.members,
            figures=item.figures, binding=item.binding, binding_met=item.binding_met,
            pillars=item.pillars, indicators=item.indicators, score=item.score,
            rank=item.rank, grade=item.grade, availability=item.availability,
            reward=item.reward, reward_basis=item.reward_basis,
            standing_before=now[item.cluster], standing=decision.standing,
            failures=decision.failures, reason=decision.reason,
        ) for item in computed.outcomes
            for decision in [decisions.get(item.cluster)
                             or management.Decision(now[item.cluster], 0, "")]])
        record(acting_user, "clusters.assess", assessment,
               after={"period": period, "fund": str(fund)})
    logger.info("assessment of %s computed: %s clusters, %s without a report", period,
                len(computed.outcomes), len(computed.missing_reports))
    return assessment


def do_publish_assessment(acting_user, assessment: Assessment) -> Assessment:
    """Publish a draft: yellow cards, exits and promotions enter the status history."""
    scoping.require_bureau(acting_user, _("Only the bureau may publish an assessment."))
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.status != Assessment.Status.DRAFT:
            raise ValidationError(_("Only a draft can be published."))
        later = Assessment.objects.filter(status=Assessment.Status.PUBLISHED,
                                          period__gt=assessment.period).first()
        if later:
            raise ValidationError(_("%(later)s is already published: periods are published "
                                    "in order.") % {"later": later.period})
        if standings.current() != assessment.meta.get("standings"):
            raise ValidationError(_("Cluster standings changed since this draft was computed;"
                                    " compute it again before publishing."))
        changes = []
        for result in assessment.results.select_related("cluster"):
            if result.standing != result.standing_before or result.standing == Standing.YELLOW:
                changes.append(StatusChange(cluster=result.cluster, standing=result.standing,
                                            period=assessment.period, reason=result.reason,
                                            assessment=assessment, created_by=acting_user))
        StatusChange.objects.bulk_create(changes)
        assessment.status = Assessment.Status.PUBLISHED
        assessment.published_at = timezone.now()
        assessment.save(update_fields=["status", "published_at"])
        record(acting_user, "clusters.publish", assessment,
               after={"period": assessment.period, "changes": len(changes)})
    return assessment


@dataclass(frozen=True)
class ScoreRow:
    cluster: str
    pillar: str
    value: object
    where: str  # the row and column the value came from, for the error list


def do_enter_expert_scores(acting_user, period: str, rows: Iterable[ScoreRow]) -> int:
    """Save the panel's scores for a period; any value out of range, not a number, for an
    unknown cluster or pillar refuses the whole entry with every error listed."""
    scoping.require_bureau(acting_user, _("Only the bureau enters expert scores."))
    clusters = {cluster.code: cluster for cluster in Cluster.objects.all()}
    pillars = dict(PILLARS)
    low, high = EXPERT_RANGE
    errors, clean = [], []
    for row in rows:
        if row.cluster not in clusters:
            errors.append(_("%(where)s: unknown cluster %(code)s")
                          % {"where": row.where, "code": row.cluster})
            continue
        if row.pillar not in pillars:
            errors.append(_("%(where)s: unknown pillar %(pillar)s")
                          % {"where": row.where, "pillar": row.pillar})
            continue
        if row.value in (None, ""):
            continue
        try:
            value = float(row.value)
        except (TypeError, ValueError):
            errors.append(_("%(where)s: %(value)s is not a number")
                          % {"where": row.where, "value": row.value})
            continue
        if not low <= value <= high:
            errors.append(_("%(where)s: %(value)s is outside %(low)g–%(high)g")
                          % {"where": row.where, "value": row.value, "low": low, "high": high})
            continue
        clean.append((clusters[row.cluster], row.pillar, value))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for cluster, pillar, value in clean:
            ExpertScore.objects.update_or_create(
                cluster=cluster, period=period, pillar=pillar,
                defaults={"score": value, "entered_by": acting_user})
        record(acting_user, "clusters.expert_scores", None, object_type="clusters.ExpertScore",
               object_id=period, after={"scores": len(clean)})
    return len(clean)


def may_report(user, cluster: Cluster) -> bool:
    role = scoping.role_of(user)
    return scoping.is_bureau(user) or (role == Role.CLUSTER_MANAGER
                                       and user.cluster_id == cluster.pk)


def do_report_figures(acting_user, cluster: Cluster, period: str,
                      figures: dict) -> PeriodFigures:
    """The cluster's own report for a period (patents, platforms, investment)."""
    if acting_user is not None and not may_report(acting_user, cluster):
        raise PermissionDenied(_("Only the bureau or this cluster's manager may report."))
    with transaction.atomic():
        report, _created = PeriodFigures.objects.get_or_create(cluster=cluster, period=period)
        before = snapshot(report)
        for name, value in figures.items():
            setattr(report, name, value)
        report.entered_by = acting_user
        report.full_clean()
        report.save()
        record(acting_user, "clusters.report", report, before=before, after=snapshot(report))
    return report


@dataclass(frozen=True)
class Decided:
    decision: str
    deadline: datetime.date
    cluster: Cluster | None = None
    department: str = ""
    district_id: int | None = None


def do_record_meeting(acting_user, *, held_on: datetime.date, title: str, minutes: str,
                      decisions: list[Decided]) -> Meeting:
    """A joint meeting and the tasks its decisions assign."""
    scoping.require_bureau(acting_user, _("Only the bureau records joint meetings."))
    for decided in decisions:
        if not (decided.cluster or decided.department or decided.district_id):
            raise ValidationError(_("Task “%(task)s” has no owner: name a department, a "
                                    "district or a cluster.") % {"task": decided.decision})
    with transaction.atomic():
        meeting = Meeting.objects.create(held_on=held_on, title=title, minutes=minutes,
                                         created_by=acting_user)
        Task.objects.bulk_create([Task(meeting=meeting, decision=item.decision,
                                       cluster=item.cluster, department=item.department,
                                       district_id=item.district_id, deadline=item.deadline)
                                  for item in decisions])
        record(acting_user, "clusters.meeting", meeting, after={"tasks": len(decisions)})
    return meeting


def may_update_task(user, task: Task) -> bool:
    role = scoping.role_of(user)
    return (scoping.is_bureau(user)
            or (role == Role.CLUSTER_MANAGER and task.cluster_id is not None
                and task.cluster_id == user.cluster_id)
            or (role == Role.DISTRICT_OFFICER and task.district_id is not None
                and task.district_id == user.district_id))


def do_update_task(acting_user, task: Task, *, status: str, note: str = "") -> Task:
    if acting_user is not None and not may_update_task(acting_user, task):
        raise PermissionDenied(_("Only the task's owner or the bureau may update it."))
    if status not in Task.Status.values:
        raise ValidationError(_("Unknown status: %(status)s") % {"status": status})
    with transaction.atomic():
        before = snapshot(task, ["status", "note", "done_on"])
        task.status, task.note = status, note
        task.done_on = timezone.localdate() if status == Task.Status.DONE else None
        task.save(update_fields=["status", "note", "done_on"])
        TaskUpdate.objects.create(task=task, status=status, note=note, by=acting_user)
        record(acting_user, "clusters.task", task, before=before,
               after=snapshot(task, ["status", "note", "done_on"]))
    return task


REMIND_BEFORE = datetime.timedelta(days=3)


def do_remind_tasks(acting_user, today: datetime.date | None = None) -> int:
    """The daily reminder of tasks from the joint meetings: those due within three days and
    those overdue, to the cluster managers and district officers who own them (each once per
    deadline and state). How many notices were sent."""
    scoping.require_bureau(acting_user, _("Only the bureau sends task reminders."))
    today = today or timezone.localdate()
    url = reverse("clusters:tasks")
    messages = []
    with transaction.atomic():
        tasks = list(Task.objects.exclude(status=Task.Status.DONE).filter(
            deadline__lte=today + REMIND_BEFORE))
        managers, officers = defaultdict(set), defaultdict(set)
        for pk, cluster_id in sending.cluster_managers(
                {task.cluster_id for task in tasks}).values_list("pk", "cluster_id"):
            managers[cluster_id].add(pk)
        for pk, district_id in sending.district_officers(
                {task.district_id for task in tasks}).values_list("pk", "district_id"):
            officers[district_id].add(pk)
        for task in tasks:
            overdue = task.deadline < today
            readers = managers[task.cluster_id] | officers[task.district_id]
            message = sending.Message(Kind.TASK_DUE, url, {
                "task": task.decision, "deadline": task.deadline.isoformat(),
                "overdue": overdue}, key=f"task:{task.pk}:{task.deadline}:{overdue:d}")
            messages += [(reader, message) for reader in readers]
        sent = sending.send_each(messages)
        record(acting_user, "clusters.remind_tasks", None, object_type="clusters.Task",
               after={"day": today.isoformat(), "notices": sent})
    return sent


def do_update_case(acting_user, case: TransformationCase, *, status: str, progress: int,
                   note: str = "") -> TransformationCase:
    """Progress of a capacity transfer or a chemical relocation (bureau or its district)."""
    role = scoping.role_of(acting_user) if acting_user is not None else None
    if acting_user is not None and not (
            scoping.is_bureau(acting_user) or (role == Role.DISTRICT_OFFICER and
                                               case.enterprise.district_id
                                               == acting_user.district_id)):
        raise PermissionDenied(_("Only the bureau or the firm's district may update it."))
    with transaction.atomic():
        before = snapshot(case, ["status", "progress", "note"])
        case.status, case.progress, case.note = status, progress, note
        case.full_clean()
        case.save()
        record(acting_user, "clusters.case", case, before=before,
               after=snapshot(case, ["status", "progress", "note"]))
    return case


def current_membership() -> membership.Membership:
    """Members as the boundaries and the explicit assignments give them now, with what does
    not add up (overlaps, firms in two boundaries or in none, sites missing)."""
    clusters = {cluster.code: cluster for cluster in Cluster.objects.exclude(boundary=None)}
    explicit, sites = {}, []
    for code, lon, lat, assigned, cluster in Enterprise.objects.values_list(
            "credit_code", "lon", "lat", "cluster_assigned", "cluster__code").iterator(
            chunk_size=5000):
        sites.append(membership.Site(code, lon, lat))
        if assigned and cluster:
            explicit[code] = cluster
    return membership.assign({code: cluster.boundary for code, cluster in clusters.items()},
                             sites, explicit)


def do_apply_membership(acting_user) -> membership.Membership:
    """Members by boundary for every firm the bureau has not assigned explicitly."""
    scoping.require_bureau(acting_user, _("Only the bureau may recompute cluster membership."))
    result = current_membership()
    by_cluster: dict[str | None, list[str]] = {}
    for key in [*result.cluster_of, *result.ambiguous, *result.outside, *result.without_site]:
        if key not in result.explicit:
            by_cluster.setdefault(result.cluster_of.get(key), []).append(key)
    every = {cluster.code: cluster for cluster in Cluster.objects.all()}
    with transaction.atomic():
        for code, keys in by_cluster.items():
            for start in range(0, len(keys), 5000):
                Enterprise.objects.filter(credit_code__in=keys[start:start + 5000]).update(
                    cluster=every.get(code) if code else None)
        record(acting_user, "clusters.membership", None, object_type="registry.Enterprise",
               after={"explicit": len(result.explicit), "by_boundary": len(result.cluster_of)
                      - len(result.explicit), "outside": len(result.outside),
                      "ambiguous": len(result.ambiguous),
                      "overlaps": [[item.first, item.second] for item in result.overlaps]})
    return result
