"""Where an evaluation runs (DuckDB in-process, or Spark) and how tables come in and go out."""

from __future__ import annotations

import os
import queue
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from ibis.common.exceptions import IbisError

from acupoint.engine import cells
from acupoint.engine.workbooks import open_workbook

BACKENDS = ("duckdb", "pyspark")
# What a file's data can make the engines raise (a text in a number column, a value out of
# range): reported to the user as a fault of the data, never as a traceback.
DATA_ERRORS = (IbisError, duckdb.Error, pa.ArrowException)
# Policy matching also runs on Polars: for tables held in memory it computes a wide
# projection column by column, in parallel, faster than DuckDB's vectors.
MATCH_BACKENDS = ("duckdb", "polars", "pyspark")
_spark_session: Any = None


def connect(name: str = "duckdb", threads: int | None = None) -> Any:
    """An Ibis connection; Spark runs in local mode unless SPARK_MASTER names a cluster."""
    if name == "duckdb":
        config = {"threads": threads} if threads else {}
        return ibis.duckdb.connect(**config)
    if name == "polars":
        return ibis.polars.connect()
    if name == "pyspark":
        return ibis.pyspark.connect(spark_session())
    raise ValueError(f"unknown backend '{name}'; choose one of {', '.join(MATCH_BACKENDS)}")


def in_memory(table: pa.Table, name: str = "data") -> ir.Table:
    """A table already held in memory (profiles built from the registry), on Polars: it
    computes matching's wide projections faster than DuckDB at that size."""
    return connect("polars").create_table(name, table, overwrite=True)


def spark_session() -> Any:
    """One Spark session per process: starting one takes seconds."""
    global _spark_session
    if _spark_session is None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise RuntimeError("the pyspark backend needs PySpark: pip install "
                               "'acupoint[spark]'") from None
        warehouse = tempfile.mkdtemp(prefix="acupoint-spark-")
        _spark_session = (
            SparkSession.builder.master(os.environ.get("SPARK_MASTER", "local[2]"))
            .appName("acupoint")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", os.environ.get("SPARK_PARTITIONS", "8"))
            .config("spark.sql.warehouse.dir", warehouse)
            .config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "4g"))
            .getOrCreate())
        _spark_session.sparkContext.setLogLevel("ERROR")
    return _spark_session


def compiled_query(expr: ir.Table) -> Any:
    """The expression compiled once by its backend (compiling a wide one takes a while), to
    stream as often as wanted: SQL for DuckDB, a lazy frame for Polars, None for Spark."""
    backend = expr._find_backend(use_default=True)
    return backend.compile(expr) if backend.name in ("duckdb", "polars") else None


# Rows per streamed batch, as measured fastest for matching: DuckDB's stay in cache while
# they are decoded; Polars pays a fixed cost per chunk, so its chunks are as large as about
# 16 million values allow.
BATCH_ROWS, POLARS_BATCH_ROWS, POLARS_BATCH_VALUES = 16_384, 65_536, 2**24


