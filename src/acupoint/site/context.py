"""Navigation shown by role, grouped by the transformations the platform serves (policies,
clusters, cultivation and brands, resources and projects) plus the registry and
administration: at most seven top-level entries, each entry naming the roles that may follow
it. The breadcrumb trail is the group and entry the current address falls under."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from acupoint.accounts import scoping
from acupoint.accounts.roles import Role

_ALL = None
_BUREAU = {Role.BUREAU_ADMIN, Role.BUREAU_ANALYST}
_DATA_ROLES = {*_BUREAU, Role.DISTRICT_OFFICER, Role.CLUSTER_MANAGER}
_RACE = _DATA_ROLES
_TRIAGE = {*_BUREAU, Role.DISTRICT_OFFICER}
_ENTERPRISE = {Role.ENTERPRISE_USER}


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str
    roles: set[Role] | None
    needs: str = ""  # "enterprise": the user's own firm; "department": a department member


GROUPS: tuple[tuple[str, tuple[Entry, ...]], ...] = (
    (pgettext_lazy("menu", "Workbench"), (
        Entry("dashboard:overview", _("My workbench"), _ALL),
        Entry("notices:box", _("Notices"), _ALL),
        Entry("dashboard:city", _("City overview"), _ALL),
    )),
    (pgettext_lazy("menu", "Policies"), (
        Entry("policies:mine", _("My policies"), _ENTERPRISE, "enterprise"),
        Entry("policies:library", _("Policy library"), _ALL),
        Entry("policies:applications", _("Policy applications"), _DATA_ROLES),
        Entry("policies:reach", _("Policy reach"), _DATA_ROLES),
        Entry("cocreation:hub", _("Co-creation"), _ALL),
    )),
    (pgettext_lazy("menu", "Clusters"), (
        Entry("registry:cluster-list", _("Clusters"), _ALL),
        Entry("clusters:overview", _("Cluster race"), _RACE),
        Entry("clusters:strength", _("Cluster strength"), _RACE),
        Entry("clusters:tasks", _("Cluster tasks"), _RACE),
        Entry("clusters:traditional", _("Traditional industries"), _RACE),
    )),
    (pgettext_lazy("menu", "Cultivation and brands"), (
        Entry("cultivation:hub", _("Cultivation"), {*_DATA_ROLES, Role.ENTERPRISE_USER}),
        Entry("cultivation:applications", _("Title applications"), _DATA_ROLES),
        Entry("brands:hub", _("Brands"), _ALL),
    )),
    (pgettext_lazy("menu", "Resources and projects"), (
        Entry("triage:mine", _("My evaluation"), _ENTERPRISE, "enterprise"),
        Entry("triage:runs", _("Triage"), _TRIAGE),
        Entry("triage:appeals", _("Appeals"), _TRIAGE),
        Entry("projects:board", _("Projects"), {*_DATA_ROLES, Role.ENTERPRISE_USER}),
        Entry("projects:departments", _("My department"), {Role.PARTICIPANT}, "department"),
    )),
    (pgettext_lazy("menu", "Registry"), (
        Entry("registry:enterprise-detail", _("My enterprise"), _ENTERPRISE, "enterprise"),
        Entry("registry:enterprise-list", _("Enterprises"), _DATA_ROLES),
        Entry("registry:district-list", _("Districts"), _ALL),
        Entry("registry:import", _("Import"), _TRIAGE),
        Entry("registry:calendar", _("Work calendar"), _BUREAU),
    )),
    (pgettext_lazy("menu", "Administration"), (
        Entry("operations", _("Operations"), {Role.BUREAU_ADMIN}),
        Entry("admin:index", _("Accounts and settings"), {Role.BUREAU_ADMIN}, "admin"),
    )),
)


def _allowed(entry: Entry, user, role) -> bool:
    if entry.roles is not _ALL and role not in entry.roles:
        return False
    if entry.needs == "enterprise":
        return bool(user.enterprise_id)
    if entry.needs == "department":
        return user.departments.exists()
    if entry.needs == "admin":
        return scoping.may_administer(user)
    return True


def _url(entry: Entry, user) -> str:
    if entry.url_name == "registry:enterprise-detail":
        return reverse(entry.url_name, args=[user.enterprise.credit_code])
    return reverse(entry.url_name)


def navigation(request) -> dict:
    """The groups this user may open, the group and entry the page belongs to (the longest
    address that starts the current one), and the breadcrumb trail to it."""
    user = request.user
    if not user.is_authenticated:
        return {"navigation": [], "breadcrumbs": []}
    role = scoping.role_of(user)
    groups, best = [], None
    for label, entries in GROUPS:
        items = [{"url": _url(entry, user), "label": entry.label, "active": False}
                 for entry in entries if _allowed(entry, user, role)]
        if not items:
            continue
        group = {"label": label, "items": items, "active": False}
        groups.append(group)
        for item in items:
            matches = request.path == item["url"] or (
                item["url"] != "/" and request.path.startswith(item["url"]))
            if matches and (best is None or len(item["url"]) > len(best[1]["url"])):
                best = (group, item)
    breadcrumbs = []
    if best is not None:
        group, item = best
        group["active"] = item["active"] = True
        if group is not groups[0]:  # the trail starts at the workbench already
            breadcrumbs.append({"label": group["label"], "url": ""})
        if item["url"] != "/":
            breadcrumbs.append({"label": item["label"], "url": item["url"]})
    return {"navigation": groups, "breadcrumbs": breadcrumbs}
