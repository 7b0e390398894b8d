"""The one place that decides what each role may see and change.

Every queryset a page, an export or an API endpoint shows goes through `visible(user, model)`.
A model is scoped by the path from it to the enterprise, district or cluster it belongs to;
public geography (districts, parks, clusters) is visible to everyone, enterprise data is not.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from acupoint.accounts.roles import BUREAU_ROLES, Role


class ScopePath:
    """Lookups from a model to the enterprise, district and cluster that own its rows."""

    def __init__(self, *, enterprise: str | None = None, district: str | None = None,
                 cluster: str | None = None, owner: str | None = None,
                 public: bool = False, citywide: bool = False,
                 released: dict | None = None, outside_bureau: dict | None = None,
                 open_to: Q | None = None, member: str | None = None) -> None:
        self.enterprise = enterprise
        self.district = district
        # Rows without a district cover the whole city (a city-wide evaluation run): a district
        # officer sees them too, and reaches only their own district's part through the rows
        # scoped below them.
        self.citywide = citywide
        self.cluster = cluster
        self.owner = owner  # outside the bureau, a user sees the rows they made
        self.public = public
        # What must also hold before an enterprise user sees its own row (a result only once
        # its run is published).
        self.released = released or {}
        # What must hold before anyone outside the bureau sees a row (a draft assessment
        # stays with the bureau until it is published).
        self.outside_bureau = outside_bureau or {}
        # Rows anyone sees, signed in or not (a public consultation round), and the lookup to
        # the users who take part in a row and see it too (a round's invited participants).
        self.open_to = open_to
        self.member = member


_PATHS: dict[type[Model], ScopePath] = {}


def register(model: type[Model], path: ScopePath) -> None:
    _PATHS[model] = path


def _registered() -> None:
    if _PATHS:
        return
    from acupoint.accounts.models import AuditEntry
    from acupoint.brands import models as brands
    from acupoint.clusters import models as race
    from acupoint.cocreation import models as cocreation
    from acupoint.cultivation import models as cultivation
    from acupoint.policies import models as policy
    from acupoint.projects import models as projects
    from acupoint.registry.models import (
        AnnualData,
        CalendarDay,
        Cluster,
        District,
        Enterprise,
        ImportBatch,
        Park,
    )
    from acupoint.triage.models import Appeal, EvaluationResult, EvaluationRun

    register(District, ScopePath(public=True))
    register(Park, ScopePath(public=True))
    register(Cluster, ScopePath(public=True))
    register(CalendarDay, ScopePath(public=True))
    register(Enterprise, ScopePath(enterprise="pk", district="district", cluster="cluster"))
    register(AnnualData, ScopePath(enterprise="enterprise", district="enterprise__district",
                                   cluster="enterprise__cluster"))
    register(ImportBatch, ScopePath(owner="user"))
    register(EvaluationRun, ScopePath(district="district", citywide=True))
    # A result belongs to the district it was evaluated in.
    register(EvaluationResult, ScopePath(enterprise="enterprise", district="district",
                                         cluster="enterprise__cluster",
                                         released={"run__status": "published"}))
    register(Appeal, ScopePath(enterprise="enterprise", district="enterprise__district"))
    register(AuditEntry, ScopePath())
    register(race.Assessment, ScopePath(public=True, outside_bureau={"status": "published"}))
    register(race.AssessmentResult, ScopePath(
        public=True, outside_bureau={"assessment__status": "published"}))
    register(race.StatusChange, ScopePath(public=True))
    register(race.Meeting, ScopePath(public=True))
    register(race.RelocationSite, ScopePath(public=True))
    register(race.PeriodFigures, ScopePath(cluster="cluster", district="cluster__district"))
    register(race.ExpertScore, ScopePath())
    register(race.Task, ScopePath(cluster="cluster", district="district"))
    register(race.TaskUpdate, ScopePath(cluster="task__cluster", district="task__district"))
    register(race.TransformationCase, ScopePath(enterprise="enterprise",
                                                district="enterprise__district",
                                                cluster="enterprise__cluster"))
    published = {"status": policy.PolicyDocument.Status.PUBLISHED}
    register(policy.PolicyDocument, ScopePath(public=True, outside_bureau=published))
    register(policy.PolicyClause, ScopePath(
        public=True, outside_bureau={"document__status": published["status"]}))
    for model in (policy.PolicyFact, policy.Match, policy.Application, policy.Rating):
        register(model, ScopePath(enterprise="enterprise", district="enterprise__district",
                                  cluster="enterprise__cluster"))
    register(policy.MatchRun, ScopePath())
    _register_cocreation(cocreation)
    _register_projects(projects)
    _register_cultivation(cultivation)
    _register_brands(brands)
    from acupoint.notices.models import Notice

    register(Notice, ScopePath(owner="user"))


def _register_cocreation(cocreation) -> None:
    """Demands stay with their submitter and the bureau; a draft is seen by its invited
    author, by the participants of its rounds and by everyone once a round is public or the
    draft is published; comments by their author, by the round's participants, and by
    everyone once a public round has closed (its feedback page)."""
    register(cocreation.Demand, ScopePath(owner="submitter"))
    register(cocreation.DemandEvent, ScopePath(owner="demand__submitter"))
    register(cocreation.PeerPolicy, ScopePath())
    register(cocreation.PeerClause, ScopePath())
    for model, prefix in ((cocreation.Draft, ""), (cocreation.DraftVersion, "draft__"),
                          (cocreation.DraftClause, "version__draft__")):
        register(model, ScopePath(
            owner=f"{prefix}author", member=f"{prefix}rounds__invited",
            open_to=Q(**{f"{prefix}status": "published"}) | Q(**{f"{prefix}rounds__public": True})))
    register(cocreation.Round, ScopePath(owner="draft__author", member="invited",
                                         open_to=Q(public=True)))
    register(cocreation.Comment, ScopePath(
        owner="author", member="round__invited",
        open_to=Q(round__public=True, round__status="closed")))


def _register_projects(projects) -> None:
    """A project is seen by the bureau, its district, its cluster, the enterprise registered
    for it, and the members of the department it now waits for."""
    register(projects.Department, ScopePath(public=True))
    register(projects.StageRule, ScopePath(public=True))
    for model, prefix in ((projects.Project, ""), (projects.StageEvent, "project__"),
                          (projects.Escalation, "project__")):
        register(model, ScopePath(enterprise=f"{prefix}enterprise",
                                  district=f"{prefix}district", cluster=f"{prefix}cluster",
                                  member=f"{prefix}waiting_on__members"))


def _register_cultivation(cultivation) -> None:
    """Titles and applications belong to their enterprise (its district and cluster see
    them); a published notice is public."""
    for model, prefix in ((cultivation.Title, ""), (cultivation.Application, ""),
                          (cultivation.Objection, "application__")):
        register(model, ScopePath(enterprise=f"{prefix}enterprise",
                                  district=f"{prefix}enterprise__district",
                                  cluster=f"{prefix}enterprise__cluster"))
    register(cultivation.Notice, ScopePath(public=True))


def _register_brands(brands) -> None:
    """The brand register, its titles and its selections are public; an entry is seen by
    its firm, district and cluster until it is shortlisted for the public vote; a vote by its
    voter."""
    for model in (brands.Brand, brands.BrandTitle, brands.Selection):
        register(model, ScopePath(public=True))
    public = [brands.Entry.Status.SHORTLISTED, brands.Entry.Status.AWARDED,
              brands.Entry.Status.NOT_AWARDED]
    register(brands.Entry, ScopePath(
        enterprise="brand__enterprise", district="brand__enterprise__district",
        cluster="brand__enterprise__cluster", open_to=Q(status__in=public)))
    register(brands.Vote, ScopePath(owner="voter"))


def role_of(user) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.role


def is_bureau(user) -> bool:
    return role_of(user) in BUREAU_ROLES


def _filter_for(user, path: ScopePath) -> Q | None:
    """None: everything; Q(pk__in=[]): nothing; otherwise the rows the user's scope holds."""
    role = role_of(user)
    if role in BUREAU_ROLES:
        return None
    condition = _own_rows(user, role, path)
    if path.open_to is not None:
        condition |= path.open_to
    if path.member and role is not None:
        condition |= Q(**{path.member: user.pk})
    return condition


