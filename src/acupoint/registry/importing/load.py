"""Writing a validated file in bulk: stage the rows in a temporary table (COPY on PostgreSQL),
then one INSERT for the new rows and one UPDATE for the rows whose values differ.

The annual INSERT skips existing (enterprise, year) keys through the unique constraint
(``ON CONFLICT DO NOTHING``) rather than a ``NOT EXISTS`` test: planned against an empty table,
that test became a scan of the growing table for every staged row, quadratic in the size of a
first import. (Enterprise rows keep ``NOT EXISTS``: an annual file stages bare credit codes,
which must not reach the table's NOT NULL checks.)

Blank cells never erase a stored value, so re-importing a file, or a file with fewer columns,
changes nothing it does not mention. Runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from acupoint.registry.fields import ANNUAL_COLUMNS, ENTERPRISE_COLUMNS
from acupoint.registry.importing.validate import ValidatedFile
from acupoint.registry.models import AnnualData, Enterprise

# Column in the file → (column in the table, SQL type on PostgreSQL).
_FOREIGN_KEYS = {"district": "district_id", "cluster": "cluster_id", "park": "park_id"}
_PG_TYPES = {"text": "text", "bool": "boolean", "date": "date", "integer": "bigint",
             "number": "double precision", "year": "integer"}


ANALYZE_AFTER_ROWS = 10_000


@dataclass
class WriteCounts:
    enterprises_created: int = 0
    enterprises_updated: int = 0
    annual_created: int = 0
    annual_updated: int = 0


def _db_column(code: str) -> str:
    return _FOREIGN_KEYS.get(code, code)


def _pg_type(code: str) -> str:
    if code in _FOREIGN_KEYS:
        return "bigint"
    kind = next(column.kind for column in (*ENTERPRISE_COLUMNS, *ANNUAL_COLUMNS)
                if column.code == code)
    return _PG_TYPES[kind]


def _null_safe_differs(left: str, right: str) -> str:
    if connection.vendor == "postgresql":
        return f"{left} IS DISTINCT FROM {right}"
    return f"{left} IS NOT {right}"


def _changed_cells(stage: str, table: str, names: Sequence[str]) -> tuple[str, str]:
    """SET clauses that keep stored values where the file is blank, and the condition that
    a row holds at least one new value (so unchanged rows are not rewritten)."""
    assignments = ", ".join(f"{name} = COALESCE({stage}.{name}, {table}.{name})"
                            for name in names)
    differs = " OR ".join(
        f"({stage}.{name} IS NOT NULL AND "
        f"{_null_safe_differs(f'{stage}.{name}', f'{table}.{name}')})" for name in names)
    return assignments, differs


def _stage(table: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence]) -> None:
    """Create temporary `table` with `columns` (name, PostgreSQL type) and fill it."""
    names = ", ".join(name for name, _ in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        if connection.vendor == "postgresql":
            definition = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({definition}) ON COMMIT DROP")
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({names})")
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))


def _execute(sql: str, params: Sequence = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _drop(table: str) -> None:
    if connection.vendor != "postgresql":
        _execute(f"DROP TABLE IF EXISTS {table}")


def write(validated: ValidatedFile, batch_id: int, source: str) -> WriteCounts:
    counts = WriteCounts()
    now = timezone.now()
    _write_enterprises(validated, batch_id, source, now, counts)
    if validated.annual:
        _write_annual(validated, batch_id, source, now, counts)
    if connection.vendor == "postgresql" and validated.rows >= ANALYZE_AFTER_ROWS:
        # Fresh statistics, or the planner sorts 100,000 rows to show the first 50.
        _execute(f"ANALYZE {Enterprise._meta.db_table}, {AnnualData._meta.db_table}")
    return counts


def _write_enterprises(validated: ValidatedFile, batch_id: int, source: str, now,
                       counts: WriteCounts) -> None:
    present = [mapped.column.code for mapped in validated.columns
               if mapped.column in ENTERPRISE_COLUMNS and mapped.column.code != "credit_code"]
    stage = "acupoint_stage_enterprise"
    columns = [("credit_code", "text")] + [(_db_column(code), _pg_type(code)) for code in present]
    _stage(stage, columns, (
        (code, *(attributes.get(name) for name in present))
        for code, attributes in validated.enterprises.items()
    ))
    table = Enterprise._meta.db_table
    insert_columns = [name for name, _ in columns]
    selected = [f"s.{name}" for name in insert_columns]
    if "above_scale" not in present:
        insert_columns.append("above_scale")
        selected.append("%s")
    else:
        index = insert_columns.index("above_scale")
        selected[index] = "COALESCE(s.above_scale, %s)"
    counts.enterprises_created = _execute(
        f"INSERT INTO {table} ({', '.join(insert_columns)}, import_batch_id, source, updated_at) "
        f"SELECT {', '.join(selected)}, %s, %s, %s FROM {stage} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} e WHERE e.credit_code = s.credit_code)",
        [False, batch_id, source, now],
    )
    updatable = [name for name, _ in columns[1:]]
    if updatable:
        assignments, differs = _changed_cells(stage, table, updatable)
        counts.enterprises_updated = _execute(
            f"UPDATE {table} SET {assignments}, import_batch_id = %s, source = %s, "
            f"updated_at = %s FROM {stage} "
            f"WHERE {table}.credit_code = {stage}.credit_code AND ({differs})",
            [batch_id, source, now],
        )
    if "cluster" in present:
        # A cluster named in a file is the bureau's explicit assignment: boundaries do not
        # override it when membership is recomputed.
        _execute(f"UPDATE {table} SET cluster_assigned = %s WHERE credit_code IN "
                 f"(SELECT credit_code FROM {stage} WHERE cluster_id IS NOT NULL)", [True])
    _drop(stage)


def _write_annual(validated: ValidatedFile, batch_id: int, source: str, now,
                  counts: WriteCounts) -> None:
    present = [mapped.column.code for mapped in validated.columns
               if mapped.column in ANNUAL_COLUMNS]
    stage = "acupoint_stage_annual"
    columns = [("credit_code", "text"), ("year", "integer")] + [
        (code, _pg_type(code)) for code in present]
    _stage(stage, columns, (
        (code, year, *(measures.get(name) for name in present))
        for (code, year), measures in validated.annual.items()
    ))
    table = AnnualData._meta.db_table
    enterprises = Enterprise._meta.db_table
    measure_list = ", ".join(present)
    counts.annual_created = _execute(
        f"INSERT INTO {table} (enterprise_id, year, {measure_list}, import_batch_id, source, "
        f"updated_at) SELECT e.id, s.year, {', '.join(f's.{name}' for name in present)}, "
        f"%s, %s, %s FROM {stage} s JOIN {enterprises} e ON e.credit_code = s.credit_code "
        f"WHERE true ON CONFLICT (enterprise_id, year) DO NOTHING",
        [batch_id, source, now],
    )
    assignments, differs = _changed_cells("s", table, present)
    counts.annual_updated = _execute(
        f"UPDATE {table} SET {assignments}, import_batch_id = %s, source = %s, updated_at = %s "
        f"FROM {stage} s JOIN {enterprises} e ON e.credit_code = s.credit_code "
        f"WHERE {table}.enterprise_id = e.id AND {table}.year = s.year AND ({differs})",
        [batch_id, source, now],
    )
    _drop(stage)
