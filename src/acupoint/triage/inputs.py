"""The table a triage spec reads, assembled from the registry: one row per firm and year.

Earlier years come along for trends and lags. The years a firm has already spent in D come
from the classes published for the years before (``d_years_before``), never from those years
recomputed with today's spec. ``admin_district`` is the name of the district a firm stands in
(where a district's prices apply), beside ``district``, the unit it is evaluated in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import pyarrow as pa
import pyarrow.ipc as ipc

from acupoint.registry.fields import ANNUAL_COLUMNS
from acupoint.registry.models import AnnualData
from acupoint.triage import history

HISTORY_YEARS = 2  # before the evaluated year: enough for a 3-year D streak
PRIOR_D_YEARS = "d_years_before"


def build(year: int, district_id: int | None = None,
          published: Mapping[int, Mapping[int, tuple[str, int]]] | None = None) -> pa.Table:
    """The inputs of ``year`` (and the years before); ``published`` is what
    :func:`history.published_classes` says of the years before ``year``."""
    published = published if published is not None else history.published_classes(
        years=range(year - HISTORY_YEARS, year))
    rows = AnnualData.objects.filter(year__gte=year - HISTORY_YEARS, year__lte=year)
    if district_id is not None:
        rows = rows.filter(enterprise__district_id=district_id)
    measures = [column.code for column in ANNUAL_COLUMNS]
    fields = ["enterprise__credit_code", "year", "enterprise__district__code",
              "enterprise__industry_code", "enterprise__above_scale", "enterprise__founded",
              "enterprise__land_mu", "enterprise__above_scale_since", *measures,
              "enterprise_id", "enterprise__district__name",
              "enterprise__district__parent__name"]
    values = list(rows.order_by("enterprise__credit_code", "year").values_list(*fields))
    columns = list(zip(*values, strict=True)) if values else [[] for _ in fields]
    kinds = {column.code: column.kind for column in ANNUAL_COLUMNS}
    firms, names, parents = columns[-3:]
    before = [history.consecutive(published.get(firm, {}), year - 1) if row_year == year
              else None for firm, row_year in zip(firms, columns[1], strict=True)]
    table = {
        "credit_code": pa.array(columns[0], pa.string()),
        "year": pa.array(columns[1], pa.int32()),
        "district": pa.array(columns[2], pa.string()),
        "industry_code": pa.array(columns[3], pa.string()),
        "above_scale": pa.array([None if v is None else int(v) for v in columns[4]], pa.int8()),
        "founded": pa.array([None if v is None else v.year for v in columns[5]], pa.int32()),
        "above_scale_since": pa.array(columns[7], pa.int32()),
        "land_mu": pa.array(columns[6], pa.float64()),
    }
    for index, code in enumerate(measures, start=8):
        kind = kinds[code]
        if kind == "bool":
            table[code] = pa.array([None if v is None else int(v) for v in columns[index]],
                                   pa.int8())
        else:
            table[code] = pa.array(columns[index], pa.float64())
    table["admin_district"] = pa.array([parent or name for name, parent
                                        in zip(names, parents, strict=True)], pa.string())
    table[PRIOR_D_YEARS] = pa.array(before, pa.int32())
    return pa.table(table)


def corrected(table: pa.Table, credit_code: str, year: int, field: str,
              value: float) -> pa.Table:
    """The inputs with one firm's figure replaced, as accepting an appeal would record it:
    the land area in every year (it is the firm's), any other figure in ``year`` only."""
    import pyarrow.compute as pc

    mask = pc.equal(table["credit_code"], credit_code)
    if field != "land_mu":
        mask = pc.and_(mask, pc.equal(table["year"], year))
    index = table.schema.get_field_index(field)
    column = table.column(index)
    replaced = pc.if_else(mask, pa.scalar(value, column.type), column)
    return table.set_column(index, field, replaced)


def fingerprint(table: pa.Table) -> str:
    """SHA-256 of the inputs in Arrow's stream format: same data, same fingerprint."""
    sink = pa.BufferOutputStream()
    with ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()
