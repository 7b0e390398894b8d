"""Titles an enterprise holds on the cultivation ladder, and the applications that lead to
them: the firm applies, its district recommends, experts score, the list is published for
public notice (公示) with the objections recorded, and recognition grants the title and its
reward."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from acupoint.registry.models import Enterprise

RUNG_CHOICES = [
    ("innovative_sme", "创新型中小企业"),
    ("srdi_sme", "专精特新中小企业"),
    ("little_giant", '专精特新"小巨人"企业'),
    ("single_champion", "制造业单项冠军企业"),
    ("hidden_champion", "青岛市隐形冠军企业"),
    ("gazelle", "山东省瞪羚企业"),
]
RUNG_NAMES = dict(RUNG_CHOICES)
# Names a rung took under later rules, which a file of titles may use.
LATER_NAMES = {"innovative_sme": ("科技和创新型中小企业",)}


class Title(models.Model):
    """A rung an enterprise holds, from the day it was granted until it expires."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"),
                                   on_delete=models.CASCADE, related_name="titles")
    rung = models.CharField(_("rung"), max_length=30, choices=RUNG_CHOICES)
    granted = models.DateField(_("granted on"))
    expires = models.DateField(_("expires on"), null=True, blank=True)
    document = models.CharField(_("document"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        ordering = ["enterprise", "-granted"]
        verbose_name = _("ladder title")
        verbose_name_plural = _("ladder titles")
        constraints = [models.UniqueConstraint(fields=["enterprise", "rung", "granted"],
                                               name="title_once_per_grant")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_rung_display()} {self.granted.year}"

    def clean(self) -> None:
        super().clean()
        if self.expires and self.granted and self.expires <= self.granted:
            raise ValidationError({"expires": _(
                "A title expires after it is granted: %(expires)s is not after %(granted)s.")
                % {"expires": self.expires.isoformat(), "granted": self.granted.isoformat()}})

    def valid_on(self, day) -> bool:
        return self.granted <= day and (self.expires is None or day < self.expires)


class Notice(models.Model):
    """A list of firms put up for public notice before recognition."""

    rung = models.CharField(_("rung"), max_length=30, choices=RUNG_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    published_on = models.DateField(_("published on"))
    ends_on = models.DateField(_("notice ends on"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted by the firm")
    RECOMMENDED = "recommended", _("Recommended by the district")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")
    SCORED = "scored", _("Scored by experts")
    FORWARDED = "forwarded", _("Forwarded to the recognising body")
    NOTICED = "noticed", _("On public notice")
    RECOGNISED = "recognised", _("Recognised")
    REJECTED = "rejected", _("Rejected")


# An application still under way: a firm has at most one per rung.
OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.RECOMMENDED,
                 ApplicationStatus.SCORED, ApplicationStatus.FORWARDED,
                 ApplicationStatus.NOTICED)


class Application(models.Model):
    Status = ApplicationStatus

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"),
                                   on_delete=models.CASCADE,
                                   related_name="cultivation_applications")
    rung = models.CharField(_("rung"), max_length=30, choices=RUNG_CHOICES)
    version = models.CharField(_("rule version"), max_length=10)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.SUBMITTED)
    submitted_on = models.DateField(_("submitted on"))
    # The firm's own verdict on the day it applied, kept as it was: what the district saw.
    verdict = models.JSONField(_("verdict when applying"), default=dict)
    district_note = models.TextField(_("district's note"), blank=True)
    expert_score = models.FloatField(_("expert score"), null=True, blank=True)
    expert_note = models.TextField(_("experts' note"), blank=True)
    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="applications")
    title = models.OneToOneField(Title, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="application")
    # A title the city does not grant: the day the city forwarded the firm, and the
    # recognising body's document that recognised it (or said no).
    forwarded_on = models.DateField(_("forwarded on"), null=True, blank=True)
    outcome_document = models.CharField(_("document of the outcome"), max_length=100,
                                        blank=True)
    reward = models.FloatField(_("reward (万元)"), null=True, blank=True)
    reward_paid_on = models.DateField(_("reward paid on"), null=True, blank=True)
    decided_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-submitted_on", "-id"]
        verbose_name = _("cultivation application")
        verbose_name_plural = _("cultivation applications")
        constraints = [models.UniqueConstraint(
            fields=["enterprise", "rung"], condition=models.Q(status__in=OPEN_STATUSES),
            name="one_open_application_per_rung")]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.get_rung_display()}"


class Objection(models.Model):
    """An objection raised against a firm during its public notice, and how it was settled."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="objections")
    text = models.TextField(_("objection"))
    raised_by = models.CharField(_("raised by"), max_length=200, blank=True)
    raised_on = models.DateField(_("raised on"))
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        ordering = ["raised_on", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.application} {self.raised_on}"
