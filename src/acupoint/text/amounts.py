"""Amounts written in policy text: 500万元, 1.5亿元, 二百万元, 20%, 百分之二十, with whether the
text caps them (最高, 不超过) or sets a floor (不低于, 以上). Money comes out in 万元."""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

_DIGITS = r"\d+(?:\.\d+)?"
_HAN_NUMBER = r"[零〇一二两三四五六七八九十百千万亿点]+"
_MONEY_UNITS = {"亿元": 10_000.0, "千万元": 1_000.0, "百万元": 100.0, "万元": 1.0,
                "千元": 0.1, "元": 0.0001}
_MONEY = re.compile(rf"(?P<number>{_DIGITS}|{_HAN_NUMBER})\s*(?P<unit>"
                    + "|".join(sorted(_MONEY_UNITS, key=len, reverse=True)) + ")")
_PERCENT = re.compile(rf"(?:(?P<number>{_DIGITS})\s*[%％])|(?:百分之(?P<han>{_HAN_NUMBER}|"
                      rf"{_DIGITS}))")
_CAP = re.compile(r"(最高|不超过|最多|上限|封顶|不高于|以内)")
_FLOOR = re.compile(r"(不低于|至少|以上|及以上|不少于|超过)")
_WINDOW = 6


@dataclass(frozen=True)
class Amount:
    """One amount: ``value`` in 万元 (money) or as a fraction (percent), as written."""

    kind: str
    value: float
    written: str
    start: int
    bound: str = ""  # "max", "min" or ""


def _number(text: str) -> float | None:
    try:
        return float(text) if re.fullmatch(_DIGITS, text) else float(
            cn2an.cn2an(text, "smart"))
    except ValueError:
        return None


def _bound(text: str, start: int, end: int) -> str:
    before, after = text[max(0, start - _WINDOW):start], text[end:end + 4]
    if _CAP.search(before) or after.startswith(("以内", "以下")):
        return "max"
    if _FLOOR.search(before) or after.startswith(("以上", "及以上")):
        return "min"
    return ""


def amounts(text: str) -> list[Amount]:
    """Every amount of money and percentage in ``text``, in order."""
    found: list[Amount] = []
    for match in _MONEY.finditer(text):
        value = _number(match.group("number"))
        if value is not None:
            found.append(Amount("money", value * _MONEY_UNITS[match.group("unit")],
                                match.group(0), match.start(),
                                _bound(text, match.start(), match.end())))
    for match in _PERCENT.finditer(text):
        value = _number(match.group("number") or match.group("han"))
        if value is not None:
            found.append(Amount("percent", value / 100, match.group(0), match.start(),
                                _bound(text, match.start(), match.end())))
    return sorted(found, key=lambda amount: amount.start)


def largest_money(text: str) -> float | None:
    """The largest sum of money a clause names (its headline amount), in 万元."""
    money = [amount.value for amount in amounts(text) if amount.kind == "money"]
    return max(money, default=None)
