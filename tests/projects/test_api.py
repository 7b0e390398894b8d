"""The project API as an approval platform and a leadership screen use it: stages posted with
a token are checked and recorded exactly as on the pages, and each caller reads only the
projects in its scope."""

from __future__ import annotations

import pytest
from django.test import Client

from acupoint.accounts.actions import do_issue_token
from acupoint.projects.models import Approval, Escalation, StageEvent
from acupoint.registry.models import District
from tests.projects.test_actions import D, make_project

pytestmark = pytest.mark.django_db


def _bearer(users, username: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {do_issue_token(None, users[username], 'test')}"}


def test_an_approval_platform_posts_stages_and_gets_warnings_and_escalations(users):
    project = make_project(users["admin"], first_contact=D(2025, 1, 2))
    Approval.objects.create(project=project, stage="land_planning", accepted_on=D(2025, 1, 6))
    client, auth = Client(), _bearer(users, "huangdao")
    url = f"/api/projects/{project.pk}/stages"
    posted = client.post(url, {"stage": "registration", "day": "2025-01-13",
                               "documents": ["营业执照"]},
                         content_type="application/json", **auth)
    assert posted.status_code == 201, posted.content
    body = posted.json()
    assert {warning["kind"] for warning in body["warnings"]} == {"missing"}
    # The planning application has been under review since January: past the 100 days.
    assert (body["escalations_raised"][0]["stage"], body["escalations_raised"][0]["basis"]) \
        == ("land_planning", "budget")
    assert StageEvent.objects.get(pk=body["event_id"]).document_list() == ["营业执照"]
    for payload, status in (({"stage": "negotiation", "day": "2099-01-05"}, 422),
                            ({"stage": "ribbon", "day": "2025-02-03"}, 422),
                            ({"stage": "negotiation", "day": "2025-02-03",
                              "department": "nowhere"}, 422)):
        refused = client.post(url, payload, content_type="application/json", **auth)
        assert refused.status_code == status, refused.content
    assert project.events.count() == 2
    denied = client.post(url, {"stage": "negotiation", "day": "2025-02-03"},
                         content_type="application/json", **_bearer(users, "cluster"))
    assert denied.status_code == 404  # not in a cluster manager's scope
    assert Escalation.objects.filter(project=project).count() == 2


def test_each_caller_lists_only_its_projects(users):
    own = make_project(users["admin"], first_contact=D(2025, 1, 2))
    other = make_project(users["admin"], first_contact=D(2025, 1, 2), district=District.objects
                         .exclude(name="黄岛").first())
    client = Client()
    everything = client.get("/api/projects", **_bearer(users, "analyst")).json()
    assert {item["id"] for item in everything["items"]} == {own.pk, other.pk}
    mine = client.get("/api/projects", **_bearer(users, "huangdao")).json()
    assert [item["id"] for item in mine["items"]] == [own.pk]
    detail = client.get(f"/api/projects/{own.pk}", **_bearer(users, "huangdao")).json()
    assert detail["events"][0]["stage_name"] == "接洽" and detail["waiting_for"] == "negotiation"
    assert client.get(f"/api/projects/{other.pk}",
                      **_bearer(users, "huangdao")).status_code == 404
    assert client.get("/api/projects").status_code == 401
