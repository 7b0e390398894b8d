"""The roles a person can hold, and which scope object each role is bound to."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("Bureau administrator")
    BUREAU_ANALYST = "bureau_analyst", _("Bureau analyst")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    CLUSTER_MANAGER = "cluster_manager", _("Cluster manager")
    ENTERPRISE_USER = "enterprise_user", _("Enterprise user")
    PARTICIPANT = "participant", _("Consultation participant")


BUREAU_ROLES = frozenset({Role.BUREAU_ADMIN, Role.BUREAU_ANALYST})

# The one field of User that must be set for each role (None: no binding).
ROLE_BINDING: dict[str, str | None] = {
    Role.BUREAU_ADMIN: None,
    Role.BUREAU_ANALYST: None,
    Role.DISTRICT_OFFICER: "district",
    Role.CLUSTER_MANAGER: "cluster",
    Role.ENTERPRISE_USER: "enterprise",
    Role.PARTICIPANT: None,
}


class ParticipantKind(models.TextChoices):
    ASSOCIATION = "association", _("Industry association")
    INSTITUTE = "institute", _("Research institute")
    DEPARTMENT = "department", _("Government department")
    INVESTOR = "investor", _("Investor")
