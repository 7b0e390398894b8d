"""The cluster race: assessments per period, what each cluster got in them, the figures and
expert scores they read, the clusters' status history, joint-meeting tasks, and the
traditional-industry cases (capacity transfer, chemical relocation)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from acupoint.registry.models import Cluster, District, Enterprise

PILLARS = (
    ("planning", _("Overall planning")),  # 整体规划
    ("level", _("Industry level")),  # 产业层次
    ("innovation", _("Innovation capacity")),  # 创新能力
    ("investment", _("Investment attraction")),  # 招商引资
)


def period_label(year: int, quarter: int | None) -> str:
    return f"{year}Q{quarter}" if quarter else str(year)


class Assessment(models.Model):
    """One period's race (考核评价): the framework as used, the fund, and the status."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)])
    period = models.CharField(_("period"), max_length=7, unique=True)
    spec_text = models.TextField(_("framework as used"))
    spec_data = models.JSONField(default=dict)
    fund = models.DecimalField(_("reward fund (万元)"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    meta = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("cluster assessment")
        verbose_name_plural = _("cluster assessments")

    def __str__(self) -> str:
        return f"{self.period} ({self.get_status_display()})"


class Standing(models.TextChoices):
    """Where a cluster stands in the race (动态管理)."""

    CANDIDATE = "candidate", _("candidate")  # 培育（创建中）
    ACTIVE = "active", _("in the race")
    YELLOW = "yellow", _("yellow card")
    EXITED = "exited", _("exited")


class AssessmentResult(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="+")
    members = models.PositiveIntegerField(_("member firms with data"), default=0)
    figures = models.JSONField(_("inputs"), default=dict)
    binding = models.JSONField(_("binding conditions"), default=list)
    binding_met = models.BooleanField(_("meets the creation standards"), default=False)
    pillars = models.JSONField(_("guiding pillar scores"), default=dict)
    indicators = models.JSONField(default=dict)  # code → [raw, normalised]
    score = models.FloatField(_("score"), null=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True)
    grade = models.CharField(_("grade"), max_length=12, blank=True)
    availability = models.FloatField(_("data availability"), default=0)
    reward = models.DecimalField(_("reward (万元)"), max_digits=14, decimal_places=2,
                                 default=0)
    reward_basis = models.CharField(_("reward arithmetic"), max_length=300, blank=True)
    standing_before = models.CharField(max_length=10, choices=Standing.choices)
    standing = models.CharField(_("standing"), max_length=10, choices=Standing.choices)
    failures = models.PositiveSmallIntegerField(_("consecutive failed periods"), default=0)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["assessment", "rank", "cluster__code"]
        constraints = [models.UniqueConstraint(fields=["assessment", "cluster"],
                                               name="one_result_per_cluster")]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.cluster_id}"

    @property
    def pillar_values(self) -> list[float | None]:
        return [self.pillars.get(code) for code, _label in PILLARS]


class StatusChange(models.Model):
    """The status history (动态管理): every entry, promotion, yellow card and exit."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="standings")
    standing = models.CharField(_("standing"), max_length=10, choices=Standing.choices)
    period = models.CharField(_("period"), max_length=7, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    assessment = models.ForeignKey(Assessment, null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="changes")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["cluster", "-created_at", "-id"]
        get_latest_by = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.standing}"


class PeriodFigures(models.Model):
    """What the cluster reports for a period beyond its members' annual data."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField(_("period"), max_length=7)
    invention_patents = models.PositiveIntegerField(_("invention patents held"), null=True,
                                                    blank=True)
    innovation_platforms = models.PositiveIntegerField(
        _("innovation platforms (provincial and above)"), null=True, blank=True)
    signed_investment = models.FloatField(_("signed investment (万元)"), null=True, blank=True,
                                          validators=[MinValueValidator(0)])
    actual_investment = models.FloatField(_("investment in place (万元)"), null=True,
                                          blank=True, validators=[MinValueValidator(0)])
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cluster", "period"]
        constraints = [models.UniqueConstraint(fields=["cluster", "period"],
                                               name="one_report_per_period")]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.period}"


EXPERT_RANGE = (0.0, 100.0)


class ExpertScore(models.Model):
    """The panel's score of one guiding pillar of one cluster for one period."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("period"), max_length=7)
    pillar = models.CharField(_("pillar"), max_length=20, choices=PILLARS)
    score = models.FloatField(_("score"), validators=[MinValueValidator(EXPERT_RANGE[0]),
                                                      MaxValueValidator(EXPERT_RANGE[1])])
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period", "cluster", "pillar"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "period", "pillar"],
                                    name="one_expert_score"),
            models.CheckConstraint(condition=models.Q(score__gte=EXPERT_RANGE[0],
                                                      score__lte=EXPERT_RANGE[1]),
                                   name="expert_score_in_range"),
        ]

    def __str__(self) -> str:
        return f"{self.cluster_id} {self.period} {self.pillar}"


class Meeting(models.Model):
    """A joint meeting (联席会议); its decisions become tasks."""

    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("joint meeting")

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("not started")
        UNDER_WAY = "under_way", _("under way")
        DONE = "done", _("done")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    decision = models.CharField(_("decision"), max_length=300)
    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="tasks")
    department = models.CharField(_("department"), max_length=100, blank=True)
    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    note = models.CharField(_("latest progress"), max_length=500, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.decision

    @property
    def owner(self) -> str:
        return " / ".join(str(part) for part in (self.department, self.district, self.cluster)
                          if part)

    def overdue_on(self, day) -> bool:
        return self.status != self.Status.DONE and self.deadline < day


class TaskUpdate(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=10, choices=Task.Status.choices)
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["task", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.status}"


class RelocationSite(models.Model):
    """The "2+2+5" layout: chemical parks and rubber clusters that chemical firms move into,
    and the five key monitored sites: enterprises monitored where they stand, never a place
    to move into."""

    class Kind(models.TextChoices):
        CHEMICAL_PARK = "chemical_park", _("chemical park")
        RUBBER_CLUSTER = "rubber_cluster", _("rubber cluster")
        MONITORED = "monitored", _("key monitored site")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def receives_firms(self) -> bool:
        return self.kind in DESTINATIONS


DESTINATIONS = (RelocationSite.Kind.CHEMICAL_PARK, RelocationSite.Kind.RUBBER_CLUSTER)


class TransformationCase(models.Model):
    """An enterprise in the traditional-industry programme: low-end capacity to transfer
    out, or a chemical firm to move into one of the 2+2+5 sites."""

    class Kind(models.TextChoices):
        CAPACITY_TRANSFER = "capacity_transfer", _("low-end capacity transfer")
        CHEMICAL_RELOCATION = "chemical_relocation", _("chemical relocation")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        UNDER_WAY = "under_way", _("under way")
        DONE = "done", _("done")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"),
                                   on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    target_site = models.ForeignKey(RelocationSite, verbose_name=_("target site"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="cases",
                                    limit_choices_to={"kind__in": DESTINATIONS})
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    due = models.DateField(_("due"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "enterprise__credit_code"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind"], name="one_case_per_kind"),
            models.CheckConstraint(
                condition=~models.Q(kind="chemical_relocation") | models.Q(
                    target_site__isnull=False), name="relocation_has_site"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.kind}"

    def clean(self) -> None:
        super().clean()
        if self.target_site is not None and not self.target_site.receives_firms:
            raise ValidationError({"target_site": _(
                "%(site)s is a key monitored enterprise, not a place to move into: choose a "
                "chemical park or a rubber cluster.") % {"site": self.target_site.name}})
