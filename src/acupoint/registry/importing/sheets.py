"""Reading the sheets of a workbook whose columns are named (Chinese or English headers):
each cell parsed and checked, every problem kept with its sheet, row and column in the
user's language, so a file lands whole or not at all. The project ledger and the cultivation
data are read with it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from django.utils.translation import gettext as _

from acupoint.registry.importing import parsing
from acupoint.registry.importing.parsing import CellError
from acupoint.registry.importing.problems import Problem, describe
from acupoint.registry.selectors import spelling_keys

T = TypeVar("T")


@dataclass(frozen=True)
class SheetColumn:
    field: str
    headers: tuple[str, ...]
    required: bool = False


def header_key(text: object) -> str:
    """Headers compared without spaces, case or the width of brackets."""
    return (str(text or "").strip().replace(" ", "").replace("（", "(").replace("）", ")")
            .lower())


@dataclass(frozen=True)
class SheetProblem:
    sheet: str
    row: int | None
    column: str
    message: str


def positions(header: list[object], columns: tuple[SheetColumn, ...]) -> dict[str, int]:
    keys = {header_key(text): column.field for column in columns for text in column.headers}
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        name = keys.get(header_key(text))
        if name and name not in found:
            found[name] = index
    return found


class SheetReader:
    """Checks the cells of one sheet, collecting every problem in ``problems``."""

    def __init__(self, problems: list[SheetProblem], sheet: str, header: list[object],
                 columns: tuple[SheetColumn, ...]) -> None:
        self.problems, self.sheet = problems, sheet
        self.positions = positions(header, columns)
        self.labels = {column.field: str(header[self.positions[column.field]])
                       for column in columns if column.field in self.positions}
        self.columns = columns
        self.failed: set[str] = set()  # fields with a problem in the row being read
        for column in columns:
            if column.required and column.field not in self.positions:
                self.problem(None, column.headers[0],
                             _("The sheet has no column %(column)s.") % {
                                 "column": column.headers[0]})

    def problem(self, row: int | None, column: str, message: str) -> None:
        self.problems.append(SheetProblem(self.sheet, row, column, message))

    def cell(self, cells: list[object], number: int, name: str,
             parse: Callable[[object], object] = parsing.text) -> object:
        index = self.positions.get(name)
        raw = cells[index] if index is not None and index < len(cells) else None
        label = self.labels.get(name, name)
        try:
            value = parse(raw)
        except CellError as error:
            self.complain(number, name, describe(Problem(number, label, error.code,
                                                         error.params)))
            return None
        required = next(column.required for column in self.columns if column.field == name)
        if value is None and required:
            self.complain(number, name, describe(Problem(number, label, "required")))
        return value

    def complain(self, number: int, name: str, message: str) -> None:
        self.failed.add(name)
        self.problem(number, self.labels.get(name, name), message)

    def named(self, cell: Callable[..., object], number: int, name: str,
              table: dict[str, T], unknown: Callable[[str], str]) -> T | None:
        """The item a cell names in any of its spellings; a problem when it names none."""
        text = cell(name)
        if not text:
            return None
        found = table.get(spelling_keys(str(text))[0])
        if found is None:
            self.complain(number, name, unknown(str(text)))
        return found

    def records(self, rows: list[list[object]], limit: int, too_many: str
                ) -> Iterator[tuple[int, Callable[..., object]]]:
        """Each non-blank row's number (as Excel shows it) and a reader of its cells; none
        when the sheet is over ``limit`` rows."""
        if len(rows) - 1 > limit:
            self.problem(None, "", too_many % {"count": f"{limit:,}"})
            return
        for number, cells in enumerate(rows[1:], start=2):
            if all(parsing.is_blank(cell) for cell in cells):
                continue
            self.failed.clear()
            yield number, lambda name, parse=parsing.text, n=number, c=cells: self.cell(
                c, n, name, parse)


def cell_problem(code: str) -> Callable[[str], str]:
    """The registry importer's wording of a problem with a cell's value."""
    return lambda text: describe(Problem(None, "", code, {"value": text}))


def by_spelling(items, *attributes: str) -> dict[str, object]:
    return {key: item for item in items
            for key in spelling_keys(*(str(getattr(item, name)) for name in attributes))}
