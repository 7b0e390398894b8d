"""Users bound to one role and one scope, API tokens, and the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from acupoint.accounts.roles import ROLE_BINDING, ParticipantKind, Role


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    district = models.ForeignKey(
        "registry.District", verbose_name=_("district"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="officers",
    )
    cluster = models.ForeignKey(
        "registry.Cluster", verbose_name=_("cluster"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="managers",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    participant_kind = models.CharField(
        _("participant kind"), max_length=20, choices=ParticipantKind.choices, blank=True
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        if not self.role:
            if self.is_superuser:
                self.role = Role.BUREAU_ADMIN
            else:
                raise ValidationError({"role": _("Every user needs a role.")})
        required = ROLE_BINDING[self.role]
        for field in ("district", "cluster", "enterprise"):
            bound = getattr(self, f"{field}_id") is not None
            if field == required and not bound:
                raise ValidationError({field: _("This role must be bound to one %(field)s.")
                                       % {"field": field}})
            if field != required and bound:
                raise ValidationError({field: _("This role cannot be bound to a %(field)s.")
                                       % {"field": field}})

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""


USE_NOTED_EVERY = dt.timedelta(minutes=1)


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True)
    # The user's password as it was when the token was issued (Django's session hash of
    # it): a token dies when the password changes, however it is changed.
    password_hash = models.CharField(max_length=128, editable=False, default="")
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple[ApiToken, str]:
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, key_hash=_hash_token(raw), prefix=raw[:8],
            expires_at=timezone.now() + dt.timedelta(days=settings.ACUPOINT_API_TOKEN_DAYS),
            password_hash=user.get_session_auth_hash())
        return token, raw

    @property
    def alive(self) -> bool:
        """Not revoked, not expired, and issued under the user's present password."""
        return (not self.revoked and self.expires_at is not None
                and self.expires_at > timezone.now() and constant_time_compare(
                    self.password_hash, self.user.get_session_auth_hash()))

    @classmethod
    def authenticate(cls, raw: str):
        """The token's user, or None; a use is noted at most once a minute."""
        token = (cls.objects.select_related("user")
                 .filter(key_hash=_hash_token(raw), user__is_active=True).first())
        if token is None or not token.alive:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > USE_NOTED_EVERY:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user


class AuditEntry(models.Model):
    """One state change: who did what to which object, with the values before and after."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="audit_entries")
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"
