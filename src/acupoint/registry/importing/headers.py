"""Recognising the header row of an office spreadsheet.

Handles the usual Chinese and English headers with units in brackets (营业收入（万元）),
a title row or two above the header, and two-row headers made of merged cells where the unit
or the name sits in the row above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from acupoint.registry.fields import ALL_COLUMNS, Column

HEADER_SEARCH_ROWS = 12
_FULL_TO_HALF = str.maketrans("（）【】［］：，　", "()[][]:, ")
_UNIT_SUFFIX = re.compile(r"^(?P<base>.*?)\s*[(\[](?P<unit>[^()\[\]]*)[)\]]\s*$")
_SPACES = re.compile(r"\s+")


def _clean(text: object) -> str:
    return _SPACES.sub("", str(text if text is not None else "").translate(_FULL_TO_HALF))


def _split_unit(text: str) -> tuple[str, str]:
    match = _UNIT_SUFFIX.match(text)
    if not match:
        return text, ""
    return match["base"], match["unit"]


def _alias_key(text: str) -> str:
    return text.lower().replace("_", "").replace("-", "")


_ALIASES: dict[str, Column] = {}
for _column in ALL_COLUMNS:
    for _alias in (_column.code, *_column.aliases):
        _ALIASES[_alias_key(_clean(_alias))] = _column


@dataclass(frozen=True)
class MappedColumn:
    index: int
    header: str  # as written in the file, for error messages
    column: Column
    factor: float  # converts the file's unit into the column's declared unit


@dataclass
class HeaderProblem:
    index: int
    header: str
    code: str
    params: dict


@dataclass
class HeaderMap:
    row_number: int  # 1-based row of the (last) header row in the file
    columns: list[MappedColumn]
    problems: list[HeaderProblem]
    ignored: list[str]

    def by_code(self) -> dict[str, MappedColumn]:
        return {mapped.column.code: mapped for mapped in self.columns}


def recognise(text: str) -> tuple[Column | None, str]:
    """The column a header names, and the unit it states ('' when none)."""
    base, unit = _split_unit(_clean(text))
    return _ALIASES.get(_alias_key(base)), unit


def _text(cell: object) -> str:
    return str(cell).strip() if cell is not None else ""


def _combined_headers(upper: list[object] | None, lower: list[object]) -> list[str]:
    """Merge a two-row header: empty lower cells take the cell above; units flow down.
    Texts stay as the file writes them, so messages quote the user's own headers."""
    texts = [_text(cell) for cell in lower]
    if upper is None:
        return texts
    uppers = [_text(upper[index]) if index < len(upper) else "" for index in range(len(lower))]
    combined = []
    group = ""
    for text, above in zip(texts, uppers, strict=True):
        group = above or group
        if not text:
            combined.append(above)
            continue
        if not _split_unit(_clean(text))[1] and group:
            group_unit = _split_unit(_clean(group))[1]
            if group_unit:
                text = f"{text}（{group_unit}）"
        combined.append(text)
    return combined


def _score(headers: list[str]) -> int:
    recognised = [recognise(header)[0] for header in headers if header]
    codes = {column.code for column in recognised if column is not None}
    return len(codes) + (100 if "credit_code" in codes else 0)


def find_header(first_rows: list[list[object]]) -> HeaderMap | None:
    """Choose the header among the first rows: the one naming the most known columns."""
    best: tuple[int, int, list[str]] | None = None
    for index, row in enumerate(first_rows[:HEADER_SEARCH_ROWS]):
        for upper in ((None,) if index == 0 else (None, first_rows[index - 1])):
            headers = _combined_headers(upper, row)
            score = _score(headers)
            if score >= 101 and (best is None or score > best[0]):
                best = (score, index, headers)
    if best is None:
        return None
    _, index, headers = best
    return map_headers(headers, row_number=index + 1)


def map_headers(headers: list[str], row_number: int = 1) -> HeaderMap:
    mapped: list[MappedColumn] = []
    problems: list[HeaderProblem] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        column, unit = recognise(header)
        if column is None:
            ignored.append(header)
            continue
        if column.code in seen:
            problems.append(HeaderProblem(index, header, "duplicate_header",
                                          {"other": seen[column.code]}))
            continue
        seen[column.code] = header
        factor = 1.0
        if unit and column.unit is not None:
            spellings = {_alias_key(name): value for name, value in column.unit.spellings.items()}
            if _alias_key(unit) not in spellings:
                problems.append(HeaderProblem(index, header, "unknown_unit", {
                    "unit": unit, "expected": "、".join(column.unit.spellings)}))
                continue
            factor = spellings[_alias_key(unit)]
        mapped.append(MappedColumn(index, header, column, factor))
    return HeaderMap(row_number, mapped, problems, ignored)
