"""User text reaches every .xlsx export as text: never a formula, never a link, and quote-
prefixed where a spreadsheet would read it as a formula on editing; the command line's .xlsx
and .csv likewise."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pyarrow as pa
import pytest
from django.test import Client
from django.urls import reverse

from acupoint.engine import backends, cells
from acupoint.registry.models import Cluster, Enterprise
from tests.conftest import CITY_YEARS, computed_run

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/steal","点击查看")'
HOSTILE = [FORMULA, "+cmd|' /C calc'!A0", "-2+3+cmd", "@SUM(1+1)*cmd", "\t=1+1",
           "http://evil.example/link"]


def inert(content: bytes) -> int:
    """Assert no cell of the workbook is a formula or a link and every risky text is
    quote-prefixed; how many risky texts it holds."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    found = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert cell.hyperlink is None, (sheet.title, cell.coordinate)
                if isinstance(cell.value, str) and cells.risky(cell.value):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                    found += 1
    return found


@pytest.fixture
def hostile_city(users):
    """User text that looks like formulas in every place an export shows it."""
    from acupoint.clusters import actions as race
    from acupoint.cocreation import actions as cocreation
    from acupoint.cocreation.models import Round
    from tests.cocreation.test_actions import draft_with_clauses
    from tests.projects.test_actions import make_project

    firms = list(Enterprise.objects.order_by("pk"))
    for index, firm in enumerate(firms):
        firm.name = HOSTILE[index % len(HOSTILE)] + str(firm.pk)
    Enterprise.objects.bulk_update(firms, ["name"])
    Cluster.objects.filter(pk=users["cluster"].cluster_id).update(name=FORMULA)
    make_project(users["admin"], name=FORMULA, investor="@investor")
    draft = draft_with_clauses(users)
    today = dt.date.today()
    consultation = cocreation.do_open_round(users["admin"], draft, kind=Round.Kind.PUBLIC,
                                            opens=today, closes=today + dt.timedelta(days=9),
                                            public=True)
    cocreation.do_comment(users["enterprise"], consultation, consultation.version.clauses
                          .first(), FORMULA)
    assessment = race.do_assess(users["analyst"], year=CITY_YEARS[1], fund=Decimal("100"))
    race.do_publish_assessment(users["analyst"], assessment)
    run = computed_run(users)
    return {"round": consultation, "assessment": assessment, "run": run, "firm": firms[0]}


def test_every_export_writes_user_text_as_text(users, hostile_city):
    client = Client()
    client.force_login(users["admin"])
    exports = {
        "registry": reverse("registry:export", args=["xlsx"]),
        "enterprise": reverse("registry:enterprise-export",
                              args=[hostile_city["firm"].credit_code]),
        "triage": reverse("triage:export", args=[hostile_city["run"].pk, "xlsx"]),
        "race": reverse("clusters:export", args=[hostile_city["assessment"].pk, "xlsx"]),
        "consultation": reverse("cocreation:export", args=[hostile_city["round"].pk, "xlsx"]),
        "projects": reverse("projects:export"),
        "reach": reverse("policies:reach") + "?format=xlsx",
        "pools": reverse("cultivation:pools-export"),
    }
    risky = {}
    for name, url in exports.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        risky[name] = inert(b"".join(response.streaming_content))
    shows_user_text = ("registry", "enterprise", "triage", "race", "consultation", "projects",
                       "pools")
    assert {name for name in shows_user_text if not risky[name]} == set(), risky


def test_an_import_problems_workbook_is_inert_too(users, tmp_path,
                                                  django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(users["analyst"])
    upload = tmp_path / "bad.csv"
    upload.write_text(f"统一社会信用代码,企业名称,区市,行业代码,{FORMULA}\n"
                      f"{FORMULA},甲,黄岛,3612,1\n", encoding="utf-8")
    with upload.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        queued = client.post(reverse("registry:import"), {"file": handle})
    batch_id = int(queued.url.rstrip("/").rsplit("/", 1)[1])
    response = client.get(reverse("registry:import-problems", args=[batch_id]))
    inert(b"".join(response.streaming_content))


def test_the_command_lines_files_keep_text_as_text(tmp_path):
    table = pa.table({"name": HOSTILE, "amount": [1.0] * len(HOSTILE)})
    backends.write(table, tmp_path / "out.xlsx")
    assert inert((tmp_path / "out.xlsx").read_bytes()) == len(HOSTILE) - 1
    backends.write(table, tmp_path / "out.csv")
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert all(not line.strip('"').startswith(("=", "+", "-", "@", "\t")) for line in lines)
    assert any(line.startswith('"\'=HYPERLINK') for line in lines)
