"""The placeholder values (待定参数) a scorecard's figures rest on, as exports show them: a sheet
of a workbook and a list in a Word report, so that whoever reads the file sees which figures
no published document fixes."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from django.utils.translation import gettext as _

from acupoint.engine.provenance import described, scorecard_placeholders
from acupoint.registry.exporting import ExportTable


def placeholder_table(spec_data: dict[str, Any]) -> ExportTable:
    """Every placeholder, and what it affects: the classes and scores, or an amount."""
    scoring, by_amount = scorecard_placeholders(spec_data)
    labels = {item.get("name"): item.get("label") or item.get("name")
              for item in spec_data.get("consequences") or []}
    rows = [(_("Classes, scores and ranks"), text) for text in described(scoring)]
    rows += [(labels.get(name, name), text) for name, marks in by_amount.items()
             for text in described([mark for mark in marks if mark not in scoring])]
    return ExportTable([_("Affects"), _("Placeholder value (why, and its value now)")],
                       [pa.string(), pa.string()], iter(rows))


def add_placeholders(document: Any, spec_data: dict[str, Any]) -> None:
    """A Word report's list of the placeholders its classes and scores rest on."""
    placeholders = described(scorecard_placeholders(spec_data)[0])
    if placeholders:
        document.add_paragraph(_("Placeholder values (set locally by the bureau, not from a "
                                 "published document) that the classes rest on:"))
        for text in placeholders:
            document.add_paragraph(text, style="List Bullet")
