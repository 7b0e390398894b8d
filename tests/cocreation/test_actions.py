"""Co-creation: demands to adoption, drafts and versions, rounds that close only when every
comment is answered, limits on comments, campaigns answered once, and publication into the
policy calculator."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from acupoint.accounts import scoping
from acupoint.accounts.actions import do_create_user
from acupoint.accounts.roles import ParticipantKind, Role
from acupoint.cocreation import actions
from acupoint.cocreation.models import Comment, Demand, Draft, Round
from acupoint.policies.models import Match, PolicyClause

pytestmark = pytest.mark.django_db


def said(message: str, **values) -> str:
    """The message as the user reads it, as a pattern."""
    return re.escape(gettext(message) % values if values else gettext(message))
TODAY = dt.date(2026, 11, 30)
CLAUSES = [
    {"key": "vehicle", "article": "第一条", "title": "整车项目奖励",
     "text": "对新落户整车企业，按设备投资的20%给予奖励，最高1亿元。",
     "chain": "manufacturing", "side": "supply", "support": "reward"},
    {"key": "parts", "article": "第二条", "title": "关键零部件配套",
     "text": "对本地采购关键零部件的整车企业，按采购额的2%给予奖励，最高500万元。",
     "chain": "supporting", "side": "demand", "support": "reward"},
]


def demand(users, **overrides):
    fields = {"title": "提高设备投资补助", "text": "<script>alert(1)</script>建议提高比例",
              "category": "funding", "chain": "manufacturing", "measure": "补助比例提高到20%"}
    return actions.do_submit_demand(users["enterprise"], **{**fields, **overrides})


def draft_with_clauses(users, author=None):
    draft = actions.do_create_draft(users["admin"], title="新能源汽车产业链政策（征求意见稿）",
                                    policy_id="cocreated-nev", issuer="青岛市工业和信息化局",
                                    author=author)
    actions.do_save_version(author or users["admin"], draft, CLAUSES, "初稿")
    return draft


def public_round(users, draft):
    return actions.do_open_round(users["admin"], draft, kind=Round.Kind.PUBLIC,
                                 opens=TODAY, closes=TODAY + dt.timedelta(days=30),
                                 public=True)


def participant(number: int):
    return do_create_user(None, username=f"member{number}", password="x-demo-2019-long",
                          role=Role.PARTICIPANT, organisation=f"协会{number}",
                          participant_kind=ParticipantKind.ASSOCIATION)


def test_a_demand_moves_through_review_and_its_submitter_sees_every_step(users):
    asked = demand(users)
    assert asked.text.startswith("<script>")  # kept as written; pages show it as text
    draft = draft_with_clauses(users)
    clause = draft.latest().clauses.get(key="vehicle")
    actions.do_review_demand(users["admin"], asked, Demand.Status.REVIEWING)
    actions.do_review_demand(users["admin"], asked, Demand.Status.ADOPTED, clause=clause)
    assert [event.status for event in asked.events.all()] == [
        "received", "reviewing", "adopted"]
    assert list(scoping.visible(users["enterprise"], Demand)) == [asked]
    assert not scoping.visible(users["association"], Demand).exists()
    assert scoping.visible(users["analyst"], Demand).filter(pk=asked.pk).exists()
    with pytest.raises(ValidationError, match=said("A declined demand needs a reason.")):
        actions.do_review_demand(users["admin"], demand(users, title="另一条"), "declined")
    with pytest.raises(PermissionDenied):
        actions.do_review_demand(users["enterprise"], asked, "declined", "no")


@pytest.mark.parametrize(("text", "message", "values"), [
    ("   ", "%(field)s may not be empty.", {}),
    ("长" * 100_000, "%(field)s may be at most %(limit)s characters; this one has %(length)s.",
     {"limit": "10,000", "length": "100,000"})])
def test_empty_and_huge_comments_are_refused_with_a_clear_message(users, text, message,
                                                                   values):
    draft = draft_with_clauses(users)
    consultation = public_round(users, draft)
    clause = consultation.version.clauses.first()
    with pytest.raises(ValidationError, match=said(message, field=gettext("Comment"),
                                                   **values)):
        actions.do_comment(users["enterprise"], consultation, clause, text)
    assert not Comment.objects.exists()


def test_one_account_cannot_post_the_same_comment_twice_in_a_burst(users):
    consultation = public_round(users, draft_with_clauses(users))
    clause = consultation.version.clauses.first()
    actions.do_comment(users["enterprise"], consultation, clause, "建议上限提高到2亿元。")
    with pytest.raises(ValidationError,
                       match=said("You have already sent this comment in this round; it is "
                                  "recorded once.")):
        actions.do_comment(users["enterprise"], consultation, clause, "建议上限提高到2亿元！")
    assert consultation.comments.count() == 1


def test_a_campaign_from_many_accounts_is_grouped_and_answered_once(users):
    consultation = public_round(users, draft_with_clauses(users))
    clause = consultation.version.clauses.first()
    campaign = "我们强烈建议将整车项目奖励上限提高到两亿元，以吸引更多整车企业落户青岛。"
    made = [actions.do_comment(participant(number), consultation, clause,
                               campaign + ("谢谢" if number % 2 else ""))
            for number in range(6)]
    other = actions.do_comment(users["enterprise"], consultation, clause, "建议明确申报时限。")
    leader = made[0]
    assert all(comment.group_id == leader.pk for comment in made[1:])
    assert other.group_id is None
    answered = actions.do_answer(users["admin"], made[3], Comment.Decision.PARTLY,
                                 "上限提高至1.5亿元。")
    assert answered == 6
    assert set(consultation.comments.filter(decision="partly")) == set(made)
    with pytest.raises(ValidationError, match=said(
            "%(count)s comments have no answer yet; answer every comment before closing the "
            "round.", count=1)):
        actions.do_close_round(users["admin"], consultation)
    actions.do_answer(users["admin"], other, Comment.Decision.ADOPTED, "已明确。")
    assert actions.do_close_round(users["admin"], consultation).status == "closed"
    with pytest.raises(PermissionDenied):
        actions.do_comment(users["enterprise"], consultation, clause, "太晚了")


def test_a_commenter_edits_while_the_round_is_open_and_the_history_is_kept(users):
    consultation = public_round(users, draft_with_clauses(users))
    clause = consultation.version.clauses.first()
    comment = actions.do_comment(users["association"], consultation, clause, "初稿意见",
                                 span=(0, 6))
    assert comment.quote == clause.text[:6]
    actions.do_edit_comment(users["association"], comment, "修改后的意见")
    assert [item.text for item in comment.revisions.all()] == ["初稿意见"]
    with pytest.raises(PermissionDenied):
        actions.do_edit_comment(users["enterprise"], comment, "冒名修改")
    actions.do_answer(users["admin"], comment, "rejected", "与上位政策不符。")
    actions.do_close_round(users["admin"], consultation)
    with pytest.raises(ValidationError,
                       match=said("The round is closed; comments can no longer change.")):
        actions.do_edit_comment(users["association"], comment, "再改")


def test_a_comment_on_a_clause_deleted_later_stays_with_its_version(users):
    draft = draft_with_clauses(users)
    consultation = public_round(users, draft)
    parts = consultation.version.clauses.get(key="parts")
    comment = actions.do_comment(users["enterprise"], consultation, parts, "建议删去此条。")
    actions.do_answer(users["admin"], comment, "adopted", "已删除。")
    actions.do_close_round(users["admin"], consultation)
    actions.do_save_version(users["admin"], draft, CLAUSES[:1], "删去第二条")
    comment.refresh_from_db()
    assert comment.clause.text == CLAUSES[1]["text"] and comment.clause.version.number == 2
    assert not draft.latest().clauses.filter(key="parts").exists()
    assert draft.latest().number == 3


def test_an_invited_association_writes_the_first_draft_and_nobody_else_may(users):
    draft = draft_with_clauses(users, author=users["association"])
    assert draft.latest().created_by == users["association"]
    assert scoping.visible(users["association"], Draft).filter(pk=draft.pk).exists()
    assert not scoping.visible(users["enterprise"], Draft).filter(pk=draft.pk).exists()
    with pytest.raises(PermissionDenied):
        actions.do_save_version(users["enterprise"], draft, CLAUSES)
    with pytest.raises(ValidationError, match=said("Two clauses share the id '%(key)s'.",
                                                   key="vehicle")):
        actions.do_save_version(users["association"], draft, [CLAUSES[0], CLAUSES[0]])
    assert actions.coverage(draft.latest()) == {
        "rd_design": {"supply": 0, "demand": 0},
        "manufacturing": {"supply": 1, "demand": 0},
        "supporting": {"supply": 0, "demand": 1},
        "demonstration": {"supply": 0, "demand": 0}}


def test_invited_rounds_are_seen_by_their_participants_only(users):
    draft = draft_with_clauses(users)
    closed_door = actions.do_open_round(users["admin"], draft, kind=Round.Kind.SYMPOSIUM,
                                        opens=TODAY, closes=TODAY, public=False,
                                        invited=[users["association"]])
    assert list(scoping.visible(users["association"], Round)) == [closed_door]
    assert not scoping.visible(users["enterprise"], Round).exists()
    assert not actions.may_comment(users["enterprise"], closed_door)
    assert actions.may_comment(users["association"], closed_door)


def test_publication_puts_the_clauses_in_the_calculator_and_adopts_the_demands(users):
    asked = demand(users)
    draft = draft_with_clauses(users)
    vehicle = draft.latest().clauses.get(key="vehicle")
    actions.do_review_demand(users["admin"], asked, Demand.Status.ADOPTED, clause=vehicle)
    actions.do_save_version(users["admin"], draft, CLAUSES, "定稿")
    consultation = public_round(users, draft)
    with pytest.raises(ValidationError,
                       match=said("Close every consultation round before publishing.")):
        actions.do_publish_draft(users["admin"], draft, TODAY)
    actions.do_close_round(users["admin"], consultation)
    document = actions.do_publish_draft(users["admin"], draft, TODAY)
    assert set(document.clauses.values_list("clause_id", flat=True)) == {"vehicle", "parts"}
    clause = PolicyClause.objects.get(key="cocreated-nev/vehicle")
    assert clause.conditions == [actions.UNENCODED]
    assert not Match.objects.filter(clause=clause, status="eligible").exists()
    asked.refresh_from_db()
    assert asked.status == "adopted"
    assert "第一条" in asked.events.last().note
    draft.refresh_from_db()
    assert draft.status == "published" and draft.document == document


def test_a_peer_policy_is_split_into_clauses_with_amounts(users):
    policy = actions.do_import_peer_policy(
        users["analyst"], city="合肥", title="合肥市支持新能源汽车产业发展若干政策",
        text="第一条 对新落户整车项目，最高奖励1亿元。\n第二条 对加氢站建设给予补贴，最高500万元。")
    assert [(clause.label, clause.amount) for clause in policy.clauses.all()] == [
        ("第一条", 10_000), ("第二条", 500)]
    with pytest.raises(ValidationError, match=said(
            "No numbered clause (第一条, 一、, （一）, 1.) was found in the text.")):
        actions.do_import_peer_policy(users["analyst"], city="合肥", title="无编号",
                                      text="一段没有编号的文字。")


def test_more_than_thirty_comments_an_hour_from_one_account_are_refused(users):
    consultation = public_round(users, draft_with_clauses(users))
    clause = consultation.version.clauses.first()
    for number in range(actions.HOURLY_COMMENTS):
        actions.do_comment(users["association"], consultation, clause, f"第{number}条不同的意见")
    with pytest.raises(ValidationError, match=said(
            "At most %(count)s comments an hour; please try again later.",
            count=actions.HOURLY_COMMENTS)):
        actions.do_comment(users["association"], consultation, clause, "又一条意见")
    actions.do_comment(users["enterprise"], consultation, clause, "又一条意见")


def test_a_draft_cannot_take_the_id_of_a_published_policy(users):
    with pytest.raises(ValidationError, match=said(
            "A published policy already has the id '%(id)s'; choose another.",
            id="qd-nev-2022")):
        actions.do_create_draft(users["admin"], title="冒用编号", policy_id="qd-nev-2022",
                                issuer="青岛市工业和信息化局")
    assert PolicyClause.objects.filter(key__startswith="qd-nev-2022/").exists()
