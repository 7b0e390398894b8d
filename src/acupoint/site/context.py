"""Navigation shown by role: each entry names the roles that may follow it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from acupoint.accounts import scoping
from acupoint.accounts.roles import Role

_ALL = None
_DATA_ROLES = {Role.BUREAU_ADMIN, Role.BUREAU_ANALYST, Role.DISTRICT_OFFICER,
               Role.CLUSTER_MANAGER}

NAVIGATION = (
    ("dashboard:overview", _("Overview"), _ALL),
    ("registry:enterprise-list", _("Enterprises"), _DATA_ROLES),
    ("triage:runs", _("Triage"), {Role.BUREAU_ADMIN, Role.BUREAU_ANALYST,
                                   Role.DISTRICT_OFFICER}),
    ("triage:appeals", _("Appeals"), {Role.BUREAU_ADMIN, Role.BUREAU_ANALYST,
                                      Role.DISTRICT_OFFICER}),
    ("registry:cluster-list", _("Clusters"), _ALL),
    ("clusters:overview", _("Cluster race"), {Role.BUREAU_ADMIN, Role.BUREAU_ANALYST,
                                              Role.DISTRICT_OFFICER, Role.CLUSTER_MANAGER}),
    ("policies:library", _("Policies"), _ALL),
    ("policies:reach", _("Policy reach"), _DATA_ROLES),
    ("cocreation:hub", _("Co-creation"), _ALL),
    ("projects:board", _("Projects"), {*_DATA_ROLES, Role.ENTERPRISE_USER}),
    ("cultivation:hub", _("Cultivation"), {*_DATA_ROLES, Role.ENTERPRISE_USER}),
    ("brands:hub", _("Brands"), _ALL),
    ("registry:district-list", _("Districts"), _ALL),
    ("registry:import", _("Import"), {Role.BUREAU_ADMIN, Role.BUREAU_ANALYST,
                                      Role.DISTRICT_OFFICER}),
    ("operations", _("Operations"), {Role.BUREAU_ADMIN}),
)


def navigation(request) -> dict:
    user = request.user
    role = scoping.role_of(user)
    items = []
    for name, label, roles in NAVIGATION:
        if roles is _ALL or role in roles:
            url = reverse(name)
            items.append({"url": url, "label": label,
                          "active": url != "/" and request.path.startswith(url)})
    if role == Role.ENTERPRISE_USER and user.enterprise_id:
        items.insert(1, {"url": reverse("registry:enterprise-detail",
                                        args=[user.enterprise.credit_code]),
                         "label": _("My enterprise"), "active": False})
        items.insert(2, {"url": reverse("triage:mine"), "label": _("My evaluation"),
                         "active": request.path.startswith("/triage/")})
        items.insert(3, {"url": reverse("policies:mine"), "label": _("My policies"),
                         "active": request.path.startswith("/policies/enterprise/")})
    if role == Role.PARTICIPANT and user.departments.exists():
        items.append({"url": reverse("projects:departments"), "label": _("My department"),
                      "active": request.path.startswith("/projects/departments/")})
    if scoping.may_administer(user):
        items.append({"url": reverse("admin:index"), "label": _("Administration"),
                      "active": False})
    return {"navigation": items}
