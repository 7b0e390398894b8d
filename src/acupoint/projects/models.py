"""Investment projects, the dated stage events of each, the departments that handle stages,
each stage's time limit, and the escalations of overdue stages (青岛速度)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from acupoint.engine.process import STAGES
from acupoint.registry.models import Cluster, District, Enterprise, validate_industry_class

STAGE_CHOICES = [(code, name) for code, name in STAGES]


class FastTrack(models.TextChoices):
    """Qingdao's methods for faster approval."""

    EARLY = "early", "提前介入"
    AGENT = "agent", "全程代办"
    TOLERANCE = "tolerance", "容缺受理"
    PLEDGE = "pledge", "告知承诺"
    SIMULATED = "simulated", "模拟审批"
    LAND_AND_PERMIT = "land_permit", "拿地即开工"


class Department(models.Model):
    """A government department that handles stages (发展改革, 自然资源和规划, 住房城乡建设…);
    its members see its queue."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("members"),
                                     blank=True, related_name="departments")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class StageRule(models.Model):
    """Who handles a stage and, for an approval stage, the government working days a bureau
    allows it: a local setting (the reform publishes only the four stages' total)."""

    stage = models.CharField(_("stage"), max_length=24, choices=STAGE_CHOICES, unique=True)
    department = models.ForeignKey(Department, verbose_name=_("responsible department"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="rules")
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), null=True,
                                                  blank=True)

    class Meta:
        ordering = ["stage"]
        verbose_name = _("stage rule")
        verbose_name_plural = _("stage rules")

    def __str__(self) -> str:
        return self.get_stage_display()


class Project(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DROPPED = "dropped", _("Dropped")

    name = models.CharField(_("name"), max_length=200)
    investor = models.CharField(_("investor"), max_length=200)
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("registered enterprise"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="projects")
    industry_code = models.CharField(_("industry code"), max_length=4,
                                     validators=[validate_industry_class])
    planned_investment = models.FloatField(_("planned investment (万元)"))
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="projects")
    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="projects")
    land_parcel = models.CharField(_("land parcel"), max_length=100, blank=True)
    land_area_mu = models.FloatField(_("land area (亩)"), null=True, blank=True)
    lead_department = models.ForeignKey(Department, verbose_name=_("lead department"),
                                        null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="led_projects")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible officer"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="projects")
    methods = models.JSONField(_("fast-track methods"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # A lead the investor gave up, or a project stopped: it keeps its history and its place in
    # the funnel, but waits for nothing and is never escalated.
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.ACTIVE, db_index=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=500, blank=True)
    # Kept by the actions from the stage events: the furthest stage reached, its day, and the
    # department the project now waits for.
    stage = models.CharField(_("stage"), max_length=24, choices=STAGE_CHOICES, blank=True,
                             db_index=True)
    stage_day = models.DateField(_("since"), null=True, blank=True)
    waiting_on = models.ForeignKey(Department, verbose_name=_("waiting on"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="queue")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-stage_day", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(condition=models.Q(planned_investment__gte=0),
                                   name="project_investment_not_negative"),
            models.CheckConstraint(condition=models.Q(land_area_mu__isnull=True)
                                   | models.Q(land_area_mu__gt=0), name="project_land_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.cluster_id and self.district_id and self.cluster.district_id != self.district_id:
            raise ValidationError({"cluster": _(
                "The cluster %(cluster)s lies in %(cluster_district)s, not in %(district)s: "
                "choose a cluster of the project's district or correct the district.") % {
                "cluster": self.cluster, "cluster_district": self.cluster.district,
                "district": self.district}})
        unknown = [method for method in self.methods if method not in FastTrack.values]
        if unknown:
            raise ValidationError({"methods": _("Unknown fast-track methods: %(methods)s") % {
                "methods": ", ".join(map(str, unknown))}})

    def method_labels(self) -> list[str]:
        return [FastTrack(method).label for method in self.methods]


class StageEvent(models.Model):
    """A stage reached on a day, or returned (退回) to be done again."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="events")
    stage = models.CharField(_("stage"), max_length=24, choices=STAGE_CHOICES)
    day = models.DateField(_("date"))
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="events")
    returned = models.BooleanField(_("returned to be redone"), default=False)
    documents = models.TextField(_("documents"), blank=True,
                                 help_text=_("Document names or numbers, one per line."))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "id"]
        verbose_name = _("stage event")
        verbose_name_plural = _("stage events")
        indexes = [models.Index(fields=["project", "day"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_stage_display()} {self.day}"

    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class Approval(models.Model):
    """An approval stage as the government handles it: the day a complete application was
    accepted (受理), the day it was decided (办结), and the spans the applicant spent
    completing its file (补正), which do not count."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="approvals")
    stage = models.CharField(_("stage"), max_length=24, choices=STAGE_CHOICES)
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True,
                                   blank=True, on_delete=models.SET_NULL,
                                   related_name="approvals")
    accepted_on = models.DateField(_("application accepted on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["accepted_on", "id"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"],
                                    condition=models.Q(decided_on__isnull=True),
                                    name="approval_one_open_per_stage"),
            models.CheckConstraint(condition=models.Q(decided_on__isnull=True)
                                   | models.Q(decided_on__gte=models.F("accepted_on")),
                                   name="approval_decided_after_accepted"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.get_stage_display()} {self.accepted_on}"


class ApprovalPause(models.Model):
    """补正: the department asked for the file to be completed on ``start``; the applicant
    completed it on ``end``. The government's clock stops in between."""

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="pauses")
    start = models.DateField(_("correction requested on"))
    end = models.DateField(_("file completed on"), null=True, blank=True)
    reason = models.CharField(_("what was missing"), max_length=300, blank=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("correction pause")
        verbose_name_plural = _("correction pauses")
        constraints = [
            models.UniqueConstraint(fields=["approval"], condition=models.Q(end__isnull=True),
                                    name="pause_one_open_per_approval"),
            models.CheckConstraint(condition=models.Q(end__isnull=True)
                                   | models.Q(end__gte=models.F("start")),
                                   name="pause_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.approval_id} {self.start}–{self.end or '…'}"


class Escalation(models.Model):
    """An approval past its limit raised to its department (level 1) and, past twice the
    limit, to the bureau's leadership (level 2); resolved when the stage is decided. The
    limit is the stage's own (a local setting) or the reform's total for the four stages."""

    class Level(models.IntegerChoices):
        DEPARTMENT = 1, _("Department")
        LEADERSHIP = 2, _("Bureau leadership")

    class Basis(models.TextChoices):
        STAGE = "stage", _("the stage's local limit")
        BUDGET = "budget", _("the reform's total of 100 working days")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="escalations")
    stage = models.CharField(_("stage"), max_length=24, choices=STAGE_CHOICES)
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True,
                                   blank=True, on_delete=models.SET_NULL,
                                   related_name="escalations")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices,
                                             default=Level.DEPARTMENT)
    raised_on = models.DateField(_("raised on"))
    waited = models.PositiveIntegerField(_("working days waited"))
    limit = models.PositiveIntegerField(_("time limit (working days)"))
    basis = models.CharField(_("limit"), max_length=8, choices=Basis.choices,
                             default=Basis.STAGE)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return f"{self.project} {self.get_stage_display()} ({self.get_level_display()})"
