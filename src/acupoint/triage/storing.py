"""Writing a run's results: PostgreSQL's COPY where the database is PostgreSQL (a run of
100,000 firms lands in seconds), batched INSERTs elsewhere (the embedded SQLite)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection

from acupoint.registry.models import District
from acupoint.triage.models import EvaluationResult

WRITE_BATCH = 5000
COLUMNS = ("run_id", "enterprise_id", "district_id", "above_scale", "score", "rank",
           "rank_in_group", "grade", "availability", "amounts", "position", "unit_size",
           "robustness", "details")
JSON_COLUMNS = frozenset({"amounts", "details"})


def store(run_id: int, rows: Iterable[dict], firms: dict[str, int]) -> None:
    """Replace the run's results by ``rows`` (keyed by credit code; ``firms`` maps it to pk)."""
    EvaluationResult.objects.filter(run_id=run_id).delete()
    districts = dict(District.objects.values_list("code", "pk"))
    records = ((run_id, firms[row["credit_code"]], districts.get(row["district"]),
                row["above_scale"], row["score"], row["rank"], row["rank_in_group"],
                row["grade"], row["availability"], row["amounts"], row["position"],
                row["unit_size"], row["robustness"], row["details"])
               for row in rows)
    if connection.vendor == "postgresql":
        _copy(records)
        return
    EvaluationResult.objects.bulk_create(
        (EvaluationResult(**dict(zip(COLUMNS, record, strict=True))) for record in records),
        batch_size=WRITE_BATCH)


def _copy(records: Iterable[tuple]) -> None:
    table = EvaluationResult._meta.db_table
    statement = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for record in records:
            copy.write_row([json.dumps(value, ensure_ascii=False) if name in JSON_COLUMNS
                            else value for name, value in zip(COLUMNS, record, strict=True)])


def refresh_statistics() -> None:
    """After a run lands, PostgreSQL's planner statistics and visibility map are stale: until
    autovacuum comes by, counting or paging deep into the ranking visits every row of the heap
    instead of the index alone (5× slower). Outside a transaction the table is vacuumed and
    analysed at once; inside one (tests), analysed."""
    if connection.vendor != "postgresql":
        return
    table = EvaluationResult._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}" if connection.in_atomic_block
                       else f"VACUUM (ANALYZE) {table}")
