"""Specs: the documented spellings load, and every mistake is named by file, line and key."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from acupoint.engine.spec import SpecError, json_schema, json_schema_text, load_spec, parse_spec

DATA = Path(__file__).parent / "data"
SCHEMA_FILE = Path(__file__).parents[2] / "src/acupoint/specs/scorecard.schema.json"


def problems(text: str, tmp_path: Path | None = None) -> list:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, source="s.yaml", base_dir=tmp_path)
    return caught.value.problems


def test_documented_example_loads():
    spec = load_spec(DATA / "mujun.yaml")
    assert spec.name == "亩均效益评价"
    assert spec.gates[0].then.max_class == "C"
    assert [level.name for level in spec.classes.levels] == ["A", "B", "C", "D"]
    assert spec.classes.levels[3].bottom == 0.05
    assert spec.treat.winsorise.upper == 0.99
    assert spec.indicators[0].unit == "万元/亩"


def test_published_schema_is_current_and_accepts_the_example():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == json_schema_text(), (
        "run: acupoint spec-schema --out src/acupoint/specs/scorecard.schema.json")
    document = yaml.safe_load((DATA / "mujun.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(document, json_schema())
    document["normalise"]["method"] = "softmax"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def test_unknown_key_names_line_and_close_match():
    found = problems("name: x\nentity: id\nindicators:\n  - {code: a, wieght: 1}\n")
    assert len(found) == 1
    assert found[0].line == 4
    assert found[0].key == "indicators.0.wieght"
    assert "did you mean weight" in found[0].message
    assert str(found[0]).startswith("s.yaml:4: indicators.0.wieght")


def test_every_problem_is_listed_at_once():
    text = ("name: x\nentity: id\nnormalise: {method: softmax}\n"
            "indicators:\n  - {code: a, direction: 2}\n")
    found = problems(text)
    keys = {problem.key for problem in found}
    assert {"normalise.method", "indicators.0.direction"} <= keys
    lines = {problem.key: problem.line for problem in found}
    assert lines["normalise.method"] == 3 and lines["indicators.0.direction"] == 5


def test_bad_formula_names_line_key_and_column():
    text = "name: x\nentity: id\nderive:\n  per_mu: tax / / land\nindicators: [{code: per_mu}]\n"
    found = problems(text)
    assert found[0].line == 4 and found[0].key == "derive.per_mu"
    assert "syntax error" in found[0].message


def test_injection_in_a_gate_is_refused_before_anything_runs():
    text = ("name: x\nentity: id\nindicators: [{code: a}]\ngates:\n"
            "  - when: __import__('os').system('echo pwned')\n"
            "    then: {exclude: true}\n    reason: r\n")
    found = problems(text)
    assert found[0].key == "gates.0.when" and found[0].line == 5
    assert "not allowed" in found[0].message


def test_yaml_syntax_error_has_a_line():
    found = problems("name: x\nentity: [id\nindicators: []\n")
    assert found[0].key == "(yaml)" and found[0].line is not None


def test_gate_needs_exactly_one_action_and_known_classes():
    text = ("name: x\nentity: id\nindicators: [{code: a}]\n"
            "classes: {levels: [{name: A, top: 0.2}, {name: B}]}\n"
            "gates:\n  - {when: a > 1, then: {max_class: Z}, reason: r}\n")
    found = problems(text)
    assert found[0].key == "gates.0.then.max_class" and "'Z'" in found[0].message
    found = problems("name: x\nentity: id\nindicators: [{code: a}]\n"
                     "gates:\n  - {when: a > 1, then: {}, reason: r}\n")
    assert "exactly one" in found[0].message


def test_threshold_levels_need_scores():
    found = problems("name: x\nentity: id\nindicators: [{code: a}]\n"
                     "classes: {method: threshold, levels: [{name: A}, {name: B}]}\n")
    assert "min_score" in found[0].message


def write_meta(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "meta.csv"
    path.write_text("iCode,iName,Level,Parent,Weight,Direction,Type\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


def test_framework_file_builds_the_hierarchy(tmp_path):
    write_meta(tmp_path, ["a,A,1,P1,1,1,Indicator", "b,B,1,P1,1,-1,Indicator",
                          "c,C,1,P2,2,1,Indicator", "P1,Pillar 1,2,Idx,1,,Aggregate",
                          "P2,Pillar 2,2,Idx,1,,Aggregate", "Idx,Index,3,,1,,Aggregate",
                          "pop,Population,,,,,Denominator"])
    spec = parse_spec("name: x\nentity: id\nframework: meta.csv\n", base_dir=tmp_path)
    assert [i.code for i in spec.indicators] == ["a", "b", "c"]
    assert spec.indicators[1].direction == -1
    assert {a.code: a.parent for a in spec.aggregates} == {"P1": "Idx", "P2": "Idx",
                                                           "Idx": None}


@pytest.mark.parametrize(("rows", "message"), [
    (["a,A,1,P1,1,1,Indicator", "P1,P,2,P2,1,,Aggregate", "P2,Q,3,P1,1,,Aggregate"],
     "exactly one root"),
    (["a,A,1,P1,1,1,Indicator", "P1,P,2,,1,,Aggregate", "P2,Q,2,,1,,Aggregate"],
     "exactly one root"),
    (["a,A,1,Pilar,1,1,Indicator", "Pillar,P,2,,1,,Aggregate"], "did you mean Pillar"),
    (["a,A,1,P1,1,1,Indicator", "P1,P,2,Idx,1,,Aggregate", "P2,Q,2,Idx,1,,Aggregate",
      "Idx,I,3,,1,,Aggregate"], "'P2' has no members"),
    (["a,A,1,P1,1,1,Indicator", "a,A,1,P1,1,1,Indicator", "P1,P,2,,1,,Aggregate"],
     "listed twice"),
])
def test_framework_that_is_not_a_tree_is_refused(tmp_path, rows, message):
    write_meta(tmp_path, rows)
    with pytest.raises(SpecError) as caught:
        parse_spec("name: x\nentity: id\nframework: meta.csv\n", base_dir=tmp_path)
    assert message in str(caught.value)


def test_cycle_is_named(tmp_path):
    write_meta(tmp_path, ["a,A,1,P1,1,1,Indicator", "P1,P,2,P2,1,,Aggregate",
                          "P2,Q,3,P1,1,,Aggregate", "R,Root,4,,1,,Aggregate",
                          "b,B,1,R,1,1,Indicator"])
    with pytest.raises(SpecError, match="cycle"):
        parse_spec("name: x\nentity: id\nframework: meta.csv\n", base_dir=tmp_path)


def test_missing_framework_file(tmp_path):
    with pytest.raises(SpecError, match="file not found"):
        parse_spec("name: x\nentity: id\nframework: nothere.csv\n", base_dir=tmp_path)


def test_override_patches_adds_and_removes_named_items(tmp_path):
    (tmp_path / "base.yaml").write_text(
        "name: base\nplaceholder: 测试用\nentity: id\ngroups: [district]\n"
        "derive: {per_mu: tax / land}\n"
        "gates:\n  - {name: veto, when: bad == 1, then: {max_class: C}, reason: 否决}\n"
        "indicators:\n  - {code: per_mu, weight: 0.5}\n  - {code: energy, weight: 0.3}\n"
        "  - {code: rd, weight: 0.2}\n"
        "classes: {within: [district], levels: [{name: A, top: 0.2}, {name: C}]}\n",
        encoding="utf-8")
    (tmp_path / "district.yaml").write_text(
        "extends: base.yaml\nname: district\n"
        "indicators:\n  - {code: per_mu, weight: 0.6}\n  - {code: rd, remove: true}\n"
        "  - {code: exports, weight: 0.1}\n"
        "adjustments:\n  - {name: bonus, when: star == 1, points: 2, reason: 加分}\n",
        encoding="utf-8")
    spec = load_spec(tmp_path / "district.yaml")
    assert spec.name == "district" and spec.derive == {"per_mu": "tax / land"}
    assert [(i.code, i.weight) for i in spec.indicators] == [
        ("per_mu", 0.6), ("energy", 0.3), ("exports", 0.1)]
    assert spec.gates[0].reason == "否决" and spec.adjustments[0].points == 2
    assert [level.name for level in spec.classes.levels] == ["A", "C"]


def test_override_errors_are_named(tmp_path):
    (tmp_path / "base.yaml").write_text("name: b\nentity: id\nindicators: [{code: a}]\n",
                                        encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(
        "extends: base.yaml\nindicators: [{code: zz, remove: true}]\n", encoding="utf-8")
    with pytest.raises(SpecError, match="cannot remove 'zz'"):
        load_spec(tmp_path / "bad.yaml")
    (tmp_path / "loop.yaml").write_text("extends: loop.yaml\nname: x\n", encoding="utf-8")
    with pytest.raises(SpecError, match="loops"):
        load_spec(tmp_path / "loop.yaml")
    (tmp_path / "missing.yaml").write_text("extends: nowhere.yaml\n", encoding="utf-8")
    with pytest.raises(SpecError, match="file not found"):
        load_spec(tmp_path / "missing.yaml")


@pytest.mark.parametrize("target", ["/etc/passwd", "../../../../../../etc/passwd",
                                    "../policies/variables.yaml.missing", "triage"])
def test_a_typed_spec_extends_only_shipped_specs(target):
    with pytest.raises(SpecError) as caught:
        parse_spec(f"extends: {target}\nname: x\n", source="framework")
    [problem] = caught.value.problems
    assert problem.key == "extends" and "not a spec shipped with the platform" in \
        problem.message


def test_a_typed_spec_may_extend_a_shipped_one_and_its_chain():
    spec = parse_spec("extends: triage/overrides/huangdao_example.yaml\nname: 我的\n",
                      source="framework")
    assert spec.name == "我的" and spec.indicators


def test_a_typed_framework_file_is_refused_too():
    with pytest.raises(SpecError, match="not a spec shipped"):
        parse_spec("name: x\nentity: id\nframework: /etc/hosts\n", source="framework")
