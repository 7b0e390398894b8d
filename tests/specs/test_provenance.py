"""Every number of every shipped spec carries a source or a placeholder mark; a number with
neither is refused with its line and key; the audit lists the placeholders."""

from __future__ import annotations

import textwrap

import pytest
from typer.testing import CliRunner

from acupoint.cli import app
from acupoint.engine.audit import SPECS, audit_files, spec_files
from acupoint.engine.ladder import load_catalogue as ladder_catalogue
from acupoint.engine.ladder import parse_rung, shipped_dir
from acupoint.engine.policy import parse_policy
from acupoint.engine.provenance import audit, formula_numbers
from acupoint.engine.spec import SpecError, parse_spec

AUDITS = {item.file: item for item in audit_files(spec_files())}


def test_every_shipped_number_is_cited_or_marked_as_a_placeholder():
    assert len(AUDITS) >= 20
    unmarked = {name: item.unmarked for name, item in AUDITS.items() if item.unmarked}
    assert not unmarked


def test_the_placeholders_are_where_the_documents_are_silent():
    shandong = {mark.key for mark in AUDITS["triage/shandong_2019.yaml"].placeholders}
    assert {"indicators.0.weight", "classes.levels.1.top", "treat.winsorise.lower",
            "consequences.2.rates.D.0"} <= shandong
    assert "classes.levels.0.top" not in shandong  # A ≤ 20%: 鲁政字〔2019〕235号
    assert not AUDITS["policies/qingdao_nev_2022.yaml"].placeholders
    assert not AUDITS["policies/shandong_differentiated_price_2022.yaml"].placeholders
    assert len(AUDITS["policies/illustrative_market.yaml"].placeholders) > 10
    huaian = {mark.key for mark in AUDITS["triage/huaian.yaml"].placeholders}
    assert huaian == {"indicators.0.cap", "indicators.1.cap", "indicators.2.cap"}


def test_a_scorecard_number_without_a_mark_is_refused_with_its_line_and_key():
    text = textwrap.dedent("""\
        name: x
        entity: id
        indicators:
          - {code: a, weight: 0.7, source: 某文件第三条}
          - {code: b, weight: 0.3}
        """)
    with pytest.raises(SpecError) as caught:
        parse_spec(text, source="x.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.key) == (5, "indicators.1.weight")
    assert "source:" in problem.message and "placeholder:" in problem.message
    marked = text.replace("{code: b, weight: 0.3}", "{code: b, weight: 0.3, placeholder: 本地设定}")
    assert parse_spec(marked, source="x.yaml").indicators[1].weight == 0.3


def test_a_mark_on_one_key_covers_that_key_alone():
    data = {"indicators": [{"code": "a", "weight": 0.5, "cap": 100, "source": "文件",
                            "placeholder": {"cap": "理解"}}]}
    marks = {mark.key: mark.kind for mark in audit(data, "scorecard").marks}
    assert marks == {"indicators.0.weight": "source", "indicators.0.cap": "placeholder"}


def test_flags_and_identities_in_formulas_need_no_mark():
    assert formula_numbers("above_scale == 1 and x > 0 and y >= 0.03") == ["0.03"]
    assert formula_numbers("founded >= '2022-01-01'") == []


def test_a_policy_clause_cites_its_article_but_a_parameter_needs_its_own_mark():
    text = textwrap.dedent("""\
        policy: {id: t, title: 测试, issuer: 测试局, level: city, published: 2020-01-01,
                 source: 测试文件}
        parameters:
          rate: {label: 比例, values: [{from: 2020-01-01, value: 0.1}]}
        clauses:
          - id: c
            article: 第一条
            title: 条款
            chain: manufacturing
            side: supply
            support: subsidy
            conditions: [{label: 投资 ≥ 500 万元, when: "equipment_investment >= 500"}]
            benefit: {formula: "rate * equipment_investment", unit: 万元, cap: 100}
            summary: 测试。
        """)
    with pytest.raises(SpecError) as caught:
        parse_policy(text, "t.yaml")
    assert {problem.key for problem in caught.value.problems} == {
        "parameters.rate.values.0.from", "parameters.rate.values.0.value"}
    cited = text.replace("values: [{from: 2020-01-01, value: 0.1}]}",
                         "values: [{from: 2020-01-01, value: 0.1}], source: 测试文件第一条}")
    assert parse_policy(cited, "t.yaml").clauses[0].benefit.cap == 100


def test_a_rung_cites_its_document_unless_a_value_is_marked():
    hidden = AUDITS["cultivation/qingdao_hidden_champion_2018.yaml"]
    assert [mark.key for mark in hidden.placeholders] == ["rung.from"]
    cited = [mark for mark in hidden.marks if mark.kind == "source"]
    assert cited and all(mark.text == "青岛市隐形冠军企业培育（2018）" for mark in cited
                         if mark.path[0] == "binding")
    catalogue = ladder_catalogue(shipped_dir() / "variables.yaml")
    source = (shipped_dir() / "qingdao_hidden_champion_2018.yaml").read_text("utf-8")
    assert parse_rung(source, "hidden.yaml", catalogue).rung.placeholder


def test_the_audit_command_lists_placeholders_by_file_and_line(tmp_path):
    result = CliRunner().invoke(app, ["specs", "audit"])
    assert result.exit_code == 0, result.output
    assert "triage/shandong_2019.yaml:" in result.output and "待定" in result.output
    total = sum(len(item.placeholders) for item in AUDITS.values())
    assert f"{total} placeholders in {len(AUDITS)} specs; 0 numbers without a mark" in \
        result.output.replace("\n", " ")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nentity: id\nindicators: [{code: a, weight: 1.5}]\n",
                   encoding="utf-8")
    result = CliRunner().invoke(app, ["specs", "audit", str(bad)])
    assert result.exit_code == 1 and "no source, no placeholder" in result.output


def test_the_specs_folder_is_the_package_data():
    assert (SPECS / "triage" / "shandong_2019.yaml").exists()


def test_the_readme_table_gives_the_audits_counts():
    readme = (SPECS.parents[2] / "README.md").read_text(encoding="utf-8")
    for item in AUDITS.values():
        numbers = len(item.marks) + len(item.unmarked)
        cited = len(item.marks) - len(item.placeholders)
        row = f"| `{item.file}` | {numbers} | {cited} | {len(item.placeholders)} |"
        assert row in readme, f"README row out of date: {row}"
