"""The race pages by role: the bureau runs, publishes and exports; a cluster manager sees the
published result and updates its own tasks only; bad input is refused with every error."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils.translation import gettext

from acupoint.clusters import actions
from acupoint.clusters.models import Assessment, ExpertScore, Task
from acupoint.registry.models import Cluster
from tests.conftest import CITY_YEARS

pytestmark = pytest.mark.django_db
YEAR = CITY_YEARS[1]


@pytest.fixture
def published(users):
    assessment = actions.do_assess(users["analyst"], year=YEAR, fund=Decimal("5000"))
    return actions.do_publish_assessment(users["analyst"], assessment)


def test_the_bureau_runs_an_assessment_from_the_page(client, users):
    client.force_login(users["analyst"])
    page = client.get(reverse("clusters:overview"))
    assert page.status_code == 200 and "framework" in page.context["form"].fields
    response = client.post(reverse("clusters:overview"), {
        "year": YEAR, "quarter": "", "fund": "3000", "use_yaml": "on",
        "framework": actions.default_framework()})
    assessment = Assessment.objects.get(period=str(YEAR))
    assert response.url == reverse("clusters:assessment", args=[assessment.pk])
    detail = client.get(response.url)
    assert detail.status_code == 200
    assert detail.context["reward_total"] == Decimal("3000.00")
    # The plan publishes no weights, proxies or reward rules: every one is a placeholder.
    assert 'id="assessment-placeholders"' in detail.content.decode()
    assert any("市工业和信息化局" in text for text in detail.context["placeholders"])
    assert detail.context["reward_placeholders"]
    client.post(reverse("clusters:publish", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == "published"


def test_a_bad_framework_is_shown_with_its_line(client, users):
    client.force_login(users["analyst"])
    text = actions.default_framework().replace("normalise: {method: minmax",
                                               "normalise: {method: cubic", 1)
    response = client.post(reverse("clusters:overview"), {
        "year": YEAR, "fund": "3000", "use_yaml": "on", "framework": text})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "normalise.method" in errors
    assert not Assessment.objects.exists()


def test_drafts_stay_with_the_bureau(client, users):
    draft = actions.do_assess(None, year=YEAR, fund=Decimal("100"))
    client.force_login(users["cluster"])
    assert client.get(reverse("clusters:assessment", args=[draft.pk])).status_code == 404
    assert client.get(reverse("clusters:overview")).context["latest"] is None


def test_a_manager_sees_the_published_result_and_updates_only_own_tasks(client, users,
                                                                         published):
    manager = users["cluster"]
    own = Task.objects.filter(cluster=manager.cluster).first()
    other = Task.objects.exclude(cluster=manager.cluster).exclude(cluster=None).first()
    client.force_login(manager)
    page = client.get(reverse("clusters:cluster", args=[manager.cluster.code]))
    assert page.status_code == 200 and page.context["latest"].assessment == published
    assert [task.pk for task in page.context["tasks"]] == list(
        Task.objects.filter(cluster=manager.cluster).order_by("status", "deadline", "id")
        .values_list("pk", flat=True))
    if own:
        client.post(reverse("clusters:task-update", args=[own.pk]),
                    {"status": "done", "note": "已完成"})
        own.refresh_from_db()
        assert (own.status, own.note, own.updates.count()) == ("done", "已完成", 1)
    if other:
        response = client.post(reverse("clusters:task-update", args=[other.pk]),
                               {"status": "done"})
        assert response.status_code == 404  # not in the manager's scope at all


def test_overdue_tasks_are_flagged_for_the_bureau(client, users):
    task = Task.objects.first()
    task.deadline, task.status = datetime.date(2020, 1, 1), Task.Status.UNDER_WAY
    task.save()
    client.force_login(users["analyst"])
    page = client.get(reverse("clusters:overview"))
    assert task in list(page.context["overdue"])
    assert "overdue" in client.get(reverse("clusters:tasks")).content.decode()


def test_meeting_decisions_with_a_bad_line_record_nothing(client, users):
    client.force_login(users["analyst"])
    before = Task.objects.count()
    response = client.post(reverse("clusters:tasks"), {
        "held_on": "2026-11-01", "title": "联席会议", "minutes": "",
        "decisions": "完成边界核定 | QD01 | 2026-12-31\n招商图谱 | 市投促局 | 明年\n| |"})
    errors = response.context["form"].errors["decisions"]
    assert any("2" in error and "明年" in error for error in errors)
    assert any(error.startswith(("Line 3", "第 3")) for error in errors)
    assert Task.objects.count() == before
    client.post(reverse("clusters:tasks"), {
        "held_on": "2026-11-01", "title": "联席会议", "minutes": "",
        "decisions": "完成边界核定 | QD01 | 2026-12-31\n招商图谱 | 市投促局 | 2027-01-31"})
    added = Task.objects.order_by("-id")[:2]
    assert {(task.cluster and task.cluster.code, task.department) for task in added} == {
        ("QD01", ""), (None, "市投促局")}


def test_expert_grid_refuses_out_of_range_and_keeps_what_was_typed(client, users):
    client.force_login(users["analyst"])
    code = Cluster.objects.order_by("code").first().code
    before = ExpertScore.objects.count()
    response = client.post(reverse("clusters:experts", args=["2031"]), {
        f"score-{code}-planning": "120", f"score-{code}-level": "80"})
    assert len(response.context["errors"]) == 1 and "120" in response.context["errors"][0]
    assert ExpertScore.objects.count() == before
    assert 'value="120"' in response.content.decode()


def test_exports_are_real_files(client, users, published):
    client.force_login(users["analyst"])
    response = client.get(reverse("clusters:export", args=[published.pk, "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    assert sheet.max_row == 1 + published.results.count()
    headers = [cell.value for cell in sheet[1]]
    reward = headers.index(gettext("Reward (万元)"))
    paid = sum(Decimal(str(row[reward].value or 0)) for row in sheet.iter_rows(min_row=2))
    assert paid == sum(result.reward for result in published.results.all())
    listed = list(book["待定参数"].iter_rows(min_row=2, values_only=True))
    assert listed and all(text for _affects, text in listed)
    from docx import Document

    response = client.get(reverse("clusters:export", args=[published.pk, "docx"]))
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert published.period in text and document.inline_shapes
    assert "待定参数" in text


def test_strength_and_traditional_pages(client, users):
    client.force_login(users["huangdao"])
    page = client.get(reverse("clusters:strength"))
    assert page.status_code == 200 and len(page.context["strengths"]) == Cluster.objects.count()
    assert page.context["star_placeholders"] and 'id="star-placeholders"' in \
        page.content.decode()
    page = client.get(reverse("clusters:traditional"))
    assert all(case.enterprise.district == users["huangdao"].district
               for case in page.context["cases"])
    client.force_login(users["enterprise"])
    assert client.get(reverse("clusters:overview")).status_code == 403
