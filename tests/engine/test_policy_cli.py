"""`acupoint policy match | test | simulate | schema` on files, as an analyst runs them."""

from __future__ import annotations

import pyarrow.parquet as pq
from typer.testing import CliRunner

from acupoint.cli import app
from acupoint.engine.policy import shipped_dir

runner = CliRunner()
PROFILES = """credit_code,industry,above_scale,revenue,revenue_prev,rd_spend,nev_key_component,\
project_equipment_investment,founded,fixed_asset_investment,project_invoiced_sales
A1,3670,true,12000,9000,400,true,2000,2022-03-01,2500,true
A2,3612,true,8000,7800,224,false,,2015-05-01,300,false
"""


def profiles(folder):
    path = folder / "profiles.csv"
    path.write_text(PROFILES, encoding="utf-8")
    return path


def test_match_writes_pairs_and_explains_one_enterprise(tmp_path):
    data = profiles(tmp_path)
    out = tmp_path / "matches.parquet"
    result = runner.invoke(app, ["policy", "match", "--data", str(data), "--out", str(out),
                                 "--date", "2023-06-01", "--explain", "A2"])
    assert result.exit_code == 0, result.output
    rows = pq.read_table(out).to_pylist()
    key = {(row["credit_code"], row["policy"], row["clause"]): row for row in rows}
    assert key[("A1", "qd-nev-2022", "key-components")]["amount"] == 400
    assert key[("A1", "qd-nev-2022", "key-components")]["status"] == "eligible"
    assert key[("A2", "demo-innovation", "rd-expense-subsidy")]["near_miss"]
    assert "研发投入强度 2.8%，需 ≥ 3%" in result.output


def test_match_all_pairs_to_csv(tmp_path):
    data = profiles(tmp_path)
    out = tmp_path / "matches.csv"
    result = runner.invoke(app, ["policy", "match", "--data", str(data), "--out", str(out),
                                 "--date", "2023-06-01", "--keep", "all"])
    assert result.exit_code == 0, result.output
    clauses = int(result.output.split(" clauses in force")[0])
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1 + 2 * clauses


def test_policy_test_passes_on_the_shipped_files_and_fails_on_a_broken_one(tmp_path):
    result = runner.invoke(app, ["policy", "test"])
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output
    source = (shipped_dir() / "shandong_differentiated_price_2022.yaml").read_text("utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(source.replace("amount: -150", "amount: -100"), encoding="utf-8")
    result = runner.invoke(app, ["policy", "test", str(broken)])
    assert result.exit_code == 1 and "FAIL" in result.output and "-150" in result.output


def test_a_bad_policy_file_names_the_line(tmp_path):
    source = (shipped_dir() / "qingdao_nev_2022.yaml").read_text("utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(source.replace('"vehicle_sales_increase > 0"', '"vehicle_sale > 0"'),
                   encoding="utf-8")
    result = runner.invoke(app, ["policy", "test", str(bad)])
    assert result.exit_code == 2
    assert "bad.yaml:" in result.output and "vehicle_sale" in result.output


def test_simulate_compares_a_draft_with_the_baseline(tmp_path):
    data = profiles(tmp_path)
    source = (shipped_dir() / "qingdao_nev_2022.yaml").read_text("utf-8")
    draft = tmp_path / "draft.yaml"
    draft.write_text(source.replace('formula: "0.20 * project_equipment_investment"',
                                    'formula: "0.25 * project_equipment_investment"'),
                     encoding="utf-8")
    out = tmp_path / "changes.csv"
    result = runner.invoke(app, ["policy", "simulate", "--data", str(data), "--draft",
                                 str(draft), "--date", "2023-06-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "400.00 → 500.00" in result.output.replace(",", "")
    assert "A1" in out.read_text(encoding="utf-8")


def test_schema_prints_json():
    result = runner.invoke(app, ["policy", "schema"])
    assert result.exit_code == 0 and '"Acupoint policy file"' in result.output


def test_match_on_polars_keeping_the_eligible_pairs(tmp_path):
    data = profiles(tmp_path)
    out = tmp_path / "eligible.parquet"
    result = runner.invoke(app, ["policy", "match", "--data", str(data), "--out", str(out),
                                 "--date", "2023-06-01", "--keep", "eligible",
                                 "--backend", "polars"])
    assert result.exit_code == 0, result.output
    rows = pq.read_table(out).to_pylist()
    assert {row["status"] for row in rows} == {"eligible"}
    key = {(row["credit_code"], row["policy"], row["clause"]): row for row in rows}
    assert key[("A1", "qd-nev-2022", "key-components")]["amount"] == 400
    assert not any(row["near_miss"] for row in rows)
    assert "—" in result.output


def test_a_column_empty_in_every_row_takes_its_type_from_the_catalogue(tmp_path):
    """Empty rd_spend (a number) and industry (a text): the clauses needing them are
    unknown, and the others still match."""
    data = tmp_path / "empty.csv"
    lines = PROFILES.splitlines()
    header = lines[0].split(",")
    blanked = [header.index("rd_spend"), header.index("industry")]
    rows = [",".join("" if index in blanked else cell for index, cell in enumerate(
        line.split(","))) for line in lines[1:]]
    data.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    out = tmp_path / "matches.parquet"
    result = runner.invoke(app, ["policy", "match", "--data", str(data), "--out", str(out),
                                 "--date", "2023-06-01"])
    assert result.exit_code == 0, result.output
    rows = {(row["credit_code"], row["policy"], row["clause"]): row
            for row in pq.read_table(out).to_pylist()}
    assert rows[("A1", "qd-nev-2022", "key-components")]["status"] == "eligible"
    assert any(row["status"] == "unknown" for row in rows.values())


def test_data_the_engine_cannot_read_is_reported_without_a_traceback(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text(PROFILES.replace("12000", "很多"), encoding="utf-8")
    result = runner.invoke(app, ["policy", "match", "--data", str(data), "--out",
                                 str(tmp_path / "out.parquet"), "--date", "2023-06-01"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "cannot be matched" in result.output
