"""Every shipped rung carries firms worked by hand from its document's wording, on both sides
of its thresholds, and judges them as the file says."""

from __future__ import annotations

from collections import Counter

import pytest

from acupoint.engine.ladder import load_ladder, run_examples

LADDER = load_ladder()
OUTCOMES = run_examples(LADDER)


def test_every_rung_version_has_worked_examples_on_both_sides():
    for spec in LADDER.specs:
        statuses = Counter(example.expect.status for example in spec.examples)
        assert statuses["qualified"] >= 1 and statuses["not_qualified"] >= 1, spec.key


@pytest.mark.parametrize("outcome", OUTCOMES,
                         ids=[f"{item.rung}:{item.example}" for item in OUTCOMES])
def test_shipped_rung_examples(outcome):
    assert outcome.passed, outcome.message


def test_a_wrong_expectation_is_reported(tmp_path):
    from acupoint.engine.ladder import shipped_dir

    for path in shipped_dir().glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    target = tmp_path / "single_champion_2023.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace(
        "status: qualified", "status: not_qualified", 1), encoding="utf-8")
    failures = [item for item in run_examples(load_ladder(tmp_path)) if not item.passed]
    assert [item.rung for item in failures] == ["single_champion@2023"]
    assert "expected not_qualified, got qualified" in failures[0].message


def test_the_command_runs_the_rung_examples():
    from typer.testing import CliRunner

    from acupoint.cli import app

    result = CliRunner().invoke(app, ["specs", "test"])
    assert result.exit_code == 0, result.output
    assert f"{len(OUTCOMES)} passed, 0 failed" in result.output
