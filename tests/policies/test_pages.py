"""The policy pages, the export and the API, as their users meet them."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from acupoint.accounts.actions import do_issue_token
from acupoint.accounts.models import AuditEntry
from acupoint.engine.policy import shipped_dir
from acupoint.policies.models import PolicyDocument

pytestmark = pytest.mark.django_db


def client_for(users, username=None) -> Client:
    client = Client()
    if username:
        client.force_login(users[username])
    return client


@pytest.mark.parametrize(("query", "expected", "absent"), [
    ("加氢站", "加氢站运营补助", "技术改造设备投资补助"),
    ("新能源汽车 奖补", "其他零部件新设企业项目设备投资奖补", "出口奖励"),
    ("研发投入后补助", "研发投入后补助", "加氢站运营补助"),
])
def test_the_library_searches_chinese_words(users, query, expected, absent):
    response = client_for(users).get(reverse("policies:library"), {"q": query})
    html = response.content.decode()
    assert response.status_code == 200
    assert expected in html and absent not in html


def test_the_library_filters_by_chain_mode_level_and_industry(users):
    client = client_for(users, "analyst")
    response = client.get(reverse("policies:library"), {"chain": "supporting"})
    found = [clause for clauses in response.context["documents"].values() for clause in clauses]
    assert found and {clause.chain for clause in found} == {"supporting"}
    response = client.get(reverse("policies:library"), {"mode": "auto", "level": "provincial"})
    found = [clause for clauses in response.context["documents"].values() for clause in clauses]
    assert {clause.key for clause in found} == {"sd-price-2022/d-class-electricity",
                                                "sd-price-2022/d-class-gas"}
    response = client.get(reverse("policies:library"), {"industry": "1311"})
    keys = {clause.key for clauses in response.context["documents"].values()
            for clause in clauses}
    assert "qd-nev-2022/vehicle-sales-growth" not in keys  # limited to industry 36
    assert "demo-manufacturing/tech-upgrade" in keys
    response = client.get(reverse("policies:library"), {"industry": "3612"})
    keys = {clause.key for clauses in response.context["documents"].values()
            for clause in clauses}
    assert "qd-nev-2022/vehicle-sales-growth" in keys


def test_a_withdrawn_policy_leaves_the_public_library_but_not_the_bureau(users):
    document = PolicyDocument.objects.get(policy_id="demo-finance")
    from acupoint.policies.actions import do_withdraw_policy

    do_withdraw_policy(users["admin"], document)
    public = client_for(users).get(reverse("policies:policy", args=["demo-finance"]))
    assert public.status_code == 404
    bureau = client_for(users, "admin").get(reverse("policies:policy", args=["demo-finance"]))
    assert bureau.status_code == 200


def test_the_policy_page_shows_clauses_reach_and_cost(users):
    response = client_for(users, "analyst").get(reverse("policies:policy",
                                                        args=["demo-manufacturing"]))
    html = response.content.decode()
    assert response.status_code == 200 and "技术改造设备投资补助" in html
    assert response.context["total_eligible"] > 0 and response.context["total_cost"] > 0
    anonymous = client_for(users).get(reverse("policies:policy", args=["demo-manufacturing"]))
    assert anonymous.status_code == 200 and anonymous.context["sees_reach"] is False


def test_the_reach_page_and_its_workbook(users):
    client = client_for(users, "admin")
    response = client.get(reverse("policies:reach"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) >= 50
    # Example clauses rest on placeholders; the published NEV clauses on none.
    marked = {row["clause"].key: bool(row["placeholders"]) for row in rows}
    assert marked["demo-manufacturing/digital-transformation"]
    assert not marked["qd-nev-2022/vehicle-sales-growth"]
    download = client.get(reverse("policies:reach"), {"format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = workbook.active
    assert sheet.max_row == len(rows) + 1
    header = [cell.value for cell in sheet[1]]
    assert gettext("Estimated cost (万元)") in header
    cost = header.index(gettext("Estimated cost (万元)"))
    total = sum(row[cost].value or 0 for row in sheet.iter_rows(min_row=2))
    assert gettext("Placeholder values") in header
    assert total == pytest.approx(sum(row["reach"].cost for row in rows if row["reach"]))


def test_publishing_a_bad_file_lists_every_problem_with_its_line(users):
    source = (shipped_dir() / "qingdao_nev_2022.yaml").read_text(encoding="utf-8")
    bad = source.replace("policy:\n  id: qd-nev-2022", "policy:\n  id: qd-nev-2022-draft") \
        .replace('"vehicle_sales_increase > 0"', '"vehicle_sale > 0"').replace(
        "    values: [{from: 2022-12-29, value: 0.005}]",
        "    values: [{from: 2022-12-29, value: 0.005}, {from: 2023-06-01, value: 0.004}]", 1)
    before = AuditEntry.objects.count()
    response = client_for(users, "admin").post(reverse("policies:publish"), {"text": bad})
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("vehicle_sale" in error and ".yaml:" in error for error in errors)
    # In the reader's language, the place (file, line, key) kept.
    assert any("未知的数据项“vehicle_sale”" in error for error in errors)
    assert any("日期重叠" in error and "parameters.vehicle_growth_rate" in error
               for error in errors)
    assert not PolicyDocument.objects.filter(policy_id="qd-nev-2022-draft").exists()
    assert AuditEntry.objects.count() == before


def test_publishing_a_policy_matches_it_at_once(users):
    source = (shipped_dir() / "illustrative_market.yaml").read_text(encoding="utf-8")
    text = source.replace("id: demo-market", "id: demo-market-2").replace(
        "exhibition_cost > 0", "exhibition_cost > 1")
    response = client_for(users, "admin").post(reverse("policies:publish"), {"text": text})
    assert response.status_code == 302
    document = PolicyDocument.objects.get(policy_id="demo-market-2")
    assert document.clauses.count() == 10
    assert document.clauses.filter(matches__status="eligible").exists()
    assert AuditEntry.objects.filter(action="policies.publish").exists()
    assert client_for(users, "huangdao").post(reverse("policies:publish"),
                                              {"text": text}).status_code == 403


def test_the_bureau_simulates_an_amendment(users):
    document = PolicyDocument.objects.get(policy_id="demo-manufacturing")
    text = document.yaml_text.replace('formula: "0.2 * digital_investment"',
                                      'formula: "0.3 * digital_investment"').replace(
        '"digital_investment >= 100"', '"digital_investment >= 50"')
    response = client_for(users, "admin").post(
        reverse("policies:simulate", args=["demo-manufacturing"]), {"text": text})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.changed == ["digital-transformation"]
    totals = result.simulation.totals
    assert totals["draft"]["eligible"] > totals["baseline"]["eligible"]
    assert totals["draft"]["cost"] > totals["baseline"]["cost"]
    assert result.simulation.changes and all(row["change"] > 0
                                             for row in result.simulation.changes)
    unchanged = client_for(users, "admin").post(
        reverse("policies:simulate", args=["demo-manufacturing"]),
        {"text": document.yaml_text})
    assert unchanged.context["result"] is None and unchanged.context["form"].errors


def _api(users, username="analyst"):
    token = do_issue_token(None, users[username], "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_match_api_explains_a_profile(users):
    body = {"profile": {"above_scale": True, "revenue": 10000, "rd_spend": 280,
                        "equipment_investment": 2000},
            "date": "2024-06-30"}
    response = client_for(users).post("/api/policy/match", body,
                                      content_type="application/json", **_api(users))
    assert response.status_code == 200, response.content
    data = response.json()
    by_key = {item["key"]: item for item in data["matches"]}
    upgrade = by_key["demo-manufacturing/tech-upgrade"]
    assert upgrade["status"] == "eligible" and upgrade["amount"] == 160
    assert {condition["outcome"] for condition in upgrade["conditions"]} == {"met"}
    near = by_key["demo-innovation/rd-expense-subsidy"]
    assert near["near_miss"] and near["gap"] == "研发投入强度 2.8%，需 ≥ 3%"
    assert data["clauses_in_force"] >= len(data["matches"])


def test_the_match_api_refuses_unknown_and_derived_variables(users):
    for profile, word in (({"revenu": 1}, "revenu"), ({"rd_intensity": 0.05}, "rd_intensity")):
        response = client_for(users).post("/api/policy/match", {"profile": profile},
                                          content_type="application/json", **_api(users))
        assert response.status_code == 422 and word in response.content.decode()
    anonymous = Client().post("/api/policy/match", {"profile": {}},
                              content_type="application/json")
    assert anonymous.status_code == 401


def test_the_bureau_rematches_in_the_background(users):
    from acupoint.policies.models import MatchRun

    response = client_for(users, "admin").post(reverse("policies:rematch"))
    assert response.status_code == 302
    run = MatchRun.objects.first()
    assert run.trigger == MatchRun.Trigger.MANUAL and run.created_by == users["admin"]
    from acupoint.registry.models import Enterprise

    assert run.enterprises == Enterprise.objects.count()
    assert client_for(users, "huangdao").post(reverse("policies:rematch")).status_code == 403
