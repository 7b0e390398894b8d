"""Chinese policy text: numbering, .docx, amounts, alignment, duplicates, themes and diffs."""

from __future__ import annotations

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import given, settings
from hypothesis import strategies as st

from acupoint.text.align import Aligner, Text
from acupoint.text.amounts import amounts, largest_money
from acupoint.text.dedupe import duplicate_groups
from acupoint.text.diff import ADDED, CHANGED, REMOVED, SAME, text_diff, version_diff
from acupoint.text.docx_text import docx_text
from acupoint.text.numbering import clauses, split_parts
from acupoint.text.segment import normalised
from acupoint.text.themes import themes

POLICY = """关于支持新能源汽车产业发展的若干政策
为加快发展，制定本政策。
第一条 支持研发创新
对企业研发投入给予补助。
一、支持整车
（一）对新落户整车企业，最高奖励1亿元。（二）对关键零部件企业，按设备投资的20%给予补助，最高500万元。
1. 申报条件：规上企业。
2.年营业收入1.5亿元以上。
（1）细则一
第二条 附则
本政策自2023年1月1日起施行。
"""


def test_parts_follow_the_chinese_numbering_hierarchy():
    preamble, parts = split_parts(POLICY)
    assert preamble.startswith("关于支持新能源汽车产业发展的若干政策")
    labels = [part.label for part in parts]
    assert labels == ["第一条", "第一条一", "第一条一（一）", "第一条一（二）",
                      "第一条一（二）1", "第一条一（二）2", "第一条一（二）2（1）", "第二条"]
    by_label = {part.label: part for part in parts}
    assert by_label["第一条"].heading == "支持研发创新"
    assert by_label["第一条一"].heading == "支持整车" and not by_label["第一条一"].text
    # Numbers inside a paragraph after the end of a sentence start a part of their own.
    assert by_label["第一条一（二）"].text == (
        "对关键零部件企业，按设备投资的20%给予补助，最高500万元。")
    # 1.5亿元 is an amount, not the number 1.
    assert by_label["第一条一（二）2"].text == "年营业收入1.5亿元以上。"
    assert by_label["第二条"].heading == "附则"
    assert [part.label for part in clauses(POLICY)] == [
        "第一条", "第一条一（一）", "第一条一（二）", "第一条一（二）1", "第一条一（二）2",
        "第一条一（二）2（1）", "第二条"]


def _numbered_docx(path):
    """A .docx as Word writes one: automatic Chinese numbering (一、 and （一）, drawn by Word,
    not typed) and a table of amounts."""
    document = Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90">'
                               '<w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text, level):
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/>'
            '</w:numPr>'))

    document.add_paragraph("青岛市支持氢能产业发展的若干措施")
    numbered("支持加氢站建设", 0)
    numbered("对新建加氢站，按设备投资的30%给予补贴，最高500万元。", 1)
    numbered("对加氢站运营给予补贴。", 1)
    numbered("支持车辆推广", 0)
    numbered("对燃料电池汽车购置给予奖励。", 1)
    table = document.add_table(rows=2, cols=2)
    for row, values in enumerate([("年份", "补贴标准"), ("2023年", "20元/公斤")]):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    document.save(path)


def test_a_docx_with_automatic_numbering_and_a_table_is_split(tmp_path):
    path = tmp_path / "peer.docx"
    _numbered_docx(path)
    text = docx_text(path)
    assert "一、支持加氢站建设" in text and "（二）对加氢站运营给予补贴。" in text
    assert "二、支持车辆推广" in text and "（一）对燃料电池汽车购置给予奖励。" in text
    assert "2023年 | 20元/公斤" in text
    labels = {part.label: part for part in clauses(text)}
    assert labels["一（一）"].text.startswith("对新建加氢站")
    # The table after the last clause belongs to it.
    assert labels["二（一）"].text == (
        "对燃料电池汽车购置给予奖励。\n年份 | 补贴标准\n2023年 | 20元/公斤")


@pytest.mark.parametrize(("text", "expected"), [
    ("按设备投资的20%给予补助，最高500万元", [("percent", 0.2, ""), ("money", 500, "max")]),
    ("最高奖励1亿元", [("money", 10_000, "max")]),
    ("给予一次性奖励二百万元", [("money", 200, "")]),
    ("投资额不低于1.5亿元的项目", [("money", 15_000, "min")]),
    ("按百分之二十给予贴息，不超过三百万元", [("percent", 0.2, ""), ("money", 300, "max")]),
    ("年营业收入5千万元以上", [("money", 5_000, "min")]),
    ("补贴20元/公斤", [("money", 0.002, "")]),
])
def test_amounts_are_read_in_wan_yuan_with_their_bounds(text, expected):
    assert [(item.kind, pytest.approx(item.value), item.bound)
            for item in amounts(text)] == expected


def test_largest_money_is_the_headline_amount():
    assert largest_money("按20%补助，单个项目最高500万元，总额不超过1亿元") == 10_000
    assert largest_money("给予政策支持") is None


