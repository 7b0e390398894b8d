"""Importing 100,000 enterprises × 6 years into PostgreSQL, from CSV and from .xlsx.

Peers measured in the same run: a plain `COPY` of the same rows into bare tables (the floor:
no validation, no upsert), and the same import into SQLite. Prints seconds and ratios.

    python bench/import_registry.py [--enterprises 100000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from acupoint.demo.generator import ANNUAL_HEADERS, ENTERPRISE_HEADERS  # noqa: E402
from acupoint.registry.fields import BY_CODE  # noqa: E402
from common import RESULTS, fresh_database, setup_django, timed  # noqa: E402

# The demo files' columns, typed as a bare table holds them (yes/no cells stay text).
_FLOOR_TYPES = {"text": "text", "bool": "text", "date": "date", "year": "int",
                "integer": "bigint", "number": "float8"}


def _copy_floor(url: str, folder: Path) -> float:
    """COPY the two CSV files (title row dropped) into bare tables: the speed of light."""
    import time

    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS floor_enterprise, floor_annual")
        for table, headers in (("floor_enterprise", ENTERPRISE_HEADERS),
                               ("floor_annual", ANNUAL_HEADERS)):
            columns = ", ".join(f"{code} {_FLOOR_TYPES[BY_CODE[code].kind]}" for code in headers)
            connection.execute(f"CREATE TABLE {table} ({columns})")
        start = time.perf_counter()
        for table, name in (("floor_enterprise", "enterprises.csv"),
                            ("floor_annual", "annual.csv")):
            with (folder / name).open("rb") as handle, connection.cursor().copy(
                    f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                handle.readline()  # the synthetic-data title row
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        return time.perf_counter() - start


def _xlsx_from_csv(folder: Path) -> tuple[Path, Path]:
    import pyarrow.csv as pacsv
    import xlsxwriter

    paths = []
    for name in ("enterprises", "annual"):
        table = pacsv.read_csv(folder / f"{name}.csv",
                               read_options=pacsv.ReadOptions(skip_rows=1),
                               convert_options=pacsv.ConvertOptions(
                                   strings_can_be_null=False,
                                   column_types={"行业代码": "string", "成立日期": "string"}))
        path = folder / f"{name}.xlsx"
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, table.column_names)
        for index, row in enumerate(zip(*(c.to_pylist() for c in table.columns),
                                        strict=True), start=1):
            sheet.write_row(index, 0, row)
        workbook.close()
        paths.append(path)
    return paths[0], paths[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep acupoint_bench for the "
                        "load benchmark")
    args = parser.parse_args()

    from acupoint.demo.generator import generate, write

    folder = Path(tempfile.mkdtemp(prefix="acupoint-bench-"))
    city = generate(args.enterprises, (2019, 2024), seed=2024)
    write(city, folder)
    results: dict = {"enterprises": city.enterprises.num_rows,
                     "annual_rows": city.annual.num_rows,
                     "csv_mb": round(sum((folder / f).stat().st_size for f in
                                         ("enterprises.csv", "annual.csv")) / 2**20, 1)}
    with timed(results, "xlsx_write_s"):
        enterprises_xlsx, annual_xlsx = _xlsx_from_csv(folder)

    url = fresh_database("acupoint_bench")
    results["copy_floor_s"] = _copy_floor(url, folder)
    setup_django(url)

    from django.db import connection

    from acupoint.registry.actions import do_import_file, do_load_geography
    from acupoint.registry.models import AnnualData, Enterprise

    do_load_geography(None, city.geography)
    with timed(results, "csv_import_s"):
        batches = [do_import_file(None, folder / "enterprises.csv"),
                   do_import_file(None, folder / "annual.csv")]
    assert all(batch.status == "landed" for batch in batches), batches[0].errors[:3]
    assert AnnualData.objects.count() == city.annual.num_rows
    with timed(results, "csv_reimport_s"):
        again = [do_import_file(None, folder / "enterprises.csv"),
                 do_import_file(None, folder / "annual.csv")]
    assert all(batch.unchanged for batch in again)

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE registry_annualdata, registry_enterprise CASCADE")
    with timed(results, "xlsx_import_s"):
        batches = [do_import_file(None, enterprises_xlsx), do_import_file(None, annual_xlsx)]
    assert all(batch.status == "landed" for batch in batches), batches[0].errors[:3]
    assert Enterprise.objects.count() == city.enterprises.num_rows

    results["csv_vs_copy"] = results["csv_import_s"] / results["copy_floor_s"]
    results["xlsx_vs_copy"] = results["xlsx_import_s"] / results["copy_floor_s"]
    results["reimport_vs_copy"] = results["csv_reimport_s"] / results["copy_floor_s"]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "import_registry.json").write_text(json.dumps(results, indent=1))
    print(f"{results['enterprises']:,} enterprises, {results['annual_rows']:,} annual rows "
          f"({results['csv_mb']} MB CSV) into PostgreSQL")
    print(f"  plain COPY (floor)          {results['copy_floor_s']:7.1f} s   1.0×")
    for key, label in (("csv_import_s", "CSV import, validated"),
                       ("csv_reimport_s", "CSV re-import (no change)"),
                       ("xlsx_import_s", ".xlsx import, validated")):
        print(f"  {label:<27}{results[key]:7.1f} s  {results[key] / results['copy_floor_s']:5.1f}×")
    print(f"  target: CSV ≤ 60 s → {'met' if results['csv_import_s'] <= 60 else 'MISSED'}")


if __name__ == "__main__":
    main()
