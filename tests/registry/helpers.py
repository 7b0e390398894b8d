"""Building import files for tests."""

from __future__ import annotations

import random

from acupoint.registry import credit_code

ENTERPRISE_HEADER = "统一社会信用代码,企业名称,区市,行业代码,是否规上,成立日期,用地面积（亩）"
ANNUAL_HEADER = "统一社会信用代码,年度,营业收入（万元）,税收（万元）,从业人员（人）"


def new_code(rng: random.Random | None = None) -> str:
    rng = rng or random.Random()
    head = "913702" + "".join(rng.choice(credit_code.ALPHABET) for _ in range(11))
    return head + credit_code.check_character(head)


def enterprise_rows(count: int, seed: int = 1, district: str = "黄岛") -> list[str]:
    rng = random.Random(seed)
    return [f"{new_code(rng)},测试企业{seed}-{index}有限公司,{district},3612,是,2015-06-01,"
            f"{10 + index}" for index in range(count)]


def csv_text(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"
