"""Published policies as the platform holds them, and their delivery to enterprises: the
matches in each enterprise's inbox, applications to payment, and the enterprises' ratings.

A policy's YAML text is the source of truth (the engine reads it); the document and clause
rows copy what the library pages filter and search on.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from acupoint.registry.models import Enterprise

CHAIN_CHOICES = [("rd_design", _("R&D and design")), ("manufacturing", _("Manufacturing")),
                 ("supporting", _("Key supporting industries")),
                 ("demonstration", _("Demonstration and promotion"))]
SIDE_CHOICES = [("supply", _("Supply side")), ("demand", _("Demand side"))]
SUPPORT_CHOICES = [("subsidy", _("Subsidy")), ("reward", _("Reward")),
                   ("interest_discount", _("Interest discount")), ("tax", _("Tax")),
                   ("land", _("Land")), ("talent", _("Talent")), ("other", _("Other"))]
MODE_CHOICES = [("auto", _("Granted without application")),
                ("fast", _("Fast application")), ("apply", _("Application"))]
LEVEL_CHOICES = [("national", _("National")), ("provincial", _("Provincial")),
                 ("city", _("City")), ("district", _("District"))]


class PolicyDocument(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    policy_id = models.SlugField(_("policy id"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("document number"), max_length=120, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=LEVEL_CHOICES)
    published = models.DateField(_("publication date"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    illustrative = models.BooleanField(_("illustrative"), default=False)
    summary = models.TextField(_("summary"), blank=True)
    yaml_text = models.TextField(_("policy file"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.PUBLISHED)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-published", "policy_id"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self) -> str:
        return self.title


class PolicyClause(models.Model):
    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE,
                                 related_name="clauses")
    clause_id = models.SlugField(_("clause id"), max_length=60)
    key = models.CharField(max_length=121, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    article = models.CharField(_("article"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    chain = models.CharField(_("chain link"), max_length=16, choices=CHAIN_CHOICES)
    side = models.CharField(_("side"), max_length=8, choices=SIDE_CHOICES)
    support = models.CharField(_("support type"), max_length=20, choices=SUPPORT_CHOICES)
    mode = models.CharField(_("application mode"), max_length=8, choices=MODE_CHOICES)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    text = models.TextField(_("text"))
    # The text is a summary (摘要) where the file had no original wording (条款原文).
    text_is_summary = models.BooleanField(_("summary, not the original text"), default=False)
    benefit = models.CharField(_("benefit"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    cap = models.FloatField(_("cap"), null=True, blank=True)
    # The cap holds per claim, or for a firm over the whole policy period.
    cap_over_period = models.BooleanField(_("cap over the policy period"), default=False)
    # The years whose figures the clause rewards; a clause with a period is claimed each year.
    period_from = models.PositiveSmallIntegerField(_("first year rewarded"), null=True,
                                                   blank=True)
    period_to = models.PositiveSmallIntegerField(_("last year rewarded"), null=True, blank=True)
    documents = models.JSONField(_("documents required"), default=list, blank=True)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)

    class Meta:
        ordering = ["document", "position"]
        verbose_name = _("policy clause")
        verbose_name_plural = _("policy clauses")

    def __str__(self) -> str:
        return f"{self.document.title} {self.article} {self.title}"


class PolicyFact(models.Model):
    """A datum of an enterprise's profile (一企一档) that the registry does not hold: a tag
    such as "hydrogen station operator", or a figure such as the hydrogen sold."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE,
                                   related_name="policy_facts")
    name = models.CharField(_("datum"), max_length=60)
    value = models.JSONField(_("value"))
    source = models.CharField(_("source"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["enterprise", "name"]
        verbose_name = _("policy datum")
        verbose_name_plural = _("policy data")
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"],
                                               name="policy_fact_one_per_name")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.name}={self.value}"


class MatchRun(models.Model):
    """One matching of the library against the enterprise base (or some of it)."""

    class Trigger(models.TextChoices):
        PUBLICATION = "publication", _("policy published")
        DATA = "data", _("enterprise data changed")
        MANUAL = "manual", _("run by the bureau")

    as_of = models.DateField(_("as of"))
    trigger = models.CharField(_("trigger"), max_length=12, choices=Trigger.choices)
    enterprises = models.PositiveIntegerField(default=0)
    clauses = models.PositiveIntegerField(default=0)
    new_matches = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.as_of} {self.get_trigger_display()}"


class Match(models.Model):
    """An enterprise's standing on a clause, as of the latest matching: the inbox."""

    class Status(models.TextChoices):
        ELIGIBLE = "eligible", _("eligible")
        UNKNOWN = "unknown", _("data needed")
        NEAR = "near", _("near miss")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE,
                                   related_name="policy_matches")
    clause = models.ForeignKey(PolicyClause, on_delete=models.CASCADE, related_name="matches")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    amount = models.FloatField(_("estimated amount"), null=True, blank=True)
    failed = models.BigIntegerField(default=0)
    unknown = models.BigIntegerField(default=0)
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="matches")
    first_seen = models.DateTimeField(_("first matched"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["enterprise", "clause"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "clause"],
                                               name="match_one_per_clause")]
        indexes = [models.Index(fields=["clause", "status"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.clause_id} {self.status}"


class Application(models.Model):
    """An application (or a grant without application) from submission to payment."""

    class Status(models.TextChoices):
        PENDING_VERIFICATION = "pending", _("granted, pending verification")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        PAID = "paid", _("paid")
        REJECTED = "rejected", _("rejected")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE,
                                   related_name="policy_applications")
    clause = models.ForeignKey(PolicyClause, on_delete=models.PROTECT,
                               related_name="applications")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    estimated = models.FloatField(_("estimated amount"), null=True, blank=True)
    approved_amount = models.FloatField(_("approved amount"), null=True, blank=True)
    paid_amount = models.FloatField(_("paid amount"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"))
    # The year whose figures the claim is for, on a clause claimed yearly; empty on a
    # one-off clause, which a firm claims once.
    year = models.PositiveSmallIntegerField(_("year claimed for"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "clause"],
                                    condition=models.Q(year__isnull=True),
                                    name="application_one_per_clause"),
            models.UniqueConstraint(fields=["enterprise", "clause", "year"],
                                    condition=models.Q(year__isnull=False),
                                    name="application_one_per_clause_year"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.clause_id} {self.status}"

    @property
    def granted_amount(self) -> float:
        """What this claim counts against a cap: paid, else approved, else the estimate of a
        grant pending verification; nothing while it is only submitted or once rejected."""
        if self.status == self.Status.PAID:
            return self.paid_amount or 0.0
        if self.status == self.Status.APPROVED:
            return self.approved_amount or 0.0
        if self.status == self.Status.PENDING_VERIFICATION:
            return self.estimated or 0.0
        return 0.0


GRANTED_STATUSES = (Application.Status.PENDING_VERIFICATION, Application.Status.APPROVED,
                    Application.Status.PAID)


class Rating(models.Model):
    """How useful an enterprise found a policy (获得感), 1–5, with an optional comment."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE,
                                   related_name="policy_ratings")
    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE,
                                 related_name="ratings")
    score = models.PositiveSmallIntegerField(
        _("usefulness"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["document", "enterprise"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "document"],
                                    name="rating_one_per_policy"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5),
                                   name="rating_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.document_id} {self.score}"
