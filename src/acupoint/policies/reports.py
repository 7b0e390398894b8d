"""The reach of every clause as an .xlsx workbook, for the bureau's own analysis."""

from __future__ import annotations

from typing import IO

import xlsxwriter
from django.utils.translation import gettext as _

from acupoint.engine import cells
from acupoint.policies.models import Application

STATUSES = [Application.Status.PENDING_VERIFICATION, Application.Status.SUBMITTED,
            Application.Status.APPROVED, Application.Status.PAID, Application.Status.REJECTED]


def write_reach(handle: IO[bytes], rows: list[dict]) -> None:
    with xlsxwriter.Workbook(handle, {"in_memory": True, **cells.WORKBOOK_OPTIONS}) as workbook:
        sheet = workbook.add_worksheet(_("Reach"))
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        quoted = cells.text_format(workbook)
        header = [_("Policy"), _("Document number"), _("Article"), _("Clause"), _("Chain link"),
                  _("Application mode"), _("Eligible"), _("Near misses"), _("Data needed"),
                  _("Estimated cost (万元)"), *(str(status.label) for status in STATUSES),
                  _("Average rating"), _("Placeholder values")]
        cells.write_row(sheet, 0, header, quoted, cell_format=bold)
        for number, row in enumerate(rows, start=1):
            clause, reach = row["clause"], row["reach"]
            document = clause.document
            rating = row["rating"]
            cells.write_row(sheet, number, [
                document.title, document.number, clause.article, clause.title,
                clause.get_chain_display(), clause.get_mode_display(),
                reach.eligible if reach else 0, reach.near if reach else 0,
                reach.unknown if reach else 0], quoted)
            sheet.write_number(number, 9, reach.cost if reach else 0.0, money)
            cells.write_row(sheet, number, [
                *(row["applications"].get(status, 0) for status in STATUSES),
                rating[0] if rating else "", "；".join(row["placeholders"])], quoted,
                first_column=10)
        sheet.freeze_panes(1, 4)
        sheet.autofilter(0, 0, len(rows), len(header) - 1)
