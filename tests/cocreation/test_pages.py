"""The co-creation pages as their users meet them: demands, drafts and diffs, a round with
comments, answers and reports, the public feedback, peer imports, and the published clause
that shows the demands it answers."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from acupoint.cocreation import actions
from acupoint.cocreation.models import Comment, Demand, PeerPolicy, Round
from tests.cocreation.test_actions import CLAUSES, draft_with_clauses, public_round
from tests.text.test_text import _numbered_docx

pytestmark = pytest.mark.django_db


def client_for(users, username) -> Client:
    client = Client()
    client.force_login(users[username])
    return client


def test_a_demand_is_submitted_and_shown_as_text_never_as_html(users):
    client = client_for(users, "enterprise")
    response = client.post(reverse("cocreation:new-demand"), {
        "title": "<b>降低用地成本</b>", "text": "<script>alert('x')</script>建议降低标准地价格",
        "category": "land", "chain": "manufacturing", "industry": "36", "measure": "地价优惠"})
    assert response.status_code == 302
    demand = Demand.objects.get()
    assert demand.submitter == users["enterprise"] and demand.enterprise_id
    html = client.get(reverse("cocreation:hub")).content.decode()
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert "&lt;b&gt;降低用地成本&lt;/b&gt;" in html
    public = Client().get(reverse("cocreation:public-demands")).content.decode()
    assert "降低用地成本" in public
    assert users["enterprise"].enterprise.name not in public
    empty = client.post(reverse("cocreation:new-demand"), {"title": "", "text": "",
                                                            "category": "land"})
    assert empty.status_code == 200 and Demand.objects.count() == 1


def test_the_draft_page_shows_coverage_gaps_and_the_diff_between_versions(users):
    draft = draft_with_clauses(users)
    changed = [{**CLAUSES[0], "text": CLAUSES[0]["text"].replace("1亿元", "2亿元")}]
    actions.do_save_version(users["admin"], draft, changed, "提高上限")
    client = client_for(users, "analyst")
    html = client.get(reverse("cocreation:draft", args=[draft.pk])).content.decode()
    assert html.count('class="num gap"') == 7  # one of 8 cells covered
    diff = client.get(reverse("cocreation:diff", args=[draft.pk]),
                      {"from": 2, "to": 3}).content.decode()
    assert "<del>1</del><ins>2</ins>亿元" in diff
    assert 'class="change removed" data-key="parts"' in diff
    assert client_for(users, "enterprise").get(
        reverse("cocreation:draft", args=[draft.pk])).status_code == 404


def test_a_round_runs_from_comments_to_reports_and_public_feedback(users):
    draft = draft_with_clauses(users)
    consultation = public_round(users, draft)
    clause = consultation.version.clauses.get(key="vehicle")
    for username, text in (("enterprise", "建议上限提高到2亿元。"),
                           ("association", "<img src=x onerror=alert(1)>请明确申报时间。")):
        response = client_for(users, username).post(
            reverse("cocreation:comment", args=[consultation.pk]),
            {"clause": clause.pk, "text": text, "quote": "最高1亿元"})
        assert response.status_code == 302
    assert Comment.objects.filter(round=consultation, span_start__isnull=False).count() == 2
    bureau = client_for(users, "admin")
    page = bureau.get(reverse("cocreation:round", args=[consultation.pk])).content.decode()
    assert "&lt;img src=x" in page and "<img src=x" not in page
    bureau.post(reverse("cocreation:close", args=[consultation.pk]))
    consultation.refresh_from_db()
    assert consultation.status == "open"
    for comment in consultation.comments.all():
        bureau.post(reverse("cocreation:answer", args=[consultation.pk, comment.pk]),
                    {"decision": "partly", "reason": "上限调整为1.5亿元。"})
    bureau.post(reverse("cocreation:close", args=[consultation.pk]))
    consultation.refresh_from_db()
    assert consultation.status == "closed"
    report = bureau.get(reverse("cocreation:export", args=[consultation.pk, "docx"]))
    text = "\n".join(paragraph.text for paragraph in Document(
        io.BytesIO(b"".join(report.streaming_content))).paragraphs)
    assert "建议上限提高到2亿元。" in text and "上限调整为1.5亿元。" in text
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(bureau.get(reverse(
        "cocreation:export", args=[consultation.pk, "xlsx"])).streaming_content)))
    rows = list(workbook.active.values)
    assert len(rows) == 3 and rows[1][1] == "第一条" and rows[1][3] == "最高1亿元"
    assert client_for(users, "enterprise").get(
        reverse("cocreation:export", args=[consultation.pk, "docx"])).status_code == 403
    feedback = Client().get(reverse("cocreation:feedback", args=[consultation.pk]))
    assert feedback.status_code == 200 and "上限调整为1.5亿元。" in feedback.content.decode()


def test_a_peer_docx_is_imported_and_compared_with_the_draft(users, tmp_path):
    path = tmp_path / "peer.docx"
    _numbered_docx(path)
    with path.open("rb") as handle:
        client_for(users, "analyst").post(reverse("cocreation:import-peer"), {
            "city": "合肥", "title": "合肥市支持氢能产业发展的若干措施", "upload": handle})
    peer = PeerPolicy.objects.get()
    assert [clause.label for clause in peer.clauses.all()] == ["一（一）", "一（二）", "二（一）"]
    assert peer.clauses.first().amount == 500
    draft = draft_with_clauses(users)
    html = client_for(users, "analyst").get(
        reverse("cocreation:draft", args=[draft.pk])).content.decode()
    assert "对加氢站运营给予补贴" in html.split('id="lacking"')[1]


def test_the_published_clause_shows_the_demands_it_answers(users):
    asked = actions.do_submit_demand(users["enterprise"], title="整车项目奖励上限太低",
                                     text="建议提高整车项目奖励上限。", category="funding")
    draft = draft_with_clauses(users)
    clause = draft.latest().clauses.get(key="vehicle")
    actions.do_review_demand(users["admin"], asked, "adopted", clause=clause)
    response = client_for(users, "admin").post(reverse("cocreation:publish", args=[draft.pk]))
    assert response.status_code == 302
    html = client_for(users, "enterprise").get(response.url).content.decode()
    assert "整车项目奖励上限太低" in html
    hub = client_for(users, "enterprise").get(reverse("cocreation:hub")).content.decode()
    assert "第一条" in hub and dt.date.today().strftime("%Y-%m-%d") in hub


def test_the_bureau_sees_demands_by_chain_link_and_industry_with_their_attachments(users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users, "enterprise")
    for number, industry in enumerate(("36", "36", "")):  # chosen by division, by name
        client.post(reverse("cocreation:new-demand"), {
            "title": f"诉求{number}", "text": "建议加大支持", "category": "funding",
            "chain": "manufacturing", "industry": industry,
            "attachment": SimpleUploadedFile("说明.txt", "附件内容".encode())})
    assert Demand.objects.filter(attachment__endswith=".txt").count() == 3
    html = client_for(users, "analyst").get(reverse("cocreation:hub")).content.decode()
    counts = html.split('id="demand-counts"')[1].split("</div>")[0]
    assert "<td>生产制造</td><td class=\"num\">3</td>" in counts.replace("\n", "")
    assert "36 汽车制造业</td><td class=\"num\">2</td>" in counts


def test_the_report_shows_what_changed_since_the_version_consulted_on(users):
    draft = draft_with_clauses(users)
    consultation = public_round(users, draft)
    actions.do_close_round(users["admin"], consultation)
    changed = [{**CLAUSES[0], "text": CLAUSES[0]["text"].replace("1亿元", "2亿元")}]
    actions.do_save_version(users["admin"], draft, changed, "提高上限")
    report = client_for(users, "admin").get(
        reverse("cocreation:export", args=[consultation.pk, "docx"]))
    paragraphs = Document(io.BytesIO(b"".join(report.streaming_content))).paragraphs
    struck = [run.text for paragraph in paragraphs for run in paragraph.runs
              if run.font.strike]
    added = [run.text for paragraph in paragraphs for run in paragraph.runs
             if run.font.underline]
    assert "1" in struck and "2" in added
    assert any(CLAUSES[1]["text"] in text for text in struck)


def test_the_demo_seeds_demands_a_peer_policy_and_an_open_round_once(users):
    from acupoint.demo import cocreation

    cocreation.seed()
    cocreation.seed()
    assert Demand.objects.count() == len(cocreation.DEMANDS)
    # Reviews made after the analysis keep every demand's theme.
    assert not Demand.objects.filter(theme__isnull=True).exists()
    assert all(Demand.objects.values_list("theme_terms", flat=True))
    consultation = Round.objects.get(status="open", public=True)
    assert consultation.comments.count() == 1
    html = Client().get(reverse("cocreation:round", args=[consultation.pk])).content.decode()
    assert "对新落户整车企业" in html and "建议上限提高到2亿元" not in html
    page = client_for(users, "analyst").get(
        reverse("cocreation:draft", args=[consultation.draft_id])).content.decode()
    assert "示例城市" in page.split('id="aligned"')[1]


def test_an_attachment_is_served_to_its_submitter_and_the_bureau_only(users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client_for(users, "enterprise").post(reverse("cocreation:new-demand"), {
        "title": "附件诉求", "text": "见附件", "category": "other",
        "attachment": SimpleUploadedFile("测算表.txt", "企业测算".encode())})
    demand = Demand.objects.get(title="附件诉求")
    url = reverse("cocreation:attachment", args=[demand.pk])
    for username in ("enterprise", "analyst"):
        response = client_for(users, username).get(url)
        assert b"".join(response.streaming_content).decode() == "企业测算"
    assert client_for(users, "association").get(url).status_code == 404


def test_an_edited_comment_shows_its_earlier_wording(users):
    consultation = public_round(users, draft_with_clauses(users))
    comment = actions.do_comment(users["association"], consultation,
                                 consultation.version.clauses.first(), "初稿意见")
    actions.do_edit_comment(users["association"], comment, "修改后的意见")
    html = client_for(users, "association").get(
        reverse("cocreation:round", args=[consultation.pk])).content.decode()
    assert "修改后的意见" in html and "初稿意见" in html.split('class="revisions')[1]


def test_a_peer_policy_in_gbk_text_is_read(users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = "第一条 对新落户整车项目，最高奖励1亿元。\n第二条 对加氢站给予补贴。"
    client_for(users, "analyst").post(reverse("cocreation:import-peer"), {
        "city": "济南", "title": "济南市政策", "upload": SimpleUploadedFile(
            "policy.txt", text.encode("gbk"))})
    peer = PeerPolicy.objects.get(city="济南")
    assert [clause.text for clause in peer.clauses.all()] == [
        "对新落户整车项目，最高奖励1亿元。", "对加氢站给予补贴。"]


def test_a_comment_whose_passage_is_not_found_keeps_what_was_typed(users):
    consultation = public_round(users, draft_with_clauses(users))
    clause = consultation.version.clauses.get(key="vehicle")
    client = client_for(users, "enterprise")
    typed = "建议把补贴上限提高到2亿元，并明确申报窗口。"
    response = client.post(reverse("cocreation:comment", args=[consultation.pk]),
                           {"clause": clause.pk, "text": typed, "quote": "这段话不在条款里"})
    page = response.content.decode()
    assert response.status_code == 422 and not Comment.objects.exists()
    form = page.split('id="unsaved-comment"')[1].split("</form>")[0]
    assert typed in form and "这段话不在条款里" in form and 'role="alert"' in form
    client.post(reverse("cocreation:comment", args=[consultation.pk]),
                {"clause": clause.pk, "text": typed, "quote": ""})
    shown = client_for(users, "admin").get(
        reverse("cocreation:round", args=[consultation.pk])).content.decode()
    commenter = shown.split('class="muted commenter"')[1].split("</small>")[0]
    assert users["enterprise"].enterprise.name in commenter


def test_the_bureau_adopts_a_demand_into_a_clause_chosen_by_its_title(users):
    draft = draft_with_clauses(users)
    client = client_for(users, "enterprise")
    client.post(reverse("cocreation:new-demand"), {"title": "降低用地成本", "text": "建议降低地价",
                                                   "category": "land"})
    demand = Demand.objects.get()
    bureau = client_for(users, "admin")
    hub = bureau.get(reverse("cocreation:hub"))
    choices = dict(hub.context["review_form"].fields["clause"].choices)
    clause = draft.latest().clauses.get(key="vehicle")
    offered = dict(choices[draft.title])
    assert offered[f"{draft.policy_id}/vehicle"] == f"{clause.article} {clause.title}"
    bureau.post(reverse("cocreation:review", args=[demand.pk]), {
        "status": "adopted", "clause": f"{draft.policy_id}/vehicle", "reason": "已采纳"})
    demand.refresh_from_db()
    assert demand.status == "adopted" and clause.answers.filter(pk=demand.pk).exists()
