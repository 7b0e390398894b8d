"""Real office files: workbooks with title rows and merged headers, large CSVs, re-imports,
and a round trip through the platform's own exports."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acupoint.registry import exporting
from acupoint.registry.actions import do_import_file
from acupoint.registry.importing.reading import open_table
from acupoint.registry.models import AnnualData, Enterprise, ImportBatch
from tests.registry.helpers import ANNUAL_HEADER, ENTERPRISE_HEADER, csv_text, new_code

pytestmark = pytest.mark.django_db


def test_xlsx_with_title_row_and_merged_two_row_header(tmp_path):
    """A typical statistics-bureau workbook: a title across the sheet, then a header whose
    figures sit under a merged "经济指标（万元）" group."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2024年度规上工业企业主要经济指标"])
    sheet.merge_cells("A1:F1")
    sheet.append(["统一社会信用代码", "企业名称", "区市", "行业代码", "经济指标（万元）", None])
    sheet.append([None, None, None, None, "营业收入", "税收"])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:C3")
    sheet.merge_cells("D2:D3")
    sheet.merge_cells("E2:F2")
    codes = [new_code() for _ in range(3)]
    for index, code in enumerate(codes):
        sheet.append([code, f"工作簿企业{index}", "胶州", "3491", 5000 + index, 300 + index])
    path = tmp_path / "merged.xlsx"
    book.save(path)

    batch = do_import_file(None, path)
    assert batch.status == "rejected"  # no year column: the figures cannot land
    assert [(e["row"], e["column"], e["code"]) for e in batch.errors] == [
        (3, "营业收入（万元）", "no_year_column"), (3, "税收（万元）", "no_year_column")]

    sheet.insert_cols(5)
    sheet.cell(3, 5, "年度")
    for row in range(4, 7):
        sheet.cell(row, 5, 2024)
    book.save(path)
    batch = do_import_file(None, path)
    assert batch.status == "landed", batch.errors
    row = AnnualData.objects.get(enterprise__credit_code=codes[2], year=2024)
    assert (row.revenue, row.tax) == (5002, 302)
    assert Enterprise.objects.get(credit_code=codes[0]).district.name == "胶州"


def test_reimporting_the_same_file_changes_nothing(tmp_file):
    codes = [new_code() for _ in range(5)]
    enterprises = [f"{c},重复导入{i}有限公司,城阳,1411,否,2010-01-01,12.5" for i, c in
                   enumerate(codes)]
    annual = [f"{c},{year},{100 + i},{3 + i},20" for i, c in enumerate(codes)
              for year in (2022, 2023)]
    first = [do_import_file(None, tmp_file("e.csv", csv_text(ENTERPRISE_HEADER, enterprises))),
             do_import_file(None, tmp_file("a.csv", csv_text(ANNUAL_HEADER, annual)))]
    assert (first[0].enterprises_created, first[1].annual_created) == (5, 10)
    stamps = dict(AnnualData.objects.filter(enterprise__credit_code__in=codes)
                  .values_list("pk", "updated_at"))
    again = [do_import_file(None, tmp_file("e.csv", csv_text(ENTERPRISE_HEADER, enterprises))),
             do_import_file(None, tmp_file("a.csv", csv_text(ANNUAL_HEADER, annual)))]
    assert all(batch.status == "landed" and batch.unchanged for batch in again)
    assert dict(AnnualData.objects.filter(enterprise__credit_code__in=codes)
                .values_list("pk", "updated_at")) == stamps
    assert ImportBatch.objects.filter(pk__in=[b.pk for b in again]).count() == 2


def test_blank_cells_keep_stored_values_and_changed_cells_update(tmp_file):
    code = Enterprise.objects.order_by("pk").first().credit_code
    do_import_file(None, tmp_file("a.csv", csv_text(ANNUAL_HEADER, [f"{code},2016,100,5,9"])))
    batch = do_import_file(None, tmp_file("b.csv", csv_text(ANNUAL_HEADER,
                                                            [f"{code},2016,,6,"])))
    assert (batch.annual_created, batch.annual_updated) == (0, 1)
    row = AnnualData.objects.get(enterprise__credit_code=code, year=2016)
    assert (row.revenue, row.tax, row.employees) == (100, 6, 9)
    assert row.import_batch_id == batch.pk


def test_large_csv_streams_and_a_late_error_saves_nothing(tmp_path):
    """A 50 MB file is read row by row (never slurped) and validated to its last row."""
    import random

    path = tmp_path / "large.csv"
    rng = random.Random(5)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(ENTERPRISE_HEADER + "\n")
        rows = 0
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(f"{new_code(rng)},大文件测试企业第{rows}号有限责任公司,平度,3612,否,"
                         f"2001-02-03,{rows % 90 + 1}.5\n")
            rows += 1
        handle.write(f"{new_code(rng)},最后一行,平度,3612,否,2001-02-03,-1\n")
    assert path.stat().st_size >= 50 * 1024 * 1024

    stream = open_table(path).rows
    assert next(stream)[0] == "统一社会信用代码"
    assert stream.gi_frame.f_locals["raw"].tell() < 2 * 1024 * 1024, "read ahead"
    stream.close()

    before = Enterprise.objects.count()
    batch = do_import_file(None, path)
    assert batch.status == "rejected"
    assert batch.rows == rows + 1
    assert [(e["row"], e["code"]) for e in batch.errors] == [(rows + 2, "land_not_positive")]
    assert Enterprise.objects.count() == before


def _export_reimport(tmp_path, users) -> ImportBatch:
    queryset = Enterprise.objects.filter(district__name="黄岛")
    workbook = tmp_path / "export.xlsx"
    exporting.write_xlsx(workbook, {"企业": exporting.enterprise_table(queryset),
                                    "年度": exporting.annual_table(
                                        AnnualData.objects.filter(enterprise__in=queryset))})
    return do_import_file(users["analyst"], workbook)


