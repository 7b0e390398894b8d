"""Evaluation runs: a spec applied to a year's registry data, kept as a draft until published.

A published run is immutable: it keeps the spec it used (with its ``extends:`` chain applied)
and a fingerprint of its inputs, so it can be recomputed and shown to give the same result.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from acupoint.registry.models import District, Enterprise


class EvaluationRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DRAFT = "draft", _("draft")
        FAILED = "failed", _("failed")
        PUBLISHED = "published", _("published")

    spec_name = models.CharField(_("spec"), max_length=200)
    spec_data = models.JSONField(_("spec as used"))
    spec_sha256 = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField(_("year"))
    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.RUNNING)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("error"), blank=True)
    inputs_sha256 = models.CharField(max_length=64, blank=True)
    meta = models.JSONField(_("weights, methods and counts"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # A run made to settle an appeal replaces the published run it corrects; it is published
    # as soon as it is computed.
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="superseded_by", verbose_name=_("supersedes"))
    publish_when_computed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")

    def __str__(self) -> str:
        return f"{self.spec_name} {self.year} ({self.get_status_display()})"


class EvaluationResult(models.Model):
    """One enterprise's score, ranks, class and amounts in one run."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="results")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    # The evaluation unit as the run saw it: a firm that later moves district or grows above
    # designated size stays where it was ranked in this run.
    district = models.ForeignKey(District, verbose_name=_("district"), null=True,
                                 on_delete=models.PROTECT, related_name="+")
    above_scale = models.BooleanField(_("above designated size"), null=True)
    score = models.FloatField(_("score"), null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    rank_in_group = models.PositiveIntegerField(_("rank in district"), null=True)
    grade = models.CharField(_("class"), max_length=8, blank=True)
    availability = models.FloatField(_("data availability"), default=0)
    amounts = models.JSONField(_("surcharges and reliefs"), default=dict)
    position = models.PositiveIntegerField(_("position in its evaluation unit"), null=True)
    unit_size = models.PositiveIntegerField(_("firms scored in its evaluation unit"), null=True)
    robustness = models.FloatField(_("share of draws keeping the class"), null=True)
    # Per indicator [raw, benchmark, normalised, effective weight, contribution], the gates
    # that fired and the bonus/penalty items applied: the evaluation card reads these, so it
    # shows what the run saw even after the registry's figures are corrected.
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["run", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="result_one_per_firm"),
        ]
        # One index per way the ranking is filtered and sorted, each ending in the rank, so
        # that a page deep in 100,000 results is read from an index rather than sorted.
        indexes = [models.Index(fields=["run", "rank", "id"], name="result_rank"),
                   models.Index(fields=["run", "grade", "rank", "id"], name="result_grade_rank"),
                   models.Index(fields=["run", "district", "rank", "id"],
                                name="result_district_rank"),
                   models.Index(fields=["run", "position", "rank", "id"],
                                name="result_position_rank"),
                   models.Index(fields=["run", "robustness", "rank", "id"],
                                name="result_robust_rank")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.grade} ({self.score})"


class Appeal(models.Model):
    """An enterprise disputes one figure its published card was computed from."""

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    run = models.ForeignKey(EvaluationRun, on_delete=models.PROTECT, related_name="appeals",
                            verbose_name=_("evaluation run"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("year"))
    field = models.CharField(_("figure"), max_length=40)
    recorded_value = models.FloatField(_("recorded value"), null=True)
    claimed_value = models.FloatField(_("correct value"))
    reason = models.TextField(_("reason"))
    attachment = models.FileField(_("attachment"), upload_to="appeals/%Y/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    resolution = models.TextField(_("answer"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    corrected_run = models.ForeignKey(EvaluationRun, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("corrected run"))

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.field} {self.year} ({self.status})"