PEERS = [
    Text("深圳/1", "对新引进的整车制造项目，按照实际固定资产投资的10%给予补助，最高1亿元。"),
    Text("深圳/2", "对获得国家级专精特新小巨人称号的企业，给予一次性奖励50万元。"),
    Text("合肥/1", "对加氢站建设按照设备投资额的30%给予补贴，单站最高500万元。"),
    Text("合肥/2", "支持人才引进，对高层次人才给予住房补贴。"),
]
DRAFT = [Text("一", "对新落户的整车制造项目，按照固定资产投资的20%给予补助，最高2亿元。"),
         Text("二", "对新建加氢站，按设备投资额的30%给予补贴，最高500万元。")]


def test_alignment_finds_the_peer_clause_and_its_span():
    found = {(item.ours, item.theirs): item for item in Aligner(PEERS).align(DRAFT)}
    assert set(found) == {("一", "深圳/1"), ("二", "合肥/1")}
    item = found[("二", "合肥/1")]
    assert item.alignment >= 60
    start, end = item.their_span
    assert "设备投资额的30%" in PEERS[2].text[start:end]


def test_what_peers_offer_that_the_draft_lacks():
    assert [item.key for item in Aligner(PEERS).unmatched(DRAFT)] == ["深圳/2", "合肥/2"]
    assert Aligner(PEERS).unmatched([]) == PEERS
    assert Aligner([]).align(DRAFT) == []


def test_duplicates_and_near_duplicates_fall_into_one_group():
    texts = ["建议提高研发补助比例到百分之三十，并取消上限。",
             "建议提高研发补助比例到百分之三十，并且取消上限！",
             "希望加快审批速度",
             "建议提高 研发补助比例到百分之三十，并取消上限。",
             "", "",
             "对人才住房补贴的覆盖范围太窄"]
    assert duplicate_groups(texts) == [0, 0, 2, 0, 4, 4, 6]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["建议降低用地成本", "希望延长补贴期限", "建议降低用地成本。",
                                 "人才公寓不够", "加快审批"]), min_size=1, max_size=40))
def test_every_group_starts_at_its_first_text_and_equal_texts_share_it(texts):
    groups = duplicate_groups(texts)
    for position, group in enumerate(groups):
        assert group <= position and groups[group] == group
        for other, text in enumerate(texts):
            if normalised(text) == normalised(texts[position]):
                assert groups[other] == group


def test_themes_are_named_by_their_top_terms_and_repeatable():
    topics = {"用地": "建议降低标准地的用地成本和厂房租金",
              "人才": "建议扩大人才住房补贴和子女入学支持",
              "融资": "希望增加贷款贴息和融资担保额度"}
    texts = [f"{text}，第{index}次" for index in range(20) for text in topics.values()]
    first, second = themes(texts, count=3), themes(texts, count=3)
    assert first == second
    assert len(first.terms) == 3
    for marks in ({"用地", "租金"}, {"人才", "子女入学"}, {"融资", "担保"}):
        assert any(marks <= set(terms) for terms in first.terms), marks
    for theme in range(3):
        members = {texts[index].split("，")[0] for index, label in enumerate(first.labels)
                   if label == theme}
        assert len(members) == 1  # each theme holds one topic
    assert themes(["的", "了"]).labels == [-1, -1]


def test_a_numeric_change_reads_as_one_change():
    assert text_diff("最高奖励500万元", "最高奖励1000万元，分三年拨付") == [
        *text_diff("最高奖励", "最高奖励"),
        *[piece for piece in text_diff("500", "1000")],
        *text_diff("万元", "万元"),
        *text_diff("", "，分三年拨付")]


chinese = st.text(alphabet="补贴奖励最高万元亿的企业项目0123456789%，。ab", max_size=30)


@settings(max_examples=100, deadline=None)
@given(chinese, chinese)
def test_a_diff_rebuilds_both_versions(old, new):
    pieces = text_diff(old, new)
    assert "".join(piece.text for piece in pieces if piece.op != "insert") == old
    assert "".join(piece.text for piece in pieces if piece.op != "delete") == new


def test_version_diff_keeps_removed_clauses_where_they_stood():
    changes = version_diff({"一": "支持研发", "二": "支持用地", "三": "支持人才"},
                           {"一": "支持研发创新", "三": "支持人才", "四": "支持融资"})
    assert [(change.key, change.status) for change in changes] == [
        ("一", CHANGED), ("二", REMOVED), ("三", SAME), ("四", ADDED)]


def test_a_new_text_finds_the_first_group_it_belongs_to():
    from acupoint.text.dedupe import first_similar, signature

    campaign = "我们强烈建议将整车项目奖励上限提高到两亿元，以吸引更多整车企业落户青岛。"
    leaders = [(1, signature("建议明确申报时限。")), (2, signature(campaign))]
    assert first_similar(campaign + "谢谢", leaders) == 2
    assert first_similar("建议明确申报时限！", leaders) == 1
    assert first_similar("对人才住房补贴的覆盖范围太窄", leaders) is None
    assert first_similar("anything", []) is None
    assert first_similar("  。", leaders) is None