def test_exported_workbook_imports_back_unchanged(tmp_path, users):
    batch = _export_reimport(tmp_path, users)
    assert batch.status == "landed", batch.errors[:3]
    assert batch.unchanged


def test_parquet_export_round_trip(tmp_path):
    path = tmp_path / "annual.parquet"
    exporting.write_parquet(path, exporting.annual_table(AnnualData.objects.all()))
    table = pq.read_table(path)
    assert table.num_rows == AnnualData.objects.count()
    assert table.column_names[:3] == ["统一社会信用代码", "年度", "营业收入(万元)"]
    batch = do_import_file(None, path)
    assert batch.status == "landed" and batch.unchanged


figures = st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda v: round(v, 2))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(figures, st.one_of(st.none(), figures)), min_size=1, max_size=6),
       st.integers(2000, 2015))
def test_what_lands_is_what_the_file_said(tmp_path, rows, first_year):
    """Property: after an import, the stored figures equal the file's, blanks aside."""
    code = Enterprise.objects.order_by("pk").first().credit_code
    lines = [f"{code},{first_year + i},{revenue},{'' if tax is None else tax},1"
             for i, (revenue, tax) in enumerate(rows)]
    path = tmp_path / f"p{first_year}.csv"
    path.write_text(csv_text(ANNUAL_HEADER, lines), encoding="utf-8")
    before = {row.year: row.tax for row in AnnualData.objects.filter(
        enterprise__credit_code=code)}
    assert do_import_file(None, path).status == "landed"
    stored = {row.year: row for row in AnnualData.objects.filter(enterprise__credit_code=code)}
    for i, (revenue, tax) in enumerate(rows):
        year = first_year + i
        assert stored[year].revenue == revenue
        assert stored[year].tax == (before.get(year) if tax is None else tax)


def test_dates_in_office_spellings(tmp_file):
    codes = [new_code() for _ in range(4)]
    spellings = ["2019/3/8", "2019年3月8日", "20190308", "2019.03.08"]
    rows = [f"{c},日期{i}有限公司,莱西,3612,否,{d},3" for i, (c, d) in
            enumerate(zip(codes, spellings, strict=True))]
    batch = do_import_file(None, tmp_file("dates.csv", csv_text(ENTERPRISE_HEADER, rows)))
    assert batch.status == "landed", batch.errors
    assert set(Enterprise.objects.filter(credit_code__in=codes).values_list(
        "founded", flat=True)) == {dt.date(2019, 3, 8)}


def test_triage_inputs_import_with_units_and_yes_no_cells(tmp_file):
    """The facts a per-mu evaluation reads: consumption in the units offices report them in,
    and yes/no cells for vetoes and firms not to evaluate."""
    code = new_code()
    enterprise = tmp_file("firms.csv", csv_text(ENTERPRISE_HEADER, [
        f"{code},评价企业有限公司,黄岛,3612,是,2015-06-01,40"]))
    annual = tmp_file("triage.csv", csv_text(
        "统一社会信用代码,年度,用电量（万千瓦时）,用气量（万立方米）,用水量（吨）,"
        "城镇土地使用税（元）,发生重大安全环保事故,未完成节能目标,在建,土地未投入使用",
        [f"{code},2023,120.5,3.2,5400,180000,是,否,否,"]))
    assert do_import_file(None, enterprise).status == "landed"
    batch = do_import_file(None, annual)
    assert batch.status == "landed", batch.errors
    row = AnnualData.objects.get(enterprise__credit_code=code, year=2023)
    assert row.electricity_kwh == pytest.approx(1_205_000)
    assert row.gas_m3 == pytest.approx(32_000)
    assert row.water_m3 == pytest.approx(5400)
    assert row.land_use_tax == pytest.approx(18)
    assert (row.major_accident, row.energy_target_missed, row.under_construction) == (
        True, False, False)
    assert row.land_unused is None


def test_a_yes_no_cell_that_is_neither_is_refused(tmp_file):
    code = new_code()
    do_import_file(None, tmp_file("firms.csv", csv_text(ENTERPRISE_HEADER, [
        f"{code},评价企业有限公司,黄岛,3612,是,2015-06-01,40"])))
    batch = do_import_file(None, tmp_file("bad.csv", csv_text(
        "统一社会信用代码,年度,发生重大安全环保事故", [f"{code},2023,也许"])))
    assert batch.status == "rejected"
    assert [(error["row"], error["column"]) for error in batch.errors] == [
        (2, "发生重大安全环保事故")]
    assert not AnnualData.objects.filter(enterprise__credit_code=code).exists()


def test_year_a_firm_entered_the_statistics_imports_and_a_bad_one_is_located(tmp_file):
    """纳入规上年份 protects newly above-scale firms from class D; a year no statistics held
    is refused with its row and column, and nothing lands."""
    good, bad = new_code(), new_code()
    header = ENTERPRISE_HEADER + ",纳入规上年份"
    batch = do_import_file(None, tmp_file("promoted.csv", csv_text(header, [
        f"{good},新升规有限公司,黄岛,3612,是,2015-06-01,40,2024年"])))
    assert batch.status == "landed", batch.errors
    assert Enterprise.objects.get(credit_code=good).above_scale_since == 2024
    batch = do_import_file(None, tmp_file("bad.csv", csv_text(header, [
        f"{bad},年份有误有限公司,黄岛,3612,是,2015-06-01,40,1890"])))
    assert batch.status == "rejected"
    assert [(error["row"], error["column"]) for error in batch.errors] == [(2, "纳入规上年份")]
    assert not Enterprise.objects.filter(credit_code=bad).exists()
