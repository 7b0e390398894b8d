"""The notice box: the actions that concern a user leave them a notice (once), in their
language; only its reader opens it; opening reads it; mail goes out where configured."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from acupoint.accounts.models import AuditEntry
from acupoint.clusters.actions import do_remind_tasks
from acupoint.clusters.models import Meeting, Task
from acupoint.notices import sending
from acupoint.notices.models import Kind, Notice
from acupoint.notices.sentences import sentence
from acupoint.policies import actions as policies
from acupoint.policies.models import Match, MatchRun, PolicyClause
from acupoint.triage.actions import do_file_appeal, do_resolve_appeal
from tests.conftest import computed_run, load_city_and_users

pytestmark = pytest.mark.django_db


def _notices(user, kind: str) -> list[Notice]:
    return list(Notice.objects.filter(user=user, kind=kind))


def test_a_decided_application_tells_the_firm_with_the_amount(users):
    firm_user = users["enterprise"]
    clause = PolicyClause.objects.get(key="demo-manufacturing/digital-transformation")
    application = policies.do_apply(firm_user, firm_user.enterprise, clause,
                                    day=dt.date(2024, 9, 27))
    assert not _notices(firm_user, Kind.APPLICATION_DECIDED)
    policies.do_decide_application(users["admin"], application, "approved",
                                   dt.date(2024, 10, 8), amount=45)
    policies.do_decide_application(users["admin"], application, "paid", dt.date(2024, 10, 14))
    approved, paid = sorted(_notices(firm_user, Kind.APPLICATION_DECIDED),
                            key=lambda notice: notice.pk)
    with translation.override("zh-hans"):
        assert "45 万元" in sentence(approved) and clause.title in sentence(approved)
    with translation.override("en"):
        assert sentence(paid) == f"45 万元 for {clause.title} has been paid."
    assert not Notice.objects.exclude(user=firm_user).filter(
        kind=Kind.APPLICATION_DECIDED).exists()


def test_new_matches_are_told_once_with_their_count(users):
    firm_user = users["enterprise"]
    firm = firm_user.enterprise
    policies.do_set_fact(firm_user, firm, "exhibition_cost", "40")
    told = _notices(firm_user, Kind.NEW_MATCH)
    assert len(told) == 1 and told[0].params["count"] >= 1
    assert told[0].url == reverse("policies:mine")
    policies.do_rematch(None, MatchRun.Trigger.DATA, [firm.pk])  # nothing new: no notice
    assert len(_notices(firm_user, Kind.NEW_MATCH)) == 1
    assert Match.objects.filter(enterprise=firm, status="eligible").exists()


def test_a_resolved_appeal_tells_the_firm_and_the_box_reads_it(users):
    run = computed_run(users, publish=True)
    firm_user = users["enterprise"]
    result = run.results.select_related("run").get(enterprise=firm_user.enterprise)
    appeal = do_file_appeal(firm_user, result, field="land_mu", claimed_value=1.0,
                            reason="面积有误")
    do_resolve_appeal(users["analyst"], appeal, accept=False, answer="以不动产登记证为准。")
    (notice,) = _notices(firm_user, Kind.APPEAL_DECIDED)
    browser = Client()
    browser.force_login(firm_user)
    page = browser.get(reverse("dashboard:overview")).content.decode()
    assert 'class="notice-count"' in page
    box = browser.get(reverse("notices:box")).content.decode()
    assert "未被采纳" in box
    stranger = Client()
    stranger.force_login(users["huangdao"])
    assert stranger.get(reverse("notices:open", args=[notice.pk])).status_code == 404
    opened = browser.get(reverse("notices:open", args=[notice.pk]))
    assert opened.url == reverse("triage:appeal", args=[appeal.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert AuditEntry.objects.filter(action="notices.read", actor=firm_user).exists()
    assert 'class="notice-count"' not in browser.get(reverse("notices:box")).content.decode()


def test_mark_all_read(users):
    reader = users["huangdao"]
    sending.send([reader], sending.Message(Kind.TASK_DUE, "/clusters/tasks/", {
        "task": "报送数据", "deadline": "2026-12-07", "overdue": False}, key="a"))
    sending.send([reader], sending.Message(Kind.TASK_DUE, "/clusters/tasks/", {
        "task": "开会", "deadline": "2026-12-01", "overdue": True}, key="b"))
    browser = Client()
    browser.force_login(reader)
    browser.post(reverse("notices:read-all"))
    assert not Notice.objects.filter(user=reader, read_at__isnull=True).exists()


def test_tasks_falling_due_are_reminded_once_to_their_owners(users):
    manager = users["cluster"]
    meeting = Meeting.objects.create(held_on=dt.date(2026, 11, 2), title="联席会议")
    today = dt.date(2026, 12, 5)
    soon = Task.objects.create(meeting=meeting, decision="完成集聚区数据报送",
                               cluster=manager.cluster, deadline=today + dt.timedelta(days=2))
    Task.objects.create(meeting=meeting, decision="远期任务", cluster=manager.cluster,
                        deadline=today + dt.timedelta(days=30))
    Task.objects.create(meeting=meeting, decision="已完成", cluster=manager.cluster,
                        deadline=today, status=Task.Status.DONE)
    assert do_remind_tasks(None, today) == 1
    assert do_remind_tasks(None, today) == 0  # once per deadline and state
    (notice,) = _notices(manager, Kind.TASK_DUE)
    with translation.override("en"):
        assert sentence(notice) == f"Due on {soon.deadline.isoformat()}: 完成集聚区数据报送"
    assert do_remind_tasks(None, today + dt.timedelta(days=3)) == 1  # now overdue
    with pytest.raises(PermissionDenied):
        do_remind_tasks(users["huangdao"], today)


def test_notices_are_mailed_where_a_mail_server_is_set(users, settings,
                                                       django_capture_on_commit_callbacks):
    settings.ACUPOINT_NOTICE_EMAIL = True
    settings.ACUPOINT_SITE_URL = "https://acupoint.example.gov.cn"
    reader = users["cluster"]
    reader.email = "cluster@example.gov.cn"
    reader.save()
    with django_capture_on_commit_callbacks(execute=True):
        sending.send([reader, users["huangdao"]], sending.Message(
            Kind.TASK_DUE, "/clusters/tasks/", {"task": "报送数据", "deadline": "2026-12-07",
                                                "overdue": False}, key="mail"))
    assert [message.to for message in mail.outbox] == [["cluster@example.gov.cn"]]
    assert "https://acupoint.example.gov.cn/clusters/tasks/" in mail.outbox[0].body
    assert "报送数据" in mail.outbox[0].body
    assert Notice.objects.get(user=reader, key="mail").mailed_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_same_notice_sent_at_once_is_kept_once(city_dir):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are tested on PostgreSQL (the second pass of make test)")
    from acupoint.accounts.models import User

    load_city_and_users(city_dir)  # a transactional test starts from an empty database
    reader = User.objects.get(username="cluster")
    message = sending.Message(Kind.TASK_DUE, "/clusters/tasks/", {
        "task": "报送数据", "deadline": "2026-12-07", "overdue": False}, key="race")
    barrier = threading.Barrier(8)

    def send() -> None:
        barrier.wait()
        try:
            sending.send([reader.pk], message)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Notice.objects.filter(user=reader, key="race").count() == 1
