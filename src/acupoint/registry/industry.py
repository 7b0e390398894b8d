"""GB/T 4754-2017 industry classification, shipped with the package.

Enterprise records carry the 4-digit class, sometimes prefixed with the section letter
(`C3612`); both are accepted and stored as the bare 4 digits.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class IndustryCode:
    code: str
    name: str
    level: str
    parent: str


@cache
def table() -> dict[str, IndustryCode]:
    with resources.files("acupoint.registry.data").joinpath("gbt4754_2017.csv").open(
        encoding="utf-8"
    ) as handle:
        return {row["code"]: IndustryCode(**row) for row in csv.DictReader(handle)}


@cache
def section_of_division() -> dict[str, str]:
    return {item.code: item.parent for item in table().values() if item.level == "division"}


def normalise(raw: object) -> str:
    text = str(raw or "").strip().upper().replace(" ", "")
    if text.endswith(".0"):
        text = text[:-2]
    if len(text) == 5 and text[0].isalpha():
        text = text[1:]
    if text.isdigit() and len(text) == 3:
        text = "0" + text
    return text


def lookup(code: str) -> IndustryCode | None:
    """The class for a normalised 4-digit code, or None when the standard has no such class."""
    item = table().get(code)
    return item if item is not None and item.level == "class" else None


def section(code: str) -> str:
    return section_of_division().get(code[:2], "")


def name(code: str) -> str:
    item = table().get(code)
    return item.name if item else ""


def divisions() -> list[IndustryCode]:
    return [item for item in table().values() if item.level == "division"]
