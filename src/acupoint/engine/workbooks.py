"""Opening a spreadsheet only after its size is known.

A reader such as calamine allocates the whole rectangle between a sheet's first and last
cell before handing back a single row: a 2 KB .xlsx whose only cells are A1 and XFD1048576
asks for half a terabyte and aborts the process. So before a workbook is opened, its parts
are streamed once: how much they unpack to (a zip bomb stops at the limit, whatever the
archive claims), each sheet's declared dimension, and the rectangle its cells really span.
Anything beyond the limits is refused with the numbers that show why.

.xls (BIFF) is bounded by its format (65,536 × 256 cells) and by the upload limit.
"""

from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

logger = logging.getLogger(__name__)

CHUNK = 1 << 20
# A tag longer than this is no spreadsheet's: only a file built to slip past the scan.
MAX_TAG = 1 << 16
_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
# What Excel, WPS and the common writers produce: the reference first, no namespace prefix.
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s[^>]*?\bref="\$?([A-Z]{1,3})\$?([0-9]{1,7})'
    rb'(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?"')
_ODS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


@dataclass(frozen=True)
class WorkbookLimits:
    """How large a workbook may be. The defaults hold a year of a large city's data (300,000
    rows of 60 columns) and keep the reader's memory near a gigabyte."""

    max_rows: int = 1_048_576
    max_columns: int = 2_000
    max_cells: int = 30_000_000
    max_unpacked_bytes: int = 3 * 1024 ** 3


# What each refusal says on the command line; the site words the same codes in the
# user's language.
MESSAGES = {
    "sheet_too_large": "sheet “{sheet}” spans {rows:,} rows × {columns:,} columns; at most "
                       "{max_rows:,} rows, {max_columns:,} columns and {max_cells:,} cells "
                       "are read",
    "sheet_declared_too_large": "sheet “{sheet}” declares {rows:,} rows × {columns:,} "
                                "columns; at most {max_rows:,} rows, {max_columns:,} columns "
                                "and {max_cells:,} cells are read",
    "workbook_unpacks_too_large": "the workbook unpacks to more than {megabytes:,} MB; at "
                                  "most {limit:,} MB are read",
    "workbook_malformed": "the workbook is malformed: {reason}",
}


class WorkbookTooLarge(ValueError):
    """``code`` names the limit (for the error catalogue), ``params`` the figures."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(MESSAGES[code].format(**params))
        self.code = code
        self.params = params


@dataclass
class _Extent:
    """The rectangle a sheet's cells span (1-based rows and columns)."""

    first_row: int | None = None
    last_row: int = 0
    first_column: int | None = None
    last_column: int = 0

    def add(self, column: int, row: int) -> None:
        self.first_row = row if self.first_row is None else min(self.first_row, row)
        self.first_column = column if self.first_column is None else min(self.first_column,
                                                                          column)
        self.last_row, self.last_column = max(self.last_row, row), max(self.last_column,
                                                                       column)

    def add_cells(self, body: bytes) -> None:
        """Every cell reference in ``body``: a chunk has few distinct columns and rows, so
        they are collected as sets before any is turned into a number."""
        pairs = _PLAIN_CELL.findall(body)
        if len(pairs) != body.count(b"<c ") + body.count(b":c "):
            pairs = _CELL.findall(body)
        if not pairs:
            return
        columns, rows = (set(part) for part in zip(*pairs, strict=True))
        numbers = [column_number(column) for column in columns]
        lines = [int(row) for row in rows]
        self.add(min(numbers), min(lines))
        self.add(max(numbers), max(lines))

    @property
    def rows(self) -> int:
        return 0 if self.first_row is None else self.last_row - self.first_row + 1

    @property
    def columns(self) -> int:
        return 0 if self.first_column is None else self.last_column - self.first_column + 1


