"""Each role sees exactly its scope, on every page, export and API endpoint."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from acupoint.accounts.actions import do_issue_token
from acupoint.accounts.models import AuditEntry
from acupoint.clusters import actions as race_actions
from acupoint.clusters.models import PILLARS, ExpertScore
from acupoint.registry.models import AnnualData, Cluster, District, Enterprise
from tests.conftest import CITY_YEARS

pytestmark = pytest.mark.django_db

ROLES = ["admin", "analyst", "huangdao", "cluster", "enterprise", "association", None]


def _client(users, username) -> Client:
    client = Client()
    if username:
        client.force_login(users[username])
    return client


def _expected_enterprises(users, username) -> set[str]:
    everything = Enterprise.objects.all()
    if username in ("admin", "analyst"):
        chosen = everything
    elif username == "huangdao":
        chosen = everything.filter(district=users[username].district)
    elif username == "cluster":
        chosen = everything.filter(cluster=users[username].cluster)
    elif username == "enterprise":
        chosen = everything.filter(pk=users[username].enterprise_id)
    else:
        chosen = everything.none()
    return set(chosen.values_list("credit_code", flat=True))


def _outsider(users, username) -> Enterprise:
    """An enterprise outside the user's scope."""
    inside = _expected_enterprises(users, username)
    return Enterprise.objects.exclude(credit_code__in=inside).order_by("pk").first()


@pytest.mark.parametrize("username", ROLES)
def test_enterprise_api_list_is_exactly_the_scope(users, username):
    client = Client()
    headers = {}
    if username:
        headers["Authorization"] = f"Bearer {do_issue_token(None, users[username], 'test')}"
    seen, page = set(), 1
    while True:
        response = client.get("/api/enterprises", {"page": page}, headers=headers)
        if username is None:
            assert response.status_code == 401
            return
        assert response.status_code == 200
        body = response.json()
        seen |= {item["credit_code"] for item in body["items"]}
        if page * 50 >= body["count"]:
            break
        page += 1
    assert seen == _expected_enterprises(users, username)


@pytest.mark.parametrize("username", [name for name in ROLES if name not in ("admin", "analyst")])
def test_enterprise_pages_exports_and_api_refuse_outsiders(users, username):
    client = _client(users, username)
    outsider = _outsider(users, username)
    for url in (reverse("registry:enterprise-detail", args=[outsider.credit_code]),
                reverse("registry:enterprise-export", args=[outsider.credit_code]),
                f"/api/enterprises/{outsider.credit_code}",
                f"/api/enterprises/{outsider.credit_code}/annual"):
        response = client.get(url)
        expected = {401, 302} if username is None else {403, 404}
        assert response.status_code in expected, (username, url, response.status_code)


@pytest.mark.parametrize("username", [name for name in ROLES if name not in (None, "association")])
def test_own_scope_pages_open(users, username):
    client = _client(users, username)
    own = Enterprise.objects.filter(
        credit_code__in=_expected_enterprises(users, username)).order_by("pk").first()
    response = client.get(reverse("registry:enterprise-detail", args=[own.credit_code]))
    assert response.status_code == 200
    assert own.name in response.content.decode()
    export = client.get(reverse("registry:enterprise-export", args=[own.credit_code]))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("username", ROLES)
def test_bulk_export_holds_only_the_scope(users, username, tmp_path):
    from python_calamine import CalamineWorkbook

    client = _client(users, username)
    response = client.get(reverse("registry:export", args=["xlsx"]))
    if username is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python()[1:]
    assert {row[0] for row in rows} == _expected_enterprises(users, username)
    annual = book.get_sheet_by_index(1).to_python()[1:]
    expected_annual = AnnualData.objects.filter(
        enterprise__credit_code__in=_expected_enterprises(users, username)).count()
    assert len(annual) == expected_annual


@pytest.mark.parametrize("username", ROLES)
def test_enterprise_list_page_shows_the_scope_count(users, username):
    client = _client(users, username)
    response = client.get(reverse("registry:enterprise-list"))
    if username is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert response.context["page"].paginator.count == len(_expected_enterprises(users,
                                                                                 username))


@pytest.mark.parametrize("username", ROLES)
def test_public_geography_is_open_to_all(users, username):
    client = _client(users, username)
    cluster = Cluster.objects.order_by("code").first()
    district = District.objects.order_by("code").first()
    for url in (reverse("dashboard:overview"), reverse("registry:cluster-list"),
                reverse("registry:cluster-detail", args=[cluster.code]),
                reverse("registry:district-list"),
                reverse("registry:district-detail", args=[district.code]),
                "/api/districts", "/api/clusters", f"/api/clusters/{cluster.code}"):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("registry:cluster-detail", args=[cluster.code]))
    members = page.context["member_count"]
    expected = len(_expected_enterprises(users, username) & set(
        cluster.enterprises.values_list("credit_code", flat=True)))
    assert members == expected


@pytest.mark.parametrize("username,allowed", [("admin", True), ("analyst", True),
                                              ("huangdao", True), ("cluster", False),
                                              ("enterprise", False), ("association", False)])
def test_import_page_by_role(users, username, allowed):
    response = _client(users, username).get(reverse("registry:import"))
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.parametrize("username,allowed", [("admin", True), ("analyst", False),
                                              ("huangdao", False), ("enterprise", False)])