def batch_rows(backend: str, columns: int) -> int:
    if backend != "polars":
        return BATCH_ROWS
    return max(BATCH_ROWS, min(POLARS_BATCH_ROWS, POLARS_BATCH_VALUES // max(columns, 1)))


def record_batches(expr: ir.Table, rows: int | None = None, query: Any = None
                   ) -> Iterator[pa.RecordBatch]:
    """A result streamed in batches of about ``rows`` rows (``batch_rows`` by default), never
    held whole in memory; ``query`` is what ``compiled_query(expr)`` gave."""
    backend = expr._find_backend(use_default=True)
    rows = rows or batch_rows(backend.name, len(expr.columns))
    if backend.name == "duckdb":
        # Ibis 12 streams through DuckDBPyConnection.fetch_record_batch, gone in DuckDB 2.
        backend._run_pre_execute_hooks(expr)
        yield from backend.con.sql(query or backend.compile(expr)).to_arrow_reader(rows)
    elif backend.name == "polars":
        # Ibis collects a Polars result whole; the streaming engine hands it over in chunks.
        frame = query if query is not None else backend.compile(expr)
        for chunk in frame.collect_batches(chunk_size=rows):
            yield from chunk.to_arrow().to_batches()
    else:
        yield from expr.to_pyarrow_batches(chunk_size=rows)


_DONE = object()


def prefetched(items: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """The items of ``items``, produced by a thread of their own up to ``depth`` ahead, so
    that the database computes the next batch while this one is being decoded."""
    ahead: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        ahead.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ahead.put(_DONE)
        except BaseException as error:  # handed to the consumer, raised there
            ahead.put(error)

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        while (item := ahead.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


def consumed_in_background(consume: Callable[[Any], None], depth: int = 2):
    """A ``put(item)`` / ``close()`` pair that hands items to ``consume`` in a thread of its
    own (writing a file while the next batch is computed); ``close`` waits and re-raises."""
    waiting: queue.Queue = queue.Queue(depth)
    failures: list[BaseException] = []

    def run() -> None:
        while (item := waiting.get()) is not _DONE:
            if not failures:
                try:
                    consume(item)
                except BaseException as error:
                    failures.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def put(item: Any) -> None:
        if failures:
            raise failures[0]
        waiting.put(item)

    def close() -> None:
        waiting.put(_DONE)
        thread.join()
        if failures:
            raise failures[0]

    return put, close


def read_arrow(path: str | Path) -> pa.Table:
    """CSV (UTF-8 or GB18030), Excel/ODS (first sheet) or Parquet as an Arrow table."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pq.read_table(path)
    if suffix in (".xlsx", ".xls", ".ods", ".xlsm"):
        return _read_workbook(path)
    if suffix in (".csv", ".txt"):
        table = pacsv.read_csv(path)
        # Arrow reads text that is not UTF-8 as binary: such files are GB18030 (GBK) ones.
        if any(pa.types.is_binary(field.type) for field in table.schema):
            table = pacsv.read_csv(path, read_options=pacsv.ReadOptions(encoding="gb18030"))
        return table
    raise ValueError(f"cannot read '{path.name}': use .csv, .xlsx, .xls, .ods or .parquet")


def _read_workbook(path: Path) -> pa.Table:
    rows = open_workbook(path).get_sheet_by_index(0).to_python()
    if not rows:
        return pa.table({})
    header = [str(cell).strip() for cell in rows[0]]
    columns = {name: [row[index] if index < len(row) and row[index] != "" else None
                      for row in rows[1:]] for index, name in enumerate(header) if name}
    return pa.table({name: pa.array(_uniform(values)) for name, values in columns.items()})


def _uniform(values: list[Any]) -> list[Any]:
    """Whole-number floats from Excel become ints only if every value is whole; mixed → text."""
    kinds = {type(value) for value in values if value is not None}
    if kinds <= {int, float}:
        return values if float in kinds else [None if v is None else int(v) for v in values]
    if len(kinds) > 1:
        return [None if value is None else str(value) for value in values]
    return values


def load(con: Any, path: str | Path, name: str = "data",
         types: Mapping[str, pa.DataType] | None = None) -> ir.Table:
    """A file as a table of the connection; DuckDB reads Parquet and CSV itself. A column
    empty in every row has no type of its own: it takes the one ``types`` gives it (a
    catalogue's), else a number's."""
    path = Path(path)
    if con.name == "duckdb" and path.suffix.lower() == ".parquet":
        return con.read_parquet(path, table_name=name)
    return con.create_table(name, typed_empty_columns(read_arrow(path), types or {}),
                            overwrite=True)


def typed_empty_columns(table: pa.Table, types: Mapping[str, pa.DataType]) -> pa.Table:
    for index, field in enumerate(table.schema):
        if pa.types.is_null(field.type):
            kind = types.get(field.name, pa.float64())
            table = table.set_column(index, pa.field(field.name, kind),
                                     pa.nulls(table.num_rows, kind))
    return table


def write(table: ir.Table | pa.Table, path: str | Path) -> int:
    """Write a result to .parquet, .csv or .xlsx; returns the number of rows.

    DuckDB streams Parquet straight to disk; anything else is materialised as Arrow first.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if isinstance(table, ir.Table):
        backend = table._find_backend()
        if suffix == ".parquet" and backend.name == "duckdb":
            backend.to_parquet(table, path)
            return int(pq.ParquetFile(path).metadata.num_rows)
    arrow = table.to_pyarrow() if isinstance(table, ir.Table) else table
    if suffix == ".parquet":
        pq.write_table(arrow, path)
    elif suffix == ".csv":
        pacsv.write_csv(cells.csv_safe(arrow), path)
    elif suffix == ".xlsx":
        write_xlsx(arrow, path)
    else:
        raise ValueError(f"cannot write '{path.name}': use .parquet, .csv or .xlsx")
    return arrow.num_rows


def write_xlsx(table: pa.Table, path: Path) -> None:
    import xlsxwriter

    with xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True,
                                         **cells.WORKBOOK_OPTIONS}) as workbook:
        sheet = workbook.add_worksheet("result")
        bold = workbook.add_format({"bold": True})
        quoted = cells.text_format(workbook)
        cells.write_row(sheet, 0, table.column_names, quoted, cell_format=bold)
        for index, row in enumerate(table.to_pylist(), start=1):
            cells.write_row(sheet, index, row.values(), quoted)
        sheet.freeze_panes(1, 1)
