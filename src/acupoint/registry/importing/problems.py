"""Import problems as data (row, column, code, parameters) and their wording in each language.

Problems are stored as codes so that a batch recorded in Chinese reads in English too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "empty_file": _("The file is empty."),
    "no_rows": _("The file has a header but no data rows."),
    "no_header": _("No header row found: the first rows must name the columns, including "
                   "统一社会信用代码 (unified social credit code)."),
    "spreadsheet_named_csv": _("This is an Excel workbook saved with a .csv name; rename it "
                               "to .xlsx."),
    "unreadable_spreadsheet": _("The spreadsheet cannot be read: %(reason)s"),
    "sheet_not_placed": _("Sheet “%(sheet)s” has data but no header this import knows (统一社会"
                          "信用代码 and the columns of the registry); nothing was read from the "
                          "file. Remove the sheet, or name its columns."),
    "sheet_too_large": _("Sheet “%(sheet)s” spans %(rows)s rows × %(columns)s columns; at "
                         "most %(max_rows)s rows, %(max_columns)s columns and %(max_cells)s "
                         "cells are read. Delete the empty rows and columns far below or to "
                         "the right of the data, or split the file."),
    "sheet_declared_too_large": _("Sheet “%(sheet)s” declares %(rows)s rows × %(columns)s "
                                  "columns; at most %(max_rows)s rows, %(max_columns)s "
                                  "columns and %(max_cells)s cells are read. Save it again "
                                  "from Excel or WPS, or split the file."),
    "workbook_unpacks_too_large": _("The workbook unpacks to more than %(megabytes)s MB; at "
                                    "most %(limit)s MB are read. Split the file."),
    "workbook_malformed": _("The workbook is malformed: %(reason)s"),
    "import_failed": _("The import stopped on an unexpected fault; nothing was saved. The "
                       "administrator finds the details in the log under %(ref)s."),
    "undecodable": _("The file cannot be decoded as %(encoding)s near byte %(position)s; save it "
                     "as UTF-8 or GBK."),
    "malformed_csv": _("The CSV file is malformed: %(reason)s"),
    "duplicate_header": _("This column repeats column “%(other)s”."),
    "unknown_unit": _("Unit “%(unit)s” is not understood here; use one of: %(expected)s."),
    "required": _("A value is required."),
    "required_new": _("New enterprise: a value is required to create it."),
    "credit_code_length": _("“%(value)s” must have 18 characters (has %(length)s)."),
    "credit_code_character": _("“%(value)s” contains characters not allowed by GB 32100-2015 "
                               "(I, O, Z, S, V and lower-case letters are never used)."),
    "credit_code_check": _("“%(value)s” fails its check character (expected %(expected)s)."),
    "unknown_industry": _("“%(value)s” is not a GB/T 4754-2017 industry class (4 digits, "
                          "e.g. 3612 or C3612)."),
    "unknown_district": _("Unknown district “%(value)s”."),
    "district_out_of_scope": _("District “%(value)s” is outside your scope (%(scope)s)."),
    "unknown_cluster": _("Unknown cluster “%(value)s”."),
    "unknown_park": _("Unknown park “%(value)s”."),
    "not_a_number": _("“%(value)s” is not a number."),
    "not_an_integer": _("“%(value)s” is not a whole number."),
    "below_minimum": _("%(value)s is below the minimum %(minimum)s."),
    "land_not_positive": _("Land area must be greater than zero (got %(value)s)."),
    "not_a_bool": _("“%(value)s” is not yes/no (是/否)."),
    "not_a_date": _("“%(value)s” is not a date (e.g. 2019-03-28)."),
    "future_date": _("%(value)s is in the future."),
    "bad_year": _("“%(value)s” is not a year between %(low)s and %(high)s."),
    "year_missing": _("Annual figures need a year."),
    "no_year_column": _("Annual figures need a year column (年度) in the file."),
    "out_of_range": _("%(value)s is outside %(low)s…%(high)s."),
    "duplicate_row": _("Duplicate of row %(other)s (same credit code%(year)s)."),
    "conflicting_value": _("Conflicts with row %(other)s, which says “%(value)s”."),
    "unknown_enterprise": _("No enterprise with this credit code exists and the file does not "
                            "give its name, district and industry."),
    "looks_like_yuan": _("%(value)s %(unit)s is implausibly large for one enterprise; the "
                         "figures may be in 元 rather than %(unit)s."),
    "too_many_errors": _("%(count)s further problems were not listed."),
}


@dataclass
class Problem:
    row: int | None
    column: str
    code: str
    params: dict = field(default_factory=dict)
    sheet: str = ""  # of a workbook with several sheets

    def as_dict(self) -> dict:
        return asdict(self)


def describe(problem: dict | Problem) -> str:
    """The problem in the active language."""
    data = problem.as_dict() if isinstance(problem, Problem) else problem
    template = MESSAGES.get(data["code"], data["code"])
    try:
        return str(template) % data.get("params", {})
    except (KeyError, TypeError, ValueError):
        return str(template)


def problem_count(problems: list[dict]) -> int:
    """How many problems a batch found, those beyond the listed ones included."""
    return sum(item.get("params", {}).get("count", 0) if item["code"] == "too_many_errors"
               else 1 for item in problems)


def locate(problem: dict | Problem) -> str:
    """'Row 12, column 营业收入（万元）' in the active language."""
    from django.utils.translation import gettext

    data = problem.as_dict() if isinstance(problem, Problem) else problem
    parts = []
    if data.get("sheet"):
        parts.append(gettext("sheet %(sheet)s") % {"sheet": data["sheet"]})
    if data.get("row"):
        parts.append(gettext("row %(row)s") % {"row": data["row"]})
    if data.get("column"):
        parts.append(gettext("column %(column)s") % {"column": data["column"]})
    return gettext(", ").join(parts)
