"""Reading a project ledger (项目台账) from Excel or CSV: a sheet of projects and a sheet of
stage events, with the headers the ledger export writes (Chinese or English), so a ledger can
go out to Excel and come back.

The whole file is checked before anything is written; every problem is listed by sheet, row
and column in the user's language. A project row with a project number updates that project;
one without creates a project. Stage events link to a project by its number, or by its name
for a project created by the same file; an event the project already has is skipped, so
importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from acupoint.engine.process import NAMES, ORDER
from acupoint.projects.models import Department, FastTrack, Project
from acupoint.registry import industry
from acupoint.registry.importing import parsing
from acupoint.registry.importing.problems import Problem, describe
from acupoint.registry.importing.sheets import (
    SheetColumn,
    SheetProblem,
    SheetReader,
    by_spelling,
    cell_problem,
    header_key,
)
from acupoint.registry.models import Cluster
from acupoint.registry.selectors import district_keys, spelling_keys

MAX_PROJECTS = 20_000
MAX_EVENTS = 200_000
LIST_SEPARATORS = re.compile(r"[、,，;；/\n]+")


PROJECT_COLUMNS = (
    SheetColumn("id", ("项目编号", "Project no.")),
    SheetColumn("name", ("名称", "项目名称", "Name"), required=True),
    SheetColumn("investor", ("投资方", "Investor"), required=True),
    SheetColumn("industry_code", ("行业代码", "Industry code"), required=True),
    SheetColumn("planned_investment", ("计划投资(万元)", "Planned investment (万元)"),
                required=True),
    SheetColumn("district", ("区市", "District"), required=True),
    SheetColumn("cluster", ("集聚区", "Cluster")),
    SheetColumn("land_parcel", ("地块", "Land parcel")),
    SheetColumn("land_area_mu", ("用地面积(亩)", "面积(亩)", "Land area (亩)")),
    SheetColumn("lead_department", ("牵头部门", "Lead department")),
    SheetColumn("methods", ("提速方式", "Fast-track methods")),
    SheetColumn("first_contact", ("首次接洽", "First contact")),
)
EVENT_COLUMNS = (
    SheetColumn("project_id", ("项目编号", "Project no.")),
    SheetColumn("project_name", ("项目", "项目名称", "Project")),
    SheetColumn("stage", ("阶段", "Stage"), required=True),
    SheetColumn("day", ("日期", "Date"), required=True),
    SheetColumn("department", ("部门", "Department")),
    SheetColumn("returned", ("退回", "Returned")),
    SheetColumn("documents", ("文件", "Documents")),
    SheetColumn("notes", ("备注", "Notes")),
)


@dataclass
class ProjectRow:
    row: int
    values: dict
    project: Project | None = None  # the existing project a numbered row updates
    first_contact: dt.date | None = None


@dataclass
class EventRow:
    row: int
    project_key: int | str  # an existing project's number, or a new project's name
    stage: str
    day: dt.date
    department: Department | None
    returned: bool
    documents: str
    notes: str


@dataclass
class Ledger:
    projects: list[ProjectRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)


def _unknown_department(text: str) -> str:
    return _("Unknown department “%(value)s”.") % {"value": text}


def read(sheets: list[tuple[str, list[list[object]]]], managed: Callable[[int], bool],
         projects: dict[int, Project], today: dt.date) -> Ledger:
    """Check every sheet: the one with investors is the projects, the one with stages the
    events. ``managed`` says whether the user may change projects of a district;
    ``projects`` are the existing projects the user sees, by number."""
    ledger = Ledger()
    kinds = {}
    for name, rows in sheets:
        header = rows[0] if rows else []
        keys = {header_key(text) for text in header}
        if header_key("投资方") in keys or header_key("Investor") in keys:
            kinds["projects"] = (name, rows)
        elif header_key("阶段") in keys or header_key("Stage") in keys:
            kinds["events"] = (name, rows)
    if not kinds:
        ledger.problems.append(SheetProblem("", None, "", _(
            "No sheet of projects (with a column 投资方) or of stage events (with a column "
            "阶段) was found.")))
        return ledger
    if "projects" in kinds:
        _read_projects(ledger, *kinds["projects"], managed, projects, today)
    if "events" in kinds:
        _read_events(ledger, *kinds["events"], managed, projects, today)
    return ledger


def _read_projects(ledger: Ledger, sheet: str, rows: list[list[object]],
                   managed: Callable[[int], bool], projects: dict[int, Project],
                   today: dt.date) -> None:
    reader = SheetReader(ledger.problems, sheet, rows[0], PROJECT_COLUMNS)
    districts = district_keys()
    clusters = by_spelling(Cluster.objects.select_related("district"), "name", "code")
    departments = by_spelling(Department.objects.all(), "name", "code")
    methods = {key: value for value, label in FastTrack.choices
               for key in spelling_keys(value, str(label))}
    names: dict[str, int] = {}
    for number, cell in reader.records(rows, MAX_PROJECTS,
                                       _("At most %(count)s projects per file.")):
        before = len(ledger.problems)
        values: dict = {"name": cell("name"), "investor": cell("investor"),
                        "planned_investment": cell("planned_investment", parsing.number),
                        "land_parcel": cell("land_parcel") or "",
                        "land_area_mu": cell("land_area_mu", parsing.number)}
        number_given = cell("id", parsing.integer)
        existing = None
        if number_given is not None:
            existing = projects.get(number_given)
            if existing is None:
                reader.complain(number, "id", _("No project no. %(number)s in your scope.")
                                % {"number": number_given})
        code = industry.normalise(cell("industry_code") or "")
        if code and industry.lookup(code) is None:
            reader.complain(number, "industry_code", describe(Problem(
                number, "", "unknown_industry", {"value": code})))
        values["industry_code"] = code
        district_id = reader.named(cell, number, "district", districts,
                                   cell_problem("unknown_district"))
        if district_id is not None and not managed(district_id):
            reader.complain(number, "district", _(
                "You may not register or change projects of %(district)s.") % {
                "district": cell("district")})
        values["district_id"] = district_id
        cluster = reader.named(cell, number, "cluster", clusters,
                               cell_problem("unknown_cluster"))
        values["cluster_id"] = cluster.pk if cluster else None
        lead = reader.named(cell, number, "lead_department", departments, _unknown_department)
        values["lead_department_id"] = lead.pk if lead else None
        chosen = []
        for word in LIST_SEPARATORS.split(cell("methods") or ""):
            if word.strip():
                method = methods.get(spelling_keys(word.strip())[0])
                if method is None:
                    reader.complain(number, "methods", _(
                        "Unknown fast-track method “%(value)s”.") % {"value": word.strip()})
                else:
                    chosen.append(method)
        values["methods"] = chosen
        if values["planned_investment"] is not None and values["planned_investment"] < 0:
            reader.complain(number, "planned_investment", describe(Problem(
                number, "", "below_minimum", {"value": values["planned_investment"],
                                              "minimum": 0})))
        if values["land_area_mu"] is not None and values["land_area_mu"] <= 0:
            reader.complain(number, "land_area_mu", describe(Problem(
                number, "", "land_not_positive", {"value": values["land_area_mu"]})))
        first_contact = cell("first_contact", lambda raw: parsing.date(raw, today))
        name = values["name"]
        if name and existing is None:
            if name in names:
                reader.complain(number, "name", describe(Problem(
                    number, "", "duplicate_row", {"other": names[name], "year": ""})))
            names.setdefault(name, number)
        _check_model(reader, number, values)
        if len(ledger.problems) == before:
            ledger.projects.append(ProjectRow(number, values, existing, first_contact))


MODEL_FIELDS = {"district_id": "district", "cluster_id": "cluster",
                "lead_department_id": "lead_department"}


def _check_model(reader: SheetReader, number: int, values: dict) -> None:
    """What the model itself refuses (lengths, a cluster outside the district), by column,
    for the cells that passed the checks above."""
    fields = {MODEL_FIELDS.get(name, name) for name in values}
    try:
        Project(**values).full_clean(
            exclude=[name for name in fields if name in reader.failed]
            + ["industry_code", "enterprise", "officer", "waiting_on"],
            validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                reader.complain(number, name, message)


def _read_events(ledger: Ledger, sheet: str, rows: list[list[object]],
                 managed: Callable[[int], bool], projects: dict[int, Project],
                 today: dt.date) -> None:
    reader = SheetReader(ledger.problems, sheet, rows[0], EVENT_COLUMNS)
    if "project_id" not in reader.positions and "project_name" not in reader.positions:
        reader.problem(None, "项目编号", _("The sheet has no column %(column)s.") % {
            "column": "项目编号"})
        return
    stages = {key: code for code, name in NAMES.items() for key in spelling_keys(code, name)}
    departments = by_spelling(Department.objects.all(), "name", "code")
    new_names = {row.values["name"] for row in ledger.projects if row.project is None}
    by_name: dict[str, list[Project]] = {}
    for project in projects.values():
        by_name.setdefault(project.name, []).append(project)
    for number, cell in reader.records(rows, MAX_EVENTS,
                                       _("At most %(count)s stage events per file.")):
        before = len(ledger.problems)
        project_number = cell("project_id", parsing.integer)
        project_name = cell("project_name")
        key: int | str | None = None
        if project_number is not None:
            if project_number in projects:
                key = project_number
            else:
                reader.complain(number, "project_id", _(
                    "No project no. %(number)s in your scope.") % {"number": project_number})
        elif project_name in new_names:
            key = project_name
        elif project_name and len(by_name.get(project_name, [])) == 1:
            key = by_name[project_name][0].pk
        else:
            reader.complain(number, "project_name", _(
                "Name the project by its number, or by the name of a project in this file "
                "(“%(value)s” is not one).") % {"value": project_name or ""})
        if isinstance(key, int) and not managed(projects[key].district_id):
            reader.complain(number, "project_id", _(
                "You may not record stages of project no. %(number)s.") % {"number": key})
        stage = reader.named(cell, number, "stage", stages,
                             lambda text: _("Unknown stage %(stage)s.") % {"stage": text})
        day = cell("day", lambda raw: parsing.date(raw, today))
        department = reader.named(cell, number, "department", departments,
                                  _unknown_department)
        returned = cell("returned", parsing.boolean)
        if len(ledger.problems) == before and key is not None and stage in ORDER:
            documents = "\n".join(part.strip() for part in re.split(
                r"[；;\n]+", cell("documents") or "") if part.strip())
            ledger.events.append(EventRow(number, key, stage, day, department, bool(returned),
                                          documents, cell("notes") or ""))
