"""Importing cultivation data from Excel or CSV: a sheet of the data the criteria read (one row
per enterprise, one column per datum, headed by its name as the catalogue gives it) and a
sheet of titles held (称号, 认定日期, 有效期至, 文件). The whole file is checked first; either
all of it lands or none does, with every problem by sheet, row and column. Blank cells leave
stored values alone, and a title already recorded is skipped, so a file can be imported
again without changing anything."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from acupoint.cultivation.models import LATER_NAMES, RUNG_CHOICES, Title
from acupoint.engine.policy import Variable
from acupoint.registry.importing import parsing
from acupoint.registry.importing.problems import Problem, describe
from acupoint.registry.importing.sheets import (
    SheetColumn,
    SheetProblem,
    SheetReader,
    header_key,
)
from acupoint.registry.importing.validate import parse_credit_code
from acupoint.registry.models import AnnualData, Enterprise
from acupoint.registry.selectors import spelling_keys

MAX_ROWS = 100_000
CREDIT_CODE = SheetColumn("credit_code", ("统一社会信用代码", "Unified social credit code",
                                          "credit_code"), required=True)
TITLE_COLUMNS = (
    CREDIT_CODE,
    SheetColumn("rung", ("称号", "Title", "rung"), required=True),
    SheetColumn("granted", ("认定日期", "Granted on", "granted"), required=True),
    SheetColumn("expires", ("有效期至", "Expires on", "expires")),
    SheetColumn("document", ("文件", "Document", "document")),
)


def data_columns(variables: dict[str, Variable]) -> tuple[SheetColumn, ...]:
    """The credit code and every recordable datum, headed by its label (with or without its
    unit) or its code."""
    recordable = [(name, variable) for name, variable in variables.items()
                  if not variable.formula and variable.source != "registry"]
    return (CREDIT_CODE, *(SheetColumn(name, (variable.label, f"{variable.label}({variable.unit})",
                                              name)) for name, variable in recordable))


@dataclass
class CultivationFile:
    data: dict[int, dict[str, Any]] = field(default_factory=dict)  # by enterprise
    titles: list[Title] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)


def read(sheets: list[tuple[str, list[list[object]]]], variables: dict[str, Variable],
         check: Callable[[str, Any], Any], enterprises: dict[str, Enterprise],
         today: dt.date) -> CultivationFile:
    """``check`` types a datum and keeps it in its range (raising ValidationError);
    ``enterprises`` are those the user may change, by credit code."""
    found = CultivationFile()
    recognised = False
    for name, rows in sheets:
        keys = {header_key(text) for text in (rows[0] if rows else [])}
        if keys & {header_key("称号"), header_key("Title")}:
            _read_titles(found, name, rows, enterprises, today)
            recognised = True
        elif keys & {header_key(text) for text in CREDIT_CODE.headers}:
            _read_data(found, name, rows, variables, check, enterprises)
            recognised = True
    if not recognised:
        found.problems.append(SheetProblem("", None, "", _(
            "No sheet has a column 统一社会信用代码 (unified social credit code).")))
    return found


def _enterprise(reader: SheetReader, cell, number: int,
                enterprises: dict[str, Enterprise]) -> Enterprise | None:
    code = cell("credit_code", parse_credit_code)
    if code is None:
        return None
    enterprise = enterprises.get(code)
    if enterprise is None:
        reader.complain(number, "credit_code", _(
            "No enterprise with credit code %(code)s in your scope.") % {"code": code})
    return enterprise


def _read_data(found: CultivationFile, sheet: str, rows: list[list[object]],
               variables: dict[str, Variable], check: Callable[[str, Any], Any],
               enterprises: dict[str, Enterprise]) -> None:
    columns = data_columns(variables)
    reader = SheetReader(found.problems, sheet, rows[0], columns)
    present = [column.field for column in columns[1:] if column.field in reader.positions]
    if not present:
        reader.problem(None, "", _("The sheet names no datum of the cultivation catalogue."))
        return
    employees = dict(AnnualData.objects.exclude(employees=None).order_by("year")
                     .values_list("enterprise_id", "employees"))
    seen: dict[int, int] = {}
    for number, cell in reader.records(rows, MAX_ROWS, _("At most %(count)s rows per file.")):
        enterprise = _enterprise(reader, cell, number, enterprises)
        values = {}
        for name in present:
            raw = cell(name, lambda value: None if parsing.is_blank(value) else value)
            if raw is None:
                continue
            try:
                values[name] = check(name, raw)
            except ValidationError as error:
                reader.complain(number, name, "；".join(error.messages))
        staff, staffed = values.get("rd_staff"), employees.get(getattr(enterprise, "pk", None))
        if staff is not None and staffed is not None and staff > staffed:
            reader.complain(number, "rd_staff", _(
                "R&D staff (%(staff)s) cannot exceed the employees (%(employees)s).") % {
                "staff": f"{staff:,g}", "employees": f"{staffed:,g}"})
        if enterprise is None:
            continue
        if enterprise.pk in seen:
            reader.complain(number, "credit_code", describe(Problem(
                number, "", "duplicate_row", {"other": seen[enterprise.pk], "year": ""})))
        seen.setdefault(enterprise.pk, number)
        found.data.setdefault(enterprise.pk, {}).update(values)


def _read_titles(found: CultivationFile, sheet: str, rows: list[list[object]],
                 enterprises: dict[str, Enterprise], today: dt.date) -> None:
    reader = SheetReader(found.problems, sheet, rows[0], TITLE_COLUMNS)
    rungs = {key: code for code, name in RUNG_CHOICES
             for spelled in (name, *LATER_NAMES.get(code, ()))
             for key in spelling_keys(code, spelled)}
    for number, cell in reader.records(rows, MAX_ROWS, _("At most %(count)s rows per file.")):
        enterprise = _enterprise(reader, cell, number, enterprises)
        rung = reader.named(cell, number, "rung", rungs,
                            lambda text: _("Unknown title %(value)s.") % {"value": text})
        granted = cell("granted", lambda raw: parsing.date(raw, today))
        expires = cell("expires", _any_date)
        if granted and expires and expires <= granted:
            reader.complain(number, "expires", _(
                "A title expires after it is granted: %(expires)s is not after %(granted)s.")
                % {"expires": expires.isoformat(), "granted": granted.isoformat()})
        if enterprise and rung and granted and "expires" not in reader.failed:
            found.titles.append(Title(enterprise=enterprise, rung=rung, granted=granted,
                                      expires=expires, document=cell("document") or "",
                                      source=sheet))


def _any_date(raw: object) -> dt.date | None:
    """An expiry may lie in the future."""
    return parsing.date(raw, dt.date.max)