def column_number(letters: bytes | str) -> int:
    number = 0
    for letter in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def check_workbook(path: Path, limits: WorkbookLimits = WorkbookLimits()) -> None:
    """Raise :class:`WorkbookTooLarge` unless every sheet fits the limits; a file that is no
    zip archive (.xls) passes to the reader, which judges it."""
    if not zipfile.is_zipfile(path):
        return
    with zipfile.ZipFile(path) as archive:
        budget = _Budget(limits.max_unpacked_bytes)
        for entry in archive.infolist():
            budget.declare(entry.file_size)
        shown = _sheet_names(archive)
        for entry in archive.infolist():
            name = entry.filename
            with archive.open(entry) as part:
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    declared, extent = _scan_xlsx_sheet(part, budget)
                    sheet = shown.get(name, Path(name).stem)
                    _check_extent(sheet, declared, limits, declared=True)
                    _check_extent(sheet, extent, limits, declared=False)
                elif name == "content.xml":
                    for sheet, extent in _scan_ods(part, budget):
                        _check_extent(sheet, extent, limits, declared=False)
                else:
                    for chunk in iter(lambda part=part: part.read(CHUNK), b""):
                        budget.spend(len(chunk))


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → the name its tab shows, for errors a user recognises."""
    try:
        book = ElementTree.fromstring(_small_part(archive, "xl/workbook.xml"))
        links = ElementTree.fromstring(_small_part(archive, "xl/_rels/workbook.xml.rels"))
    except (KeyError, ValueError, ElementTree.ParseError):
        return {}
    targets = {link.get("Id"): link.get("Target", "") for link in links}
    names = {}
    for sheet in book.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"):
        relation = sheet.get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        target = targets.get(relation, "").lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        names[part] = sheet.get("name", "")
    return names


def _small_part(archive: zipfile.ZipFile, name: str, limit: int = 16 << 20) -> bytes:
    with archive.open(name) as part:
        data = part.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{name} is larger than {limit} bytes")
    return data


class _Budget:
    """Unpacked bytes counted as they are read: an archive cannot lie its way past."""

    def __init__(self, limit: int) -> None:
        self.limit, self.declared, self.spent = limit, 0, 0

    def declare(self, size: int) -> None:
        self.declared += size
        self._check(self.declared)

    def spend(self, size: int) -> None:
        self.spent += size
        self._check(self.spent)

    def _check(self, size: int) -> None:
        if size > self.limit:
            raise WorkbookTooLarge("workbook_unpacks_too_large",
                                   megabytes=round(size / 1024 ** 2),
                                   limit=round(self.limit / 1024 ** 2))


def _scan_xlsx_sheet(part: Any, budget: _Budget) -> tuple[_Extent, _Extent]:
    """The sheet's declared dimension and the rectangle of its cells, read in chunks cut
    before the last unfinished tag."""
    declared, extent = _Extent(), _Extent()
    carry = b""
    for chunk in iter(lambda: part.read(CHUNK), b""):
        budget.spend(len(chunk))
        text = carry + chunk
        cut = text.rfind(b"<")
        if cut == -1 or text.find(b">", cut) != -1:
            cut = len(text)
        body, carry = text[:cut], text[cut:]
        if len(carry) > MAX_TAG:
            raise WorkbookTooLarge("workbook_malformed", reason="a tag longer than 64 KB")
        if declared.first_row is None:
            found = _DIMENSION.search(body)
            if found:
                first_column, first_row, last_column, last_row = found.groups()
                declared.add(column_number(first_column), int(first_row))
                if last_column:
                    declared.add(column_number(last_column), int(last_row))
        extent.add_cells(body)
    extent.add_cells(carry)
    return declared, extent


def _scan_ods(part: Any, budget: _Budget) -> list[tuple[str, _Extent]]:
    """Each table's rectangle of non-empty cells, counting repeated rows and columns as the
    reader expands them (empty repeats, which every ODS file ends with, are not kept)."""
    counted = _CountingReader(part, budget)
    tables: list[tuple[str, _Extent]] = []
    extent, row, column, row_repeat = _Extent(), 0, 0, 1
    for event, element in ElementTree.iterparse(counted, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == f"{_ODS}table":
                extent, row = _Extent(), 0
                tables.append((element.get(f"{_ODS}name", ""), extent))
            elif tag == f"{_ODS}table-row":
                row_repeat = int(element.get(f"{_ODS}number-rows-repeated", "1"))
                column = 0
            continue
        if tag in (f"{_ODS}table-cell", f"{_ODS}covered-table-cell"):
            repeat = int(element.get(f"{_ODS}number-columns-repeated", "1"))
            if len(element) or element.get(
                    "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"):
                extent.add(column + 1, row + 1)
                extent.add(column + repeat, row + row_repeat)
            column += repeat
            element.clear()
        elif tag == f"{_ODS}table-row":
            row += row_repeat
            element.clear()
    return tables


class _CountingReader:
    def __init__(self, part: Any, budget: _Budget) -> None:
        self.part, self.budget = part, budget

    def read(self, size: int = CHUNK) -> bytes:
        data = self.part.read(min(size if size > 0 else CHUNK, CHUNK))
        self.budget.spend(len(data))
        return data


def _check_extent(sheet: str, extent: _Extent, limits: WorkbookLimits, declared: bool) -> None:
    rows, columns = extent.rows, extent.columns
    if rows > limits.max_rows or columns > limits.max_columns or \
            rows * columns > limits.max_cells:
        logger.warning("refused workbook sheet %s: %s rows × %s columns (declared: %s)",
                       sheet, rows, columns, declared)
        raise WorkbookTooLarge(
            "sheet_declared_too_large" if declared else "sheet_too_large",
            sheet=sheet, rows=rows, columns=columns, max_rows=limits.max_rows,
            max_columns=limits.max_columns, max_cells=limits.max_cells)


def open_workbook(path: Path, limits: WorkbookLimits = WorkbookLimits()) -> Any:
    """A calamine workbook, opened once the file is known to fit the limits."""
    from python_calamine import CalamineWorkbook

    check_workbook(path, limits)
    return CalamineWorkbook.from_path(str(path))
