"""`acupoint score` end to end: the public ASEM index, every file format, meta, explanation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from acupoint.cli import app

ASEM = Path(__file__).parents[1] / "data" / "asem"
DATA = Path(__file__).parent / "data"
runner = CliRunner()


def score(*args: str):
    return runner.invoke(app, ["score", *map(str, args)])


def handbook_index() -> pd.Series:
    """The ASEM index computed independently: min-max 0–100 per indicator (direction applied),
    then weighted means up the tree, weights re-normalised over the members with data."""
    meta = pd.read_csv(ASEM / "ASEM_iMeta.csv")
    data = pd.read_csv(ASEM / "ASEM_iData.csv").set_index("uCode")
    values = {}
    for row in meta[meta.Type == "Indicator"].itertuples():
        x = data[row.iCode] * row.Direction
        values[row.iCode] = (x - x.min()) / (x.max() - x.min()) * 100
    aggregates = meta[meta.Type == "Aggregate"].sort_values("Level")
    for row in aggregates.itertuples():
        members = meta[meta.Parent == row.iCode]
        matrix = pd.concat([values[code] for code in members.iCode], axis=1)
        weights = members.Weight.to_numpy(float)
        present = matrix.notna().to_numpy()
        filled = matrix.fillna(0).to_numpy()
        values[row.iCode] = pd.Series((filled @ weights) / (present @ weights), index=data.index)
    return values[aggregates.iCode.iloc[-1]]


def test_asem_index_builds_from_the_framework_alone(tmp_path):
    out, meta = tmp_path / "asem.parquet", tmp_path / "meta.json"
    result = score("--data", ASEM / "ASEM_iData.csv", "--framework", ASEM / "ASEM_iMeta.csv",
                   "--out", out, "--meta-out", meta)
    assert result.exit_code == 0, result.output
    table = pq.read_table(out).to_pandas().set_index("uCode")
    assert len(table) == 51
    expected = handbook_index()
    assert np.allclose(table.score.sort_index(), expected.sort_index(), atol=1e-9)
    assert {"Conn", "Sust", "Physical", "Environ"} <= set(table.columns)
    assert table["rank"].min() == 1 and table["rank"].max() == 51
    info = json.loads(meta.read_text(encoding="utf-8"))
    assert sum(info["weights"].values()) == pytest.approx(1)
    assert len(info["weights"]) == 49
    assert info["methods"]["normalise"] == "minmax"
    assert info["counts"]["entities"] == 51 and info["counts"]["scored"] == 51
    assert sum(info["counts"]["missing"].values()) > 0  # real data has gaps


def test_asem_with_a_spec_explanation_and_uncertainty(tmp_path):
    spec = tmp_path / "asem.yaml"
    spec.write_text("name: ASEM\nplaceholder: 分档为示例\nentity: uCode\nframework: "
                    f"{ASEM / 'ASEM_iMeta.csv'}\nnormalise: {{method: minmax, range: [1, 100]}}\n"
                    "aggregate: {method: geometric}\n"
                    "classes: {method: quota, levels: [{name: top, top: 0.2}, {name: rest}]}\n",
                    encoding="utf-8")
    out, meta = tmp_path / "asem.xlsx", tmp_path / "meta.json"
    result = score("--spec", spec, "--data", ASEM / "ASEM_iData.csv", "--out", out,
                   "--meta-out", meta, "--explain", "CHN", "--uncertainty", "100")
    assert result.exit_code == 0, result.output
    assert "CHN" in result.output and "robustness: rank" in result.output
    info = json.loads(meta.read_text(encoding="utf-8"))
    assert info["methods"]["aggregate"] == "geometric"
    assert info["counts"]["classes"] == {"rest": 41, "top": 10}
    explanation = info["explanation"]
    assert explanation["entity"] == "CHN" and len(explanation["indicators"]) == 49
    low, high = explanation["robustness"]["rank_interval_90"]
    assert low <= explanation["rank"] <= high
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["uCode", "score", "rank"] and len(rows) == 52


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_every_input_format(tmp_path, suffix):
    frame = pd.DataFrame({"credit_code": ["a", "b", "c", "d", "e"],
                          "year": [2023] * 5, "district": ["黄岛", "黄岛", "城阳", "城阳", "城阳"],
                          "tax": [10.0, 20.0, 30.0, 40.0, 50.0], "land_mu": [1.0, 2, 2, 5, 0],
                          "revenue": [100.0, 300, 200, 500, 100], "energy": [1.0, 2, 2, 3, 1],
                          "major_accident": [0, 0, 1, 0, 0]})
    source = tmp_path / f"data{suffix}"
    if suffix == ".csv":
        frame.to_csv(source, index=False, encoding="gb18030")
    elif suffix == ".xlsx":
        frame.to_excel(source, index=False)
    else:
        frame.to_parquet(source)
    out = tmp_path / "out.csv"
    result = score("--spec", DATA / "mujun.yaml", "--data", source, "--out", out)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out).set_index("credit_code")
    assert table.loc["c", "class"] != "A"  # the accident gate caps it
    assert set(table["class"]) <= {"A", "B", "C", "D"}
    assert "1 nulls — derive.tax_per_mu: division by zero" in result.output


def test_several_years_give_transitions_and_trends(tmp_path):
    rows = ["credit_code,year,district,tax,land_mu,revenue,energy,major_accident"]
    for year, taxes in ((2022, [10, 20, 30, 40, 50]), (2023, [50, 20, 30, 40, 10])):
        for index, tax in enumerate(taxes):
            rows.append(f"e{index},{year},黄岛,{tax},1,100,1,0")
    data = tmp_path / "years.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text((DATA / "mujun.yaml").read_text(encoding="utf-8") + "trends: [tax]\n",
                    encoding="utf-8")
    meta, trends = tmp_path / "meta.json", tmp_path / "trends.csv"
    result = score("--spec", spec, "--data", data, "--out", tmp_path / "out.parquet",
                   "--meta-out", meta, "--trends-out", trends)
    assert result.exit_code == 0, result.output
    moves = json.loads(meta.read_text(encoding="utf-8"))["transitions"]
    assert moves["A"] == {"D": 1} and moves["D"] == {"A": 1}
    growth = pd.read_csv(trends).set_index("credit_code")
    assert growth.loc["e0", "tax_cagr"] == pytest.approx(4.0)
    assert growth.loc["e4", "tax_cagr"] == pytest.approx(-0.8)


def test_a_bad_spec_fails_with_the_line(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("name: x\nentity: id\nindicators:\n  - {code: a, wieght: 2}\n",
                    encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text("id,a\n1,2\n", encoding="utf-8")
    result = score("--spec", spec, "--data", data, "--out", tmp_path / "o.csv")
    assert result.exit_code == 2
    assert "bad.yaml:4: indicators.0.wieght: unknown key 'wieght'; did you mean weight" in (
        result.output.replace("\n", ""))
    assert not (tmp_path / "o.csv").exists()


def test_spec_schema_command(tmp_path):
    result = runner.invoke(app, ["spec-schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "Acupoint scorecard spec"
