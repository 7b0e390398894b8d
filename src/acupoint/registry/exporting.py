"""Exports of the registry's tables to .xlsx and Parquet, with the headers the importer reads,
so an exported file can be edited in Excel and imported again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from acupoint.engine import cells
from acupoint.registry.fields import ANNUAL_COLUMNS, ENTERPRISE_COLUMNS, YEAR_COLUMN, Column
from acupoint.registry.importing.problems import describe
from acupoint.registry.models import AnnualData, Enterprise, ImportBatch

CHUNK = 20_000

# Exported column → the queryset value that fills it.
_ENTERPRISE_SOURCES = {"district": "district__name", "park": "park__name",
                       "cluster": "cluster__name"}


def header(column: Column) -> str:
    """The file header for a column: its first Chinese spelling with the unit in brackets."""
    name = column.aliases[0]
    unit = column.unit.code if column.unit is not None and column.unit.code != "度" else ""
    return f"{name}({unit})" if unit and unit != name else name


_ARROW_TYPES = {"text": pa.string(), "bool": pa.bool_(), "date": pa.date32(),
                "number": pa.float64(), "integer": pa.int64(), "year": pa.int32()}


@dataclass
class ExportTable:
    headers: list[str]
    types: list[pa.DataType]
    rows: Iterator[tuple]


def enterprise_table(queryset: QuerySet[Enterprise]) -> ExportTable:
    sources = [_ENTERPRISE_SOURCES.get(column.code, column.code) for column in ENTERPRISE_COLUMNS]
    rows = queryset.order_by("credit_code").values_list(*sources).iterator(chunk_size=CHUNK)
    return ExportTable([header(column) for column in ENTERPRISE_COLUMNS],
                       [_ARROW_TYPES[column.kind] for column in ENTERPRISE_COLUMNS], rows)


def annual_table(queryset: QuerySet[AnnualData]) -> ExportTable:
    columns = (ENTERPRISE_COLUMNS[0], YEAR_COLUMN, *ANNUAL_COLUMNS)
    sources = ["enterprise__credit_code", "year", *(column.code for column in ANNUAL_COLUMNS)]
    rows = (queryset.order_by("enterprise__credit_code", "year").values_list(*sources)
            .iterator(chunk_size=CHUNK))
    return ExportTable([header(column) for column in columns],
                       [_ARROW_TYPES[column.kind] for column in columns], rows)


def write_xlsx(target: str | Path | IO[bytes], sheets: dict[str, ExportTable]) -> None:
    """Stream rows into a workbook, one sheet per table, without holding them in memory."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True,
                                            "default_date_format": "yyyy-mm-dd",
                                            **cells.WORKBOOK_OPTIONS})
    header = {"bold": True, "bg_color": "#E8EEF5", "border": 1}
    bold = workbook.add_format(header)
    bold_quoted = workbook.add_format({**header, "quote_prefix": True})
    quoted = cells.text_format(workbook)
    for sheet_name, table in sheets.items():
        sheet = workbook.add_worksheet(sheet_name)
        cells.write_row(sheet, 0, table.headers, bold_quoted, cell_format=bold)
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, len(table.headers) - 1, 14)
        sheet.freeze_panes(1, 1)
        for index, row in enumerate(table.rows, start=1):
            cells.write_row(sheet, index, ["是" if value is True else "否" if value is False
                                           else value for value in row], quoted)
    workbook.close()


def write_parquet(target: str | Path | IO[bytes], table: ExportTable) -> None:
    schema = pa.schema(list(zip(table.headers, table.types, strict=True)))
    with pq.ParquetWriter(target, schema, compression="zstd") as writer:
        batch: list[tuple] = []
        for row in table.rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                writer.write_table(_arrow(batch, schema))
                batch.clear()
        writer.write_table(_arrow(batch, schema))


def _arrow(rows: list[tuple], schema: pa.Schema) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.table([pa.array(list(values), type=field.type)
                     for values, field in zip(columns, schema, strict=True)], schema=schema)


def write_problems(target: IO[bytes], batch: ImportBatch) -> None:
    """A batch's problems and warnings by row and column, in the reader's language."""
    headers = [_("Sheet"), _("Row"), _("Column"), _("Problem")]

    def table(problems: list[dict]) -> ExportTable:
        return ExportTable(headers, [pa.string(), pa.int64(), pa.string(), pa.string()], iter(
            (item.get("sheet") or "", item.get("row"), item.get("column") or "",
             describe(item)) for item in problems))

    write_xlsx(target, {_("Problems"): table(batch.errors), _("Warnings"): table(batch.warnings)})