def _own_rows(user, role: str | None, path: ScopePath) -> Q:
    if role is not None and path.owner:
        return Q(**{path.owner: user.pk})
    if role == Role.DISTRICT_OFFICER and path.district:
        own = Q(**{path.district: user.district_id})
        return own | Q(**{f"{path.district}__isnull": True}) if path.citywide else own
    if role == Role.CLUSTER_MANAGER and path.cluster:
        return Q(**{path.cluster: user.cluster_id})
    if role == Role.ENTERPRISE_USER and path.enterprise:
        return Q(**{path.enterprise: user.enterprise_id}, **path.released)
    return Q(pk__in=[])


def visible(user, model_or_queryset: type[Model] | QuerySet) -> QuerySet:
    """The rows of a model (or of a queryset of it) that `user` may see."""
    _registered()
    queryset = (model_or_queryset if isinstance(model_or_queryset, QuerySet)
                else model_or_queryset._default_manager.all())
    path = _PATHS[queryset.model]
    if path.outside_bureau and not is_bureau(user):
        queryset = queryset.filter(**path.outside_bureau)
    if path.public:
        return queryset
    condition = _filter_for(user, path)
    if condition is None:
        return queryset
    queryset = queryset.filter(condition)
    # Paths through to-many relations (a round's participants) repeat rows.
    return queryset.distinct() if path.member or path.open_to is not None else queryset


def clusters_with_inputs(user) -> QuerySet:
    """Clusters whose own inputs the user may see (reported figures, expert scores, member
    sums): every one for the bureau; outside it, the user's own cluster, or the clusters of
    the user's district. Of the others, only published results are shown."""
    from acupoint.registry.models import Cluster

    condition = _filter_for(user, ScopePath(cluster="pk", district="district"))
    return Cluster.objects.all() if condition is None else Cluster.objects.filter(condition)


def require_bureau(user, message: str) -> None:
    """Refuse an action to anyone but the bureau (``user`` None: the system itself)."""
    if user is not None and not is_bureau(user):
        raise PermissionDenied(message)


def require_own_or_bureau(user, enterprise, message: str) -> None:
    """The enterprise's own users and the bureau act for it; a district officer within the
    district (``user`` None: the system itself)."""
    from acupoint.registry.models import Enterprise

    if user is None or is_bureau(user):
        return
    if role_of(user) in (Role.ENTERPRISE_USER, Role.DISTRICT_OFFICER) and \
            visible(user, Enterprise).filter(pk=enterprise.pk).exists():
        return
    raise PermissionDenied(message)


def may_import(user) -> bool:
    return role_of(user) in {*BUREAU_ROLES, Role.DISTRICT_OFFICER}


def import_districts(user) -> frozenset[int] | None:
    """Districts whose enterprises `user` may create or change by import; None: all."""
    if is_bureau(user):
        return None
    if role_of(user) == Role.DISTRICT_OFFICER:
        return frozenset({user.district_id})
    return frozenset()


def may_administer(user) -> bool:
    return role_of(user) == Role.BUREAU_ADMIN
