"""Reading spreadsheet files row by row: CSV in UTF-8 or GBK/GB18030, .xlsx and .xls.

CSV is streamed; nothing here holds a whole file in memory twice.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from python_calamine import SheetTypeEnum

from acupoint.engine.workbooks import WorkbookLimits, WorkbookTooLarge, open_workbook

SAMPLE_BYTES = 256 * 1024
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
ACCEPTED_SUFFIXES = {".csv", ".txt", ".parquet", *SPREADSHEET_SUFFIXES}


class UnreadableFile(Exception):
    """The file cannot be read at all; `code` names the reason for the error catalogue."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class _HashingReader(io.RawIOBase):
    """Passes bytes through while hashing them, so the fingerprint costs no second read."""

    def __init__(self, raw: IO[bytes], digest: hashlib._Hash) -> None:
        self._raw = raw
        self._digest = digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        self._digest.update(data)
        buffer[: len(data)] = data
        return len(data)


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) when the sample decodes as such, else GB18030 (⊇ GBK)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


Sheet = tuple[str, Iterator[list[object]]]


@dataclass
class OpenedTable:
    """Each sheet's name and rows of cells, read as they are iterated (a CSV or Parquet file
    is one sheet); `sha256` is complete once the rows are exhausted."""

    sheets: list[Sheet]
    encoding: str = ""
    _digest: hashlib._Hash = field(default_factory=hashlib.sha256)

    @property
    def rows(self) -> Iterator[list[object]]:
        """The rows of the first sheet."""
        return self.sheets[0][1]

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


def open_table(path: Path, original_name: str | None = None) -> OpenedTable:
    suffix = Path(original_name or path.name).suffix.lower()
    if path.stat().st_size == 0:
        raise UnreadableFile("empty_file")
    if suffix in SPREADSHEET_SUFFIXES:
        return _open_spreadsheet(path)
    if suffix == ".parquet":
        return _open_parquet(path)
    return _open_csv(path)


def open_sheets(path: Path, original_name: str | None = None,
                max_rows: int = 250_000) -> list[tuple[str, list[list[object]]]]:
    """Every non-empty sheet of a workbook (a CSV or Parquet file is one sheet), each as its
    rows, for files that carry more than one table (a ledger and its events)."""
    name = Path(original_name or path.name)
    if name.suffix.lower() not in SPREADSHEET_SUFFIXES:
        table = open_table(path, original_name)
        return [(name.stem, list(islice(table.rows, max_rows + 1)))]
    if path.stat().st_size == 0:
        raise UnreadableFile("empty_file")
    workbook = _workbook(path)
    sheets = []
    for sheet_name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(sheet_name)
        if sheet.height > 0:
            sheets.append((sheet_name, [list(row) for row in
                                        islice(sheet.iter_rows(), max_rows + 1)]))
    if not sheets:
        raise UnreadableFile("empty_file")
    return sheets


def workbook_limits() -> WorkbookLimits:
    """The limits the site's settings set (see settings.py)."""
    from django.conf import settings

    return WorkbookLimits(
        max_rows=settings.ACUPOINT_SHEET_MAX_ROWS,
        max_columns=settings.ACUPOINT_SHEET_MAX_COLUMNS,
        max_cells=settings.ACUPOINT_SHEET_MAX_CELLS,
        max_unpacked_bytes=settings.ACUPOINT_WORKBOOK_MAX_UNPACKED_MB * 1024 ** 2)


def _workbook(path: Path) -> Any:
    try:
        return open_workbook(path, workbook_limits())
    except WorkbookTooLarge as error:
        raise UnreadableFile(error.code, **error.params) from error
    except Exception as error:  # calamine raises its own error types for damaged files
        raise UnreadableFile("unreadable_spreadsheet", reason=str(error)) from error


def _open_csv(path: Path) -> OpenedTable:
    with path.open("rb") as probe:
        sample = probe.read(SAMPLE_BYTES)
    if sample[:4] == b"PK\x03\x04":
        raise UnreadableFile("spreadsheet_named_csv")
    encoding = detect_encoding(sample)
    table = OpenedTable(sheets=[], encoding=encoding)
    table.sheets.append((path.stem, _csv_rows(path, encoding, table._digest)))
    return table


def _csv_rows(path: Path, encoding: str, digest: hashlib._Hash) -> Iterator[list[object]]:
    with path.open("rb") as raw:
        buffered = io.BufferedReader(_HashingReader(raw, digest), buffer_size=1 << 20)
        text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
        try:
            sample = text.read(8192)
            dialect = _sniff_dialect(sample)
            reader = csv.reader(_prepend(sample, text), dialect)
            yield from reader
        except UnicodeDecodeError as error:
            raise UnreadableFile("undecodable", encoding=encoding,
                                 position=error.start) from error
        except csv.Error as error:
            raise UnreadableFile("malformed_csv", reason=str(error)) from error


def _prepend(sample: str, text: io.TextIOWrapper) -> Iterator[str]:
    """Lines of `sample` followed by the rest of `text`, without re-reading the sample."""
    rest = text.readline()
    yield from io.StringIO(sample + rest)
    yield from text


def _sniff_dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    first_line = sample.split("\n", 1)[0]
    delimiters = {",": first_line.count(","), "\t": first_line.count("\t"),
                  ";": first_line.count(";"), "|": first_line.count("|")}
    delimiter = max(delimiters, key=delimiters.get)

    class Sniffed(csv.excel):
        pass

    Sniffed.delimiter = delimiter if delimiters[delimiter] else ","
    return Sniffed


def _open_spreadsheet(path: Path) -> OpenedTable:
    digest = _file_digest(path)
    workbook = _workbook(path)
    names = [item.name for item in workbook.sheets_metadata
             if item.typ == SheetTypeEnum.WorkSheet]
    if not names:
        raise UnreadableFile("empty_file")
    return OpenedTable(sheets=[(name, _sheet_rows(workbook, name)) for name in names],
                       _digest=digest)


def _sheet_rows(workbook: Any, name: str) -> Iterator[list[object]]:
    """One sheet's rows, loaded only when the sheet is reached, so that a workbook's sheets
    are held in memory one at a time."""
    sheet = workbook.get_sheet_by_name(name)
    for row in sheet.iter_rows():
        yield list(row)


def _open_parquet(path: Path) -> OpenedTable:
    import pyarrow.parquet as pq

    digest = _file_digest(path)
    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises ArrowInvalid and OSError subclasses
        raise UnreadableFile("unreadable_spreadsheet", reason=str(error)) from error

    def rows() -> Iterator[list[object]]:
        yield list(parquet.schema_arrow.names)
        for batch in parquet.iter_batches(batch_size=65_536):
            yield from (list(row) for row in zip(*(column.to_pylist() for column in
                                                   batch.columns), strict=True))

    return OpenedTable(sheets=[(path.stem, rows())], _digest=digest)


def _file_digest(path: Path) -> hashlib._Hash:
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            digest.update(chunk)
    return digest