def test_admin_site_only_for_bureau_admin(users, username, allowed):
    response = _client(users, username).get("/admin/")
    assert (response.status_code == 200) == allowed


def test_a_revoked_or_wrong_token_is_refused(users):
    from acupoint.accounts.models import ApiToken

    raw = do_issue_token(None, users["analyst"], "t")
    client = Client()
    assert client.get("/api/enterprises", headers={"Authorization": f"Bearer {raw}"}
                      ).status_code == 200
    ApiToken.objects.filter(user=users["analyst"]).update(revoked=True)
    assert client.get("/api/enterprises", headers={"Authorization": f"Bearer {raw}"}
                      ).status_code == 401
    assert client.get("/api/enterprises", headers={"Authorization": "Bearer nonsense"}
                      ).status_code == 401


def test_state_changes_leave_audit_entries(users, tmp_file):
    from acupoint.registry.actions import do_import_file
    from tests.registry.helpers import ENTERPRISE_HEADER, csv_text, enterprise_rows

    before = AuditEntry.objects.count()
    batch = do_import_file(users["analyst"], tmp_file("a.csv", csv_text(
        ENTERPRISE_HEADER, enterprise_rows(2, seed=77))))
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.actor, entry.action, entry.object_id) == (users["analyst"], "registry.import",
                                                            str(batch.pk))
    assert entry.after["enterprises_created"] == 2


def test_password_change_is_audited(users):
    client = _client(users, "enterprise")
    response = client.post(reverse("accounts:password-change"), {
        "old_password": "enterprise-demo-2019", "new_password1": "Another-pass-2026",
        "new_password2": "Another-pass-2026"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="accounts.set_password",
                                     actor=users["enterprise"]).exists()
    users["enterprise"].refresh_from_db()
    assert users["enterprise"].check_password("Another-pass-2026")


RACE_ROLES = ["admin", "analyst", "huangdao", "cluster"]


def _clusters_with_inputs(users, username) -> set[str]:
    everything = Cluster.objects.all()
    if username in ("admin", "analyst"):
        chosen = everything
    elif username == "huangdao":
        chosen = everything.filter(district=users[username].district)
    else:
        chosen = everything.filter(pk=users[username].cluster_id)
    return set(chosen.values_list("code", flat=True))


def _strengths(users, username) -> dict:
    response = _client(users, username).get(reverse("clusters:strength"),
                                            {"year": CITY_YEARS[1]})
    assert response.status_code == 200
    return {item.cluster: item for item in response.context["strengths"]}


@pytest.mark.parametrize("username", RACE_ROLES)
def test_strength_shows_other_clusters_stars_only_from_published_inputs(users, username):
    """Before the year's assessment is published, stars resting on a cluster's reports and
    expert scores are shown to its own manager and district (and the bureau) only; after,
    everyone sees them as published, whatever the live scores say since."""
    own = _clusters_with_inputs(users, username)
    before = _strengths(users, username)
    assert {code for code, item in before.items() if not item.withheld} == own & set(before)
    assessment = race_actions.do_assess(users["analyst"], year=CITY_YEARS[1],
                                        fund=Decimal("1000"))
    race_actions.do_publish_assessment(users["analyst"], assessment)
    published = _strengths(users, username)
    assert not any(item.withheld for item in published.values())
    ExpertScore.objects.filter(period=str(CITY_YEARS[1])).update(score=0)
    ExpertScore.objects.bulk_create([
        ExpertScore(cluster=cluster, period=str(CITY_YEARS[1]), pillar=pillar, score=0)
        for cluster in Cluster.objects.all() for pillar, _label in PILLARS],
        ignore_conflicts=True)
    later = _strengths(users, username)
    if username in ("admin", "analyst"):
        return  # the bureau sees the scores as they stand
    assert {code: item.miit_score for code, item in later.items()} == \
        {code: item.miit_score for code, item in published.items()}


@pytest.mark.parametrize("username", ["enterprise", "association"])
def test_race_aggregates_are_closed_to_roles_outside_the_race(users, username):
    assert _client(users, username).get(reverse("clusters:strength")).status_code == 403


@pytest.mark.parametrize("username", RACE_ROLES)
def test_assessment_workbook_inputs_hold_only_the_clusters_the_role_may_see(users, username,
                                                                           tmp_path):
    from python_calamine import CalamineWorkbook

    assessment = race_actions.do_assess(users["analyst"], year=CITY_YEARS[1],
                                        fund=Decimal("1000"))
    race_actions.do_publish_assessment(users["analyst"], assessment)
    response = _client(users, username).get(reverse("clusters:export",
                                                    args=[assessment.pk, "xlsx"]))
    assert response.status_code == 200
    path = tmp_path / "assessment.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    book = CalamineWorkbook.from_path(str(path))
    leaderboard = book.get_sheet_by_index(0).to_python()[1:]
    inputs = book.get_sheet_by_index(1).to_python()[1:]
    assert len(leaderboard) == assessment.results.count()  # published results: everyone
    assert {row[0] for row in inputs} == _clusters_with_inputs(users, username) & set(
        assessment.results.values_list("cluster__code", flat=True))

