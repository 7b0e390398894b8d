"""Every kind of bad file is refused whole, with each problem located by row and column."""

from __future__ import annotations

import pytest

from acupoint.registry.actions import do_import_file
from acupoint.registry.importing.problems import describe
from acupoint.registry.models import AnnualData, Enterprise, ImportBatch
from tests.registry.helpers import (
    ANNUAL_HEADER,
    ENTERPRISE_HEADER,
    csv_text,
    enterprise_rows,
    new_code,
)

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int]:
    return Enterprise.objects.count(), AnnualData.objects.count()


def _import(path, user=None) -> ImportBatch:
    before = _counts()
    batch = do_import_file(user, path)
    if batch.status == ImportBatch.Status.REJECTED:
        assert _counts() == before, "a rejected file must save nothing"
    return batch


def _problems(batch) -> list[tuple]:
    return [(item["row"], item["column"], item["code"]) for item in batch.errors]


def test_invalid_credit_code_is_located_and_nothing_lands(tmp_file):
    rows = enterprise_rows(3)
    bad = rows[1].split(",")
    bad[0] = bad[0][:-1] + ("0" if bad[0][-1] != "0" else "1")
    rows[1] = ",".join(bad)
    batch = _import(tmp_file("bad_code.csv", csv_text(ENTERPRISE_HEADER, rows)))
    assert batch.status == "rejected"
    assert _problems(batch) == [(3, "统一社会信用代码", "credit_code_check")]
    assert "check character" in describe(batch.errors[0]) or "校验" in describe(batch.errors[0])


@pytest.mark.parametrize("land", ["0", "-5"])
def test_zero_or_negative_land_is_refused(tmp_file, land):
    rows = enterprise_rows(2)
    rows[0] = rows[0].rsplit(",", 1)[0] + f",{land}"
    batch = _import(tmp_file("land.csv", csv_text(ENTERPRISE_HEADER, rows)))
    assert _problems(batch) == [(2, "用地面积（亩）", "land_not_positive")]


def test_unknown_industry_code_is_refused(tmp_file):
    rows = enterprise_rows(2)
    rows[1] = rows[1].replace(",3612,", ",3699,")
    batch = _import(tmp_file("industry.csv", csv_text(ENTERPRISE_HEADER, rows)))
    assert _problems(batch) == [(3, "行业代码", "unknown_industry")]


def test_section_prefixed_industry_code_is_stored_bare(tmp_file):
    rows = [row.replace(",3612,", ",C3612,") for row in enterprise_rows(2, seed=11)]
    batch = _import(tmp_file("prefixed.csv", csv_text(ENTERPRISE_HEADER, rows)))
    assert batch.status == "landed"
    code = rows[0].split(",")[0]
    assert Enterprise.objects.get(credit_code=code).industry_code == "3612"


def test_duplicated_rows_in_one_file_name_the_first(tmp_file):
    rows = enterprise_rows(3)
    batch = _import(tmp_file("dup.csv", csv_text(ENTERPRISE_HEADER, [*rows, rows[0]])))
    assert _problems(batch) == [(5, "统一社会信用代码", "duplicate_row")]
    assert batch.errors[0]["params"]["other"] == 2


def test_duplicated_enterprise_year_in_annual_file(tmp_file):
    code = Enterprise.objects.order_by("pk").first().credit_code
    rows = [f"{code},2023,100,5,10", f"{code},2024,110,6,10", f"{code},2023,120,7,11"]
    batch = _import(tmp_file("dup_annual.csv", csv_text(ANNUAL_HEADER, rows)))
    assert _problems(batch) == [(4, "统一社会信用代码", "duplicate_row")]


def test_revenue_in_yuan_under_a_wan_yuan_header_is_warned_not_refused(tmp_file):
    codes = list(Enterprise.objects.order_by("pk").values_list("credit_code", flat=True)[:6])
    rows = [f"{code},2018,{35_000_000 + i},{1_200_000 + i},40" for i, code in enumerate(codes)]
    batch = _import(tmp_file("yuan.csv", csv_text(ANNUAL_HEADER, rows)))
    assert batch.status == "landed"
    assert any(w["code"] == "looks_like_yuan" and w["column"] == "营业收入（万元）"
               for w in batch.warnings)


def test_unit_in_header_is_converted(tmp_file):
    code = Enterprise.objects.order_by("pk").first().credit_code
    header = "统一社会信用代码,年度,营业收入（元）,税收（亿元）"
    batch = _import(tmp_file("units.csv", csv_text(header, [f"{code},2017,12345600,0.5"])))
    assert batch.status == "landed"
    row = AnnualData.objects.get(enterprise__credit_code=code, year=2017)
    assert row.revenue == pytest.approx(1234.56)
    assert row.tax == pytest.approx(5000)


