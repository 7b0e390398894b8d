"""Turning cell values (strings from CSV, typed values from Excel) into Python values.

Each parser returns the value or raises `CellError(code, params)`; blank cells give None.
"""

from __future__ import annotations

import datetime as dt
import math
import re

BLANKS = frozenset({"", "-", "--", "—", "——", "/", "null", "none", "nan", "n/a", "na", "#n/a",
                    "无", "空"})
TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "规上", "√", "t", "是的"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "规下", "×", "f", "不是"})
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class CellError(Exception):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in BLANKS


def text(value: object) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def number(value: object) -> float | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("not_a_number", value=value)
    if isinstance(value, (int, float)):
        result = float(value)
    else:
        cleaned = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
        try:
            result = float(cleaned)
        except ValueError:
            raise CellError("not_a_number", value=value) from None
    if not math.isfinite(result):
        raise CellError("not_a_number", value=value)
    return result


def integer(value: object) -> int | None:
    result = number(value)
    if result is None:
        return None
    if not result.is_integer():
        raise CellError("not_an_integer", value=value)
    return int(result)


def boolean(value: object) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if isinstance(value, float) and value.is_integer():
        word = str(int(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("not_a_bool", value=value)


def date(value: object, today: dt.date | None = None) -> dt.date | None:
    if is_blank(value):
        return None
    result = _date(value)
    if result > (today or dt.date.today()):
        raise CellError("future_date", value=result.isoformat())
    return result


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        value = str(int(value))
    cleaned = str(value).strip().split(" ")[0].split("T")[0]
    match = _DATE_TEXT.match(cleaned) or _COMPACT_DATE.match(cleaned)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise CellError("not_a_date", value=value)


def year(value: object, low: int, high: int) -> int | None:
    if is_blank(value):
        return None
    cleaned = value
    if isinstance(value, str):
        cleaned = value.strip().removesuffix("年").removesuffix("年度")
    try:
        result = integer(cleaned)
    except CellError:
        raise CellError("bad_year", value=value, low=low, high=high) from None
    if result is None or not low <= result <= high:
        raise CellError("bad_year", value=value, low=low, high=high)
    return result
