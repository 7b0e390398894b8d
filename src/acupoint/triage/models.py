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
    score = models.FloatField(_("score"), null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    rank_in_group = models.PositiveIntegerField(_("rank in district"), null=True)
    grade = models.CharField(_("class"), max_length=8, blank=True)
    availability = models.FloatField(_("data availability"), default=0)
    amounts = models.JSONField(_("surcharges and reliefs"), default=dict)

    class Meta:
        ordering = ["run", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="result_one_per_firm"),
        ]
        indexes = [models.Index(fields=["run", "grade"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.grade} ({self.score})"