def test_unknown_unit_in_header_is_refused(tmp_file):
    code = Enterprise.objects.order_by("pk").first().credit_code
    header = "统一社会信用代码,年度,营业收入（美元）"
    batch = _import(tmp_file("usd.csv", csv_text(header, [f"{code},2017,100"])))
    assert _problems(batch) == [(1, "营业收入（美元）", "unknown_unit")]


def test_gbk_file_is_read(tmp_file):
    rows = enterprise_rows(3, seed=21)
    path = tmp_file("gbk.csv", csv_text(ENTERPRISE_HEADER, rows), encoding="gbk")
    batch = _import(path)
    assert batch.status == "landed", batch.errors
    code = rows[2].split(",")[0]
    assert Enterprise.objects.get(credit_code=code).name == "测试企业21-2有限公司"


def test_empty_file(tmp_file):
    batch = _import(tmp_file("empty.csv", b""))
    assert _problems(batch) == [(None, "", "empty_file")]


def test_header_only_file(tmp_file):
    batch = _import(tmp_file("header.csv", ENTERPRISE_HEADER + "\n"))
    assert _problems(batch) == [(None, "", "no_rows")]


def test_file_without_credit_code_column(tmp_file):
    batch = _import(tmp_file("nocode.csv", "企业名称,区市\n某公司,黄岛\n"))
    assert _problems(batch) == [(None, "", "no_header")]


def test_every_error_is_listed_not_only_the_first(tmp_file):
    rows = enterprise_rows(4, seed=31)
    rows[0] = rows[0].replace(",3612,", ",9999,")
    rows[2] = rows[2].replace(",黄岛,", ",火星,")
    rows[3] = rows[3].replace("2015-06-01", "2015-13-45")
    batch = _import(tmp_file("many.csv", csv_text(ENTERPRISE_HEADER, rows)))
    assert _problems(batch) == [(2, "行业代码", "unknown_industry"),
                                (4, "区市", "unknown_district"),
                                (5, "成立日期", "not_a_date")]


def test_new_enterprise_needs_name_district_and_industry(tmp_file):
    code = new_code()
    batch = _import(tmp_file("partial.csv", "统一社会信用代码,企业名称\n" + f"{code},某公司\n"))
    assert {(e["row"], e["code"]) for e in batch.errors} == {(2, "required_new")}
    assert len(batch.errors) == 2


def test_annual_rows_for_an_unknown_enterprise(tmp_file):
    batch = _import(tmp_file("orphan.csv", csv_text(ANNUAL_HEADER, [f"{new_code()},2023,1,1,1"])))
    assert _problems(batch) == [(2, "统一社会信用代码", "unknown_enterprise")]


def test_conflicting_attributes_across_years(tmp_file):
    code = new_code()
    header = "统一社会信用代码,企业名称,区市,行业代码,年度,营业收入（万元）"
    rows = [f"{code},甲公司,黄岛,3612,2023,100", f"{code},甲公司,即墨,3612,2024,120"]
    batch = _import(tmp_file("conflict.csv", csv_text(header, rows)))
    assert _problems(batch) == [(3, "区市", "conflicting_value")]


def test_district_officer_cannot_import_into_another_district(tmp_file, users):
    rows = enterprise_rows(2, seed=41, district="即墨")
    batch = _import(tmp_file("other.csv", csv_text(ENTERPRISE_HEADER, rows)), users["huangdao"])
    assert {error["code"] for error in batch.errors} == {"district_out_of_scope"}
    assert len(batch.errors) == 2


def test_enterprise_user_may_not_import(tmp_file, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_import_file(users["enterprise"], tmp_file("x.csv", csv_text(ENTERPRISE_HEADER, [])))


def test_errors_read_in_english_and_chinese(tmp_file):
    from django.utils import translation

    rows = enterprise_rows(1)
    rows[0] = rows[0].replace(",3612,", ",9999,")
    batch = _import(tmp_file("lang.csv", csv_text(ENTERPRISE_HEADER, rows)))
    with translation.override("en"):
        english = describe(batch.errors[0])
    with translation.override("zh-hans"):
        chinese = describe(batch.errors[0])
    assert "GB/T 4754-2017" in english and "industry class" in english
    assert "行业" in chinese and chinese != english
