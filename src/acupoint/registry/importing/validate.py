"""Validating a whole file before anything is written.

`validate` reads every row, converts every cell, checks it against the registry as it stands
(`Lookups`) and returns the clean records with every problem found. The caller writes only
when there is no error.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from acupoint.registry import credit_code, industry
from acupoint.registry.fields import ANNUAL_COLUMNS, ENTERPRISE_COLUMNS, Column
from acupoint.registry.importing import parsing
from acupoint.registry.importing.headers import (
    HEADER_SEARCH_ROWS,
    HeaderMap,
    MappedColumn,
    find_header,
)
from acupoint.registry.importing.parsing import CellError
from acupoint.registry.importing.problems import Problem

MAX_LISTED_PROBLEMS = 100_000
FIRST_YEAR = 1990
REQUIRED_FOR_NEW = ("name", "district", "industry_code")
# A column whose median is above this many 万元 was almost surely filled in 元.
MEDIAN_YUAN_SUSPICION = 1e6


@dataclass
class Lookups:
    """What validation needs to know of the registry, keyed by the spellings files use."""

    districts: dict[str, int]
    clusters: dict[str, int]
    parks: dict[str, int]
    existing: dict[str, int]  # credit code → district id of enterprises already registered
    allowed_districts: frozenset[int] | None = None  # None: every district
    district_names: dict[int, str] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class ValidatedFile:
    """What every sheet of a file said, merged: a workbook exported by the platform carries
    its enterprises and their annual figures on two sheets."""

    headers: list[HeaderMap] = field(default_factory=list)
    rows: int = 0
    enterprises: dict[str, dict] = field(default_factory=dict)
    annual: dict[tuple[str, int], dict] = field(default_factory=dict)
    # credit code → (sheet, row) where it first appears
    first_row: dict[str, tuple[str, int]] = field(default_factory=dict)
    # (credit code, year) → (sheet, row) of its annual figures
    year_rows: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    # credit code → attributes whose cells were refused (not also reported as missing)
    refused: dict[str, set[str]] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error_count: int = 0
    sheet: str = ""  # the sheet being read, stamped on its problems

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def columns(self) -> list[MappedColumn]:
        """The columns of every sheet, each once."""
        seen: dict[str, MappedColumn] = {}
        for header in self.headers:
            for mapped in header.columns:
                seen.setdefault(mapped.column.code, mapped)
        return list(seen.values())

    def error(self, problem: Problem) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_PROBLEMS:
            self.errors.append(self._stamped(problem))

    def warn(self, problem: Problem) -> None:
        self.warnings.append(self._stamped(problem))

    def _stamped(self, problem: Problem) -> Problem:
        if self.sheet and not problem.sheet:
            problem.sheet = self.sheet
        return problem

    def finish(self) -> None:
        hidden = self.error_count - len(self.errors)
        if hidden > 0:
            self.errors.append(Problem(None, "", "too_many_errors", {"count": hidden}))


def _parser(column: Column, lookups: Lookups) -> Callable[[object], object]:
    if column.code == "credit_code":
        return parse_credit_code
    if column.code == "industry_code":
        return _industry
    if column.code in ("district", "cluster", "park"):
        return _lookup(column.code, getattr(lookups, f"{column.code}s"))
    if column.kind == "bool":
        return parsing.boolean
    if column.kind == "date":
        return lambda value: parsing.date(value, lookups.today)
    if column.kind == "text":
        return parsing.text
    if column.kind == "year":
        return lambda value: parsing.year(value, FIRST_YEAR, lookups.today.year)
    base = parsing.integer if column.kind == "integer" else parsing.number
    return base


def parse_credit_code(value: object) -> str | None:
    """The normalised code, None for a blank cell; CellError says what is wrong."""
    if parsing.is_blank(value):
        return None
    code = credit_code.normalise(value)
    problem = credit_code.problem(code)
    if problem == "length":
        raise CellError("credit_code_length", value=value, length=len(code))
    if problem == "character":
        raise CellError("credit_code_character", value=value)
    if problem == "check":
        raise CellError("credit_code_check", value=value,
                        expected=credit_code.check_character(code[:17]))
    return code


def _industry(value: object) -> str | None:
    if parsing.is_blank(value):
        return None
    code = industry.normalise(value)
    if industry.lookup(code) is None:
        raise CellError("unknown_industry", value=value)
    return code


def _lookup(kind: str, table: dict[str, int]) -> Callable[[object], int | None]:
    def parse(value: object) -> int | None:
        name = parsing.text(value)
        if name is None:
            return None
        key = name.replace(" ", "").lower()
        if key not in table:
            raise CellError(f"unknown_{kind}", value=value)
        return table[key]

    return parse


def _check_range(column: Column, value: float, factor: float) -> float:
    converted = value * factor
    if column.code == "land_mu" and converted <= 0:
        raise CellError("land_not_positive", value=value)
    if column.minimum is not None and converted < column.minimum:
        raise CellError("below_minimum", value=value, minimum=column.minimum)
    if column.code == "lon" and not 73 <= converted <= 136:
        raise CellError("out_of_range", value=value, low=73, high=136)
    if column.code == "lat" and not 3 <= converted <= 54:
        raise CellError("out_of_range", value=value, low=3, high=54)
    if column.kind == "integer":
        return round(converted)
    return round(converted, 6) if factor != 1.0 else converted


def validate(rows: Iterator[list[object]], lookups: Lookups) -> ValidatedFile:
    """A file of one table (CSV, Parquet)."""
    return validate_sheets([("", rows)], lookups)


def validate_sheets(sheets: Iterable[tuple[str, Iterator[list[object]]]],
                    lookups: Lookups) -> ValidatedFile:
    """Every sheet of a workbook into one result. A blank sheet is passed over; a sheet with
    data but no header the importer knows is an error, never skipped in silence."""
    result = ValidatedFile()
    sheets = list(sheets)
    for name, rows in sheets:
        result.sheet = name if len(sheets) > 1 else ""
        first_rows: list[list[object]] = []
        for row in rows:
            first_rows.append(row)
            if len(first_rows) >= HEADER_SEARCH_ROWS:
                break
        if not any(any(not parsing.is_blank(cell) for cell in row) for row in first_rows):
            continue
        header = find_header(first_rows)
        if header is None:
            result.error(Problem(None, "", "sheet_not_placed" if result.sheet else "no_header",
                                 {"sheet": name}))
            continue
        result.headers.append(header)
        _check_header(result, header)
        _validate_rows(_chain(first_rows[header.row_number:], rows), header, lookups, result)
        _check_unit_scale(result, header)
    result.sheet = ""
    if not result.headers:
        if not result.errors:
            result.error(Problem(None, "", "empty_file"))
    elif result.rows == 0:
        result.error(Problem(None, "", "no_rows"))
    else:
        _check_new_enterprises(result, lookups)
    result.finish()
    return result


def _check_header(result: ValidatedFile, header: HeaderMap) -> None:
    for problem in header.problems:
        result.error(Problem(header.row_number, problem.header, problem.code, problem.params))
    if "year" not in header.by_code():
        for column in header.columns:
            if column.column in ANNUAL_COLUMNS:
                result.error(Problem(header.row_number, column.header, "no_year_column"))


def _chain(head: list[list[object]], tail: Iterator[list[object]]) -> Iterator[list[object]]:
    yield from head
    yield from tail


@dataclass
class _Seen:
    row: int
    values: dict


def _validate_rows(rows: Iterator[list[object]], header: HeaderMap, lookups: Lookups,
                   result: ValidatedFile) -> None:
    mapped = header.by_code()
    code_column = mapped["credit_code"]
    year_column = mapped.get("year")
    enterprise_columns = [(m, _parser(m.column, lookups)) for m in mapped.values()
                          if m.column in ENTERPRISE_COLUMNS and m.column.code != "credit_code"]
    annual_columns = [(m, _parser(m.column, lookups)) for m in mapped.values()
                      if m.column in ANNUAL_COLUMNS]
    year_parser = _parser(year_column.column, lookups) if year_column else None
    first_seen: dict[str, _Seen] = {}
    width_needed = max(m.index for m in mapped.values()) + 1

    for offset, row in enumerate(rows):
        row_number = header.row_number + 1 + offset
        if len(row) < width_needed:
            row = [*row, *([None] * (width_needed - len(row)))]
        if all(parsing.is_blank(cell) for cell in row):
            continue
        result.rows += 1
        row_ok = True

        try:
            code = parse_credit_code(row[code_column.index])
        except CellError as error:
            _fail(result, row_number, code_column.header, error)
            continue
        if code is None:
            _fail(result, row_number, code_column.header, CellError("required"))
            continue

        attributes: dict = {}
        for column, parse in enterprise_columns:
            try:
                value = parse(row[column.index])
                if value is not None and column.column.unit is not None:
                    value = _check_range(column.column, value, column.factor)
            except CellError as error:
                _fail(result, row_number, column.header, error)
                result.refused.setdefault(code, set()).add(column.column.code)
                row_ok = False
                continue
            if value is not None:
                attributes[column.column.code] = value

        district_id = attributes.get("district", lookups.existing.get(code))
        if (lookups.allowed_districts is not None and district_id is not None
                and district_id not in lookups.allowed_districts):
            district_header = mapped.get("district", code_column).header
            result.error(Problem(row_number, district_header, "district_out_of_scope", {
                "value": lookups.district_names.get(district_id, district_id),
                "scope": "、".join(lookups.district_names.get(d, str(d))
                                  for d in sorted(lookups.allowed_districts))}))
            row_ok = False

        year = None
        if year_parser is not None:
            try:
                year = year_parser(row[year_column.index])
            except CellError as error:
                _fail(result, row_number, year_column.header, error)
                row_ok = False

        measures: dict = {}
        for column, parse in annual_columns:
            try:
                value = parse(row[column.index])
                if value is not None and column.column.unit is not None:
                    value = _check_range(column.column, value, column.factor)
            except CellError as error:
                _fail(result, row_number, column.header, error)
                row_ok = False
                continue
            measures[column.column.code] = value
            limit = column.column.implausible_above
            if value is not None and limit is not None and value > limit:
                result.warn(Problem(row_number, column.header, "looks_like_yuan",
                                    {"value": value, "unit": column.column.unit.code}))

        previous = first_seen.get(code)
        if previous is None:
            first_seen[code] = _Seen(row_number, attributes)
        else:
            if year_column is None:
                result.error(Problem(row_number, code_column.header, "duplicate_row",
                                     {"other": previous.row, "year": ""}))
                continue
            for key, value in attributes.items():
                earlier = previous.values.get(key)
                if earlier is not None and earlier != value:
                    header_text = mapped[key].header
                    result.error(Problem(row_number, header_text, "conflicting_value",
                                         {"other": previous.row, "value": _shown(earlier)}))
                    row_ok = False
                elif earlier is None:
                    previous.values[key] = value

        if year is None and year_parser is not None and any(
                value is not None for value in measures.values()) and row_ok:
            result.error(Problem(row_number, year_column.header, "year_missing"))
            continue
        if year is not None:
            key = (code, year)
            if key in result.year_rows:
                result.error(Problem(row_number, code_column.header, "duplicate_row", {
                    "other": _where(result, *result.year_rows[key]), "year": f", {year}"}))
                continue
            result.year_rows[key] = (result.sheet, row_number)
            if row_ok and measures:
                result.annual[key] = measures

    _merge_enterprises(result, first_seen, mapped)


def _merge_enterprises(result: ValidatedFile, seen: dict[str, _Seen],
                       mapped: dict[str, MappedColumn]) -> None:
    """One sheet's enterprises into the file's: another sheet may name the same firm, but
    not with another value."""
    for code, first in seen.items():
        earlier = result.enterprises.get(code)
        if earlier is None:
            result.enterprises[code] = first.values
            result.first_row[code] = (result.sheet, first.row)
            continue
        for key, value in first.values.items():
            before = earlier.get(key)
            if before is not None and before != value:
                result.error(Problem(first.row, mapped[key].header, "conflicting_value", {
                    "other": _where(result, *result.first_row[code]),
                    "value": _shown(before)}))
            elif before is None:
                earlier[key] = value


def _where(result: ValidatedFile, sheet: str, row: int) -> str:
    """Another row, named with its sheet when it lies on another one."""
    return f"{row} ({sheet})" if sheet and sheet != result.sheet else str(row)


def _fail(result: ValidatedFile, row_number: int, header: str, error: CellError) -> None:
    result.error(Problem(row_number, header, error.code, error.params))


def _shown(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _check_new_enterprises(result: ValidatedFile, lookups: Lookups) -> None:
    mapped = {mapped.column.code: mapped for mapped in result.columns}
    several = len(result.headers) > 1
    for code, attributes in result.enterprises.items():
        if code in lookups.existing:
            continue
        refused = result.refused.get(code, set())
        missing = [name for name in REQUIRED_FOR_NEW
                   if name not in attributes and name not in refused]
        if not missing:
            continue
        sheet, row = result.first_row[code]
        result.sheet = sheet if several else ""
        if len(missing) == len(REQUIRED_FOR_NEW) and not any(
                name in mapped for name in REQUIRED_FOR_NEW):
            result.error(Problem(row, mapped["credit_code"].header, "unknown_enterprise"))
            continue
        for name in missing:
            column = mapped.get(name)
            label = column.header if column else str(_column_label(name))
            result.error(Problem(row, label, "required_new"))
    result.sheet = ""


def _column_label(code: str) -> str:
    return next(str(column.label) for column in ENTERPRISE_COLUMNS if column.code == code)


def _check_unit_scale(result: ValidatedFile, header: HeaderMap) -> None:
    """A whole column in 元 under a 万元 header shows as an absurd median."""
    for mapped in header.columns:
        column = mapped.column
        if column.unit is None or column.unit.code != "万元" or mapped.factor != 1.0:
            continue
        values = [record[column.code] for record in result.annual.values()
                  if record.get(column.code)]
        if len(values) >= 5 and statistics.median(values) > MEDIAN_YUAN_SUSPICION:
            result.warn(Problem(None, mapped.header, "looks_like_yuan", {
                "value": statistics.median(values), "unit": column.unit.code}))
