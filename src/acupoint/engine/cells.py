"""Text written into a spreadsheet stays text.

A name, a comment or a note a user typed may begin like a formula (``=HYPERLINK(…)``,
``+1``, ``@SUM``) or carry a control character; a spreadsheet that takes it for a formula runs
it on the reader's machine. Every workbook the platform writes keeps strings as strings (no
automatic formulas, numbers or links) and marks the risky ones with Excel's quote prefix, so
that they stay text even when a reader edits the cell — while the text itself is unchanged,
and a file exported and imported again reads back exactly what was written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

# Options of every xlsxwriter workbook the platform writes.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False}
_RISKY_LEADS = ("=", "+", "-", "@")
_RISKY_PATTERN = r"^[=+\-@\x00-\x1f]"


def risky(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (or hides a control character
    at its start)."""
    return bool(text) and (text.startswith(_RISKY_LEADS) or text[0] < " ")


def text_format(workbook: Any) -> Any:
    return workbook.add_format({"quote_prefix": True})


def write_row(sheet: Any, row: int, values: Iterable[Any], quoted: Any,
              first_column: int = 0, cell_format: Any = None) -> None:
    """A row of cells: strings as strings (risky ones quote-prefixed), the rest as they are."""
    for column, value in enumerate(values, start=first_column):
        if isinstance(value, str):
            sheet.write_string(row, column, value, quoted if risky(value) else cell_format)
        else:
            sheet.write(row, column, value, cell_format)


def csv_safe(table: pa.Table) -> pa.Table:
    """For a CSV, which has no quote prefix: risky text gets a leading apostrophe, as the
    OWASP advice on CSV injection has it."""
    for index, field in enumerate(table.schema):
        if pa.types.is_string(field.type) or pa.types.is_large_string(field.type):
            column = table.column(index)
            flagged = pc.fill_null(pc.match_substring_regex(column, _RISKY_PATTERN), False)
            table = table.set_column(index, field, pc.if_else(
                flagged, pc.binary_join_element_wise("'", column, ""), column))
    return table
