"""A user's notice box: what happened that concerns them (a new policy match, a decision on
their appeal or application, an answer to their comment, an escalation, a task falling due)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    NEW_MATCH = "new_match", _("New policies")
    APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
    APPLICATION_DECIDED = "application_decided", _("Application decided")
    COMMENT_ANSWERED = "comment_answered", _("Comment answered")
    ESCALATION = "escalation", _("Approval overdue")
    TASK_DUE = "task_due", _("Task due")


class Notice(models.Model):
    """One notice to one user. The sentence is written when it is read, in the reader's
    language, from `kind` and `params`; `key` keeps a notice from being sent twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notices")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300)
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]
        constraints = [models.UniqueConstraint(fields=["user", "key"], condition=~Q(key=""),
                                               name="notice_once_per_key")]
        verbose_name = _("notice to a user")
        verbose_name_plural = _("notices to users")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.key}"
