"""The cultivation lists in Excel (one sheet per rung: the firms ready now and those close,
with their points and what they lack) and the cultivation report in Word (targets, pools,
titles about to expire)."""

from __future__ import annotations

import datetime as dt
import io
from typing import IO

import altair as alt
from django.utils.translation import gettext as _

from acupoint.cultivation.selectors import Candidate, Pool
from acupoint.registry.exporting import ExportTable, write_xlsx
from acupoint.site import rendering


def write_pools(target: IO[bytes], pools: list[Pool]) -> None:
    headers = [_("Unified social credit code"), _("Enterprise"), _("District"), _("Rung"),
               _("Rule version"), _("Standing"), _("Score"), _("Pass mark"), _("Gaps"),
               _("Data to supply")]
    sheets = {}
    for pool in pools:
        rows = [(item.enterprise.credit_code, item.enterprise.name,
                 item.enterprise.district.name, pool.name, item.verdict.spec.rung.version,
                 standing, item.verdict.score, item.verdict.pass_mark,
                 "；".join(item.verdict.gaps), "、".join(item.verdict.needs))
                for standing, items in ((_("ready"), pool.ready), (_("close"), pool.close))
                for item in items]
        sheets[pool.name[:31]] = ExportTable(headers, [], iter(rows))
    write_xlsx(target, sheets or {_("Pools"): ExportTable(headers, [], iter(()))})


def progress_chart(progress: list[dict]) -> dict:
    """Each rung's titles held as a share of the city's target (100% at the right edge)."""
    records = [{"rung": row["rung"], "share": row["held"] / row["target"],
                "held": row["held"], "target": row["target"]} for row in progress]
    chart = alt.Chart(alt.Data(values=records)).mark_bar(color="#1f5d99").encode(
        y=alt.Y("rung:N", sort=None, title=None),
        x=alt.X("share:Q", title=_("Share of the target held"),
                scale=alt.Scale(domain=[0, 1], clamp=True), axis=alt.Axis(format="%")),
        tooltip=["rung:N", "held:Q", "target:Q", alt.Tooltip("share:Q", format=".1%")],
    ).properties(width="container", height=alt.Step(24))
    return chart.to_dict()


def write_report(target: IO[bytes], day: dt.date, scope: str, progress: list[dict],
                 pools: list[Pool], expiring: list[Candidate]) -> None:
    """培育工作报告: the titles held against the targets, each rung's pool, and the titles
    about to expire with what they now fail."""
    from docx.shared import Cm

    document = rendering.word_document()
    document.add_heading(_("Cultivation report %(day)s") % {"day": day.isoformat()}, level=0)
    document.add_paragraph(_("Scope: %(scope)s. Rules in force on %(day)s.") % {
        "scope": scope, "day": day.isoformat()})
    document.add_heading(_("Titles held against the city's targets"), level=1)
    document.add_picture(io.BytesIO(rendering.png(progress_chart(progress))), width=Cm(15))
    table = document.add_table(rows=1, cols=3, style="Light Grid Accent 1")
    for cell, text in zip(table.rows[0].cells, [_("Rung"), _("Held"), _("Target")],
                          strict=True):
        cell.text = text
    for row in progress:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = (row["rung"], f"{row['held']:,}",
                                                       f"{row['target']:,}")
    for pool in pools:
        document.add_heading(pool.name, level=1)
        document.add_paragraph(_("%(ready)s firms ready now, %(close)s close.") % {
            "ready": len(pool.ready), "close": len(pool.close)})
        for item in pool.ready:
            score = "" if item.verdict.score is None else f"（{item.verdict.score:g}）"
            document.add_paragraph(f"{item.enterprise.name}{score}", style="List Number")
        for item in pool.close:
            document.add_paragraph(f"{item.enterprise.name}：{'；'.join(item.verdict.gaps)}",
                                   style="List Bullet")
    document.add_heading(_("Titles expiring within a year"), level=1)
    for item in expiring:
        document.add_paragraph(f"{item.enterprise.name} · {item.rung_name}："
                               f"{'；'.join(item.verdict.gaps) or _('data missing')}",
                               style="List Bullet")
    if not expiring:
        document.add_paragraph(_("None."))
    document.save(target)
