"""The brand register (品牌培育) and the selection of the city's brand titles: 新一代"青岛金花",
青岛优品 and 青岛名牌. A firm enters a brand into a selection; its district recommends it;
experts review it; the shortlist goes on public notice with an online vote (one vote per
account); the bureau awards the titles."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from acupoint.registry.models import Enterprise


class Programme(models.TextChoices):
    GOLDEN_FLOWER = "golden_flower", '新一代"青岛金花"'
    PREMIUM = "premium", "青岛优品"
    FAMOUS = "famous", "青岛名牌"


class Category(models.TextChoices):
    CONSUMER = "consumer", _("Consumer goods")
    PRODUCTION = "production", _("Production goods")
    SERVICE = "service", _("Services")


class Brand(models.Model):
    name = models.CharField(_("brand"), max_length=100)
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("owner"),
                                   on_delete=models.CASCADE, related_name="brands")
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    registered = models.DateField(_("registered on"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"],
                                               name="brand_once_per_owner")]

    def __str__(self) -> str:
        return self.name


class BrandTitle(models.Model):
    """A programme's title a brand holds for a year, valid until a day."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="titles")
    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    document = models.CharField(_("document"), max_length=100, blank=True)

    class Meta:
        ordering = ["-year", "programme"]
        verbose_name = _("brand title")
        verbose_name_plural = _("brand titles")

    def __str__(self) -> str:
        return f"{self.brand} {self.get_programme_display()} {self.year}"

    def clean(self) -> None:
        super().clean()
        if self.valid_until and self.year and self.valid_until.year < self.year:
            raise ValidationError({"valid_until": _("A title is valid after its year.")})


class Selection(models.Model):
    """One year's selection of a programme."""

    class Status(models.TextChoices):
        OPEN = "open", _("Taking entries")
        VOTING = "voting", _("On public notice and vote")
        CLOSED = "closed", _("Awarded")

    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    vote_opens = models.DateField(_("vote opens"), null=True, blank=True)
    vote_closes = models.DateField(_("vote closes"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "programme"]
        verbose_name = _("brand selection")
        verbose_name_plural = _("brand selections")
        constraints = [models.UniqueConstraint(fields=["programme", "year"],
                                               name="selection_once_a_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_programme_display()}"


class Entry(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted by the firm")
        RECOMMENDED = "recommended", _("Recommended by the district")
        REVIEWED = "reviewed", _("Reviewed by experts")
        SHORTLISTED = "shortlisted", _("Shortlisted for the vote")
        AWARDED = "awarded", _("Awarded")
        NOT_AWARDED = "not_awarded", _("Not awarded")

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="entries")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="entries")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.SUBMITTED)
    revenue = models.FloatField(_("revenue when entering (万元)"), null=True, blank=True)
    expert_score = models.FloatField(_("expert score"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["selection", "brand__name"]
        verbose_name = _("brand entry")
        verbose_name_plural = _("brand entries")
        constraints = [models.UniqueConstraint(fields=["selection", "brand"],
                                               name="entry_once_per_selection")]

    def __str__(self) -> str:
        return f"{self.brand} · {self.selection}"


class Vote(models.Model):
    """One account's vote in a selection: for one entry, once."""

    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="votes")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="brand_votes")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["selection", "voter"],
                                               name="one_vote_per_account")]

    def __str__(self) -> str:
        return f"{self.voter_id} → {self.entry_id}"
