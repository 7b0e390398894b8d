"""Policy co-creation (政府端菜 → 企业点菜): what enterprises ask for, what peer cities offer,
the drafts and their versions, and the consultation rounds with an answer to every comment.

A clause of a draft version is never changed or deleted: a new version copies the clauses
forward, so a comment stays attached to the text it was made on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from acupoint.policies.models import CHAIN_CHOICES, SIDE_CHOICES, SUPPORT_CHOICES, PolicyDocument
from acupoint.registry.models import Enterprise

TITLE_LENGTH = 120
TEXT_LENGTH = 10_000

CATEGORY_CHOICES = [("funding", _("Funding")), ("land", _("Land and premises")),
                    ("talent", _("Talent")), ("finance", _("Finance")),
                    ("approval", _("Approval and services")), ("market", _("Markets")),
                    ("other", _("Other"))]


class Demand(models.Model):
    """What an enterprise, investor or association asks policy to do (点菜)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        REVIEWING = "reviewing", _("under review")
        ADOPTED = "adopted", _("adopted into a draft clause")
        MERGED = "merged", _("merged with another demand")
        DECLINED = "declined", _("declined")

    submitter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="demands")
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="demands")
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    text = models.TextField(_("text"))
    category = models.CharField(_("category"), max_length=12, choices=CATEGORY_CHOICES)
    chain = models.CharField(_("chain link"), max_length=16, choices=CHAIN_CHOICES, blank=True)
    industry = models.CharField(_("industry"), max_length=4, blank=True)
    measure = models.CharField(_("measure wanted"), max_length=200, blank=True)
    attachment = models.FileField(_("attachment"), upload_to="demands/%Y/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.RECEIVED)
    reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged")
    theme = models.SmallIntegerField(_("theme"), null=True, blank=True)
    theme_terms = models.JSONField(_("theme terms"), default=list, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="duplicates")
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")

    def __str__(self) -> str:
        return self.title


class DemandEvent(models.Model):
    """Every change of a demand's status, which its submitter sees."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=10, choices=Demand.Status.choices)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["demand", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.demand_id} → {self.status}"


class PeerPolicy(models.Model):
    """A peer city's policy, imported as text or .docx, for benchmarking."""

    city = models.CharField(_("city"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    text = models.TextField(_("text"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        ordering = ["city", "title"]
        verbose_name = _("peer policy")
        verbose_name_plural = _("peer policies")

    def __str__(self) -> str:
        return f"{self.city}：{self.title}"


class PeerClause(models.Model):
    policy = models.ForeignKey(PeerPolicy, on_delete=models.CASCADE, related_name="clauses")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("article"), max_length=60)
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    amount = models.FloatField(_("largest amount (万元)"), null=True, blank=True)

    class Meta:
        ordering = ["policy", "position"]

    def __str__(self) -> str:
        return f"{self.policy} {self.label}"

    @property
    def key(self) -> str:
        return f"peer-{self.pk}"


class Draft(models.Model):
    class Status(models.TextChoices):
        DRAFTING = "drafting", _("drafting")
        CONSULTING = "consulting", _("in consultation")
        PUBLISHED = "published", _("published")

    title = models.CharField(_("title"), max_length=200)
    policy_id = models.SlugField(_("policy id"), max_length=60, unique=True)
    issuer = models.CharField(_("issuer"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFTING)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="drafts_authored",
                               help_text=_("An enterprise or association invited to write "
                                           "the first draft."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    document = models.OneToOneField(PolicyDocument, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="draft")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return self.title

    def latest(self) -> DraftVersion | None:
        return self.versions.order_by("-number").first()


class DraftVersion(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["draft", "number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"],
                                               name="draft_version_number_once")]

    def __str__(self) -> str:
        return f"{self.draft} v{self.number}"


class DraftClause(models.Model):
    """A clause as one version has it; ``key`` is the same clause across versions."""

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="clauses")
    key = models.SlugField(_("clause id"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    article = models.CharField(_("article"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    chain = models.CharField(_("chain link"), max_length=16, choices=CHAIN_CHOICES)
    side = models.CharField(_("side"), max_length=8, choices=SIDE_CHOICES)
    support = models.CharField(_("support type"), max_length=20, choices=SUPPORT_CHOICES,
                               default="other")
    answers = models.ManyToManyField(Demand, blank=True, related_name="clauses",
                                     verbose_name=_("demands answered"))

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "key"],
                                               name="draft_clause_key_once_per_version")]

    def __str__(self) -> str:
        return f"{self.article} {self.title}"


class Round(models.Model):
    """One round of consultation on one version of a draft."""

    class Kind(models.TextChoices):
        SYMPOSIUM = "symposium", _("Symposium (座谈会)")
        HEARING = "hearing", _("Expert hearing (论证会)")
        PUBLIC = "public", _("Public consultation (公开征求意见)")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="rounds")
    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="rounds")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    opens = models.DateField(_("opens"))
    closes = models.DateField(_("closes"))
    public = models.BooleanField(_("open to the public"), default=False)
    invited = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                     related_name="rounds_invited",
                                     verbose_name=_("invited participants"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-opens", "-pk"]
        verbose_name = _("consultation round")
        verbose_name_plural = _("consultation rounds")

    def __str__(self) -> str:
        return f"{self.draft} · {self.get_kind_display()} ({self.opens})"


class Comment(models.Model):
    class Decision(models.TextChoices):
        ADOPTED = "adopted", _("adopted (采纳)")
        PARTLY = "partly", _("partly adopted (部分采纳)")
        REJECTED = "rejected", _("not adopted (不采纳)")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="comments")
    clause = models.ForeignKey(DraftClause, on_delete=models.PROTECT, related_name="comments")
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="consultation_comments")
    text = models.TextField(_("comment"))
    group = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="members",
                              help_text=_("The first comment of its duplicate group."))
    signature = models.BinaryField(max_length=256, editable=False, default=b"",
                                   help_text=_("MinHash of the text, for grouping."))
    # The text without spaces and punctuation, hashed: an account says a thing once a round.
    text_key = models.CharField(max_length=64, editable=False, default="")
    decision = models.CharField(_("answer"), max_length=10, choices=Decision.choices,
                                blank=True)
    reason = models.TextField(_("reason"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    updated_at = models.DateTimeField(_("edited"), auto_now=True)

    class Meta:
        ordering = ["round", "clause__position", "created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [models.UniqueConstraint(fields=["round", "author", "text_key"],
                                               name="one_comment_per_text")]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def quote(self) -> str:
        if self.span_start is None or self.span_end is None:
            return ""
        return self.clause.text[self.span_start:self.span_end]


class CommentRevision(models.Model):
    """A comment's earlier wording, kept when its author edits it."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["comment", "at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]
