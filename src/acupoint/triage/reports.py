"""What a bureau sends around after a run: an .xlsx (a summary sheet, one sheet per district,
one per priority list) and a .docx report with charts rendered from the pages' chart specs."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import pyarrow as pa
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from acupoint.registry.exporting import ExportTable, write_xlsx
from acupoint.site import charts, rendering
from acupoint.site.provenance import add_placeholders, placeholder_table
from acupoint.triage import selectors
from acupoint.triage.models import EvaluationResult, EvaluationRun

CLASS_COLUMNS = ("A", "B", "C", "D", "T", "")


def class_labels(run: EvaluationRun) -> dict[str, str]:
    classes = run.spec_data.get("classes") or {}
    labels = {level["name"]: level.get("label") or level["name"]
              for level in classes.get("levels", [])}
    labels[classes.get("excluded", "T")] = _("not evaluated")
    labels[""] = _("not scored: too few indicators with data")
    return labels


def consequence_names(run: EvaluationRun) -> list[tuple[str, str]]:
    """(name, "name (unit)") of each surcharge and relief of the run's spec."""
    return [(item["name"], f"{item.get('label') or item['name']} ({item.get('unit', '')})")
            for item in run.spec_data.get("consequences", [])]


def _firm_table(results: QuerySet[EvaluationResult], run: EvaluationRun) -> ExportTable:
    names = consequence_names(run)
    headers = [_("Rank"), _("Position in unit"), _("Credit code"), _("Name"), _("District"),
               _("Industry"), _("Above designated size"), _("Score"), _("Class"),
               _("Class robustness"), *[label for _name, label in names]]
    types = [pa.int64(), pa.int64(), pa.string(), pa.string(), pa.string(), pa.string(),
             pa.bool_(), pa.float64(), pa.string(), pa.float64(),
             *[pa.float64() for _ in names]]

    def rows() -> Iterator[tuple]:
        for result in results.iterator(chunk_size=5000):
            firm = result.enterprise
            yield (result.rank, result.position, firm.credit_code, firm.name,
                   result.district.name, firm.industry_code, result.above_scale,
                   None if result.score is None else round(result.score, 4), result.grade,
                   result.robustness, *[result.amounts.get(name) for name, _label in names])
    return ExportTable(headers, types, rows())


@dataclass
class Summary:
    """Firms per class and amount totals per class, by district: read once per page or file."""

    counts: dict[str, Counter]
    totals: dict[tuple[str, str], dict[str, float]]
    names: list[tuple[str, str]]


def summary(user, run: EvaluationRun) -> Summary:
    scoped = selectors.results(user, run)
    names = consequence_names(run)
    return Summary(selectors.distribution(scoped, "district__name"),
                   selectors.amount_totals(scoped, [name for name, _label in names]), names)


def _summary_table(summary: Summary) -> ExportTable:
    names = summary.names
    headers = [_("District"), *[grade or "—" for grade in CLASS_COLUMNS], _("Firms"),
               *[f"{label} · {grade}" for _name, label in names for grade in CLASS_COLUMNS[:4]]]
    rows = []
    for district, counter in summary.counts.items():
        amounts = [round(summary.totals.get((district, grade), {}).get(name, 0.0), 2)
                   for name, _label in names for grade in CLASS_COLUMNS[:4]]
        rows.append((district, *[counter.get(grade, 0) for grade in CLASS_COLUMNS],
                     sum(counter.values()), *amounts))
    types = [pa.string(), *[pa.int64()] * (len(CLASS_COLUMNS) + 1),
             *[pa.float64()] * (len(headers) - len(CLASS_COLUMNS) - 2)]
    return ExportTable(headers, types, iter(rows))


def write_workbook(target: IO[bytes], user, run: EvaluationRun) -> None:
    sheets = {_("Summary by district"): _summary_table(summary(user, run))}
    scoped = selectors.results(user, run).order_by("district__code", "rank")
    for district in sorted(set(scoped.values_list("district__name", flat=True))):
        sheets[district[:31]] = _firm_table(
            scoped.filter(district__name=district), run)
    for item in run.spec_data.get("priority_lists", []):
        sheets[item["label"][:31]] = _firm_table(
            selectors.results(user, run, grades=item["classes"]), run)
    sheets[_("Placeholder values")[:31]] = placeholder_table(run.spec_data)
    write_xlsx(target, sheets)


def distribution_chart(counts: dict[str, Counter], title: str) -> dict | None:
    """Stacked class shares per category, from :func:`selectors.distribution`'s counts."""
    order = {grade: index for index, grade in enumerate(CLASS_COLUMNS)}
    records = [{"category": category, "class": grade or "—", "firms": firms,
                "order": order.get(grade, 9)}
               for category, counter in counts.items() for grade, firms in counter.items()]
    return charts.class_distribution(records, title) if records else None


def write_report(target: IO[bytes], user, run: EvaluationRun) -> None:
    """A Word report: method, class counts by district with a chart, amounts, class lists."""
    from docx.shared import Cm

    document = rendering.word_document()
    document.add_heading(f"{run.spec_data.get('name', run.spec_name)} · {run.year}", level=0)
    document.add_paragraph(_("Status: %(status)s. Inputs fingerprint (SHA-256): %(sha)s.")
                           % {"status": run.get_status_display(), "sha": run.inputs_sha256})
    if run.spec_data.get("reference"):
        document.add_paragraph(run.spec_data["reference"])
    add_placeholders(document, run.spec_data)

    document.add_heading(_("Class distribution by district"), level=1)
    figures = summary(user, run)
    chart = distribution_chart(figures.counts, _("District"))
    if chart:
        document.add_picture(io.BytesIO(rendering.png(chart)), width=Cm(16))
    overview = _summary_table(figures)
    rows = list(overview.rows)
    width = len(CLASS_COLUMNS) + 2
    table = document.add_table(rows=1, cols=width, style="Light Grid Accent 1")
    for cell, text in zip(table.rows[0].cells, overview.headers[:width], strict=True):
        cell.text = str(text)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row[:width], strict=True):
            cell.text = f"{value:,}" if isinstance(value, int) else str(value)

    names = figures.names
    if names:
        document.add_heading(_("Surcharges and reliefs"), level=1)
        table = document.add_table(rows=1, cols=2 + len(names), style="Light Grid Accent 1")
        for cell, text in zip(table.rows[0].cells, [_("District"), _("Class"),
                                                     *[label for _n, label in names]],
                              strict=True):
            cell.text = text
        for (district, grade), amounts in figures.totals.items():
            if not any(amounts.values()):
                continue
            cells = table.add_row().cells
            cells[0].text, cells[1].text = district, grade
            for cell, (name, _label) in zip(cells[2:], names, strict=True):
                cell.text = f"{amounts[name]:,.2f}"

    labels = class_labels(run)
    document.add_heading(_("Class lists by district"), level=1)
    scoped = selectors.results(user, run).order_by("district__code", "grade",
                                                   "rank")
    current = None
    for result in scoped.iterator(chunk_size=5000):
        district = result.district.name
        if district != current:
            document.add_heading(district, level=2)
            current, grade_now = district, None
        if result.grade != grade_now:
            grade_now = result.grade
            document.add_paragraph(f"{grade_now} {labels.get(grade_now, '')}", style="Heading 3")
        document.add_paragraph(f"{result.enterprise.name}（{result.enterprise.credit_code}）",
                               style="List Bullet")
    document.save(target)
