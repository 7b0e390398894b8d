"""What the bureau sends around after an assessment: an .xlsx (leaderboard with the binding
checklist and pillars, the reward allocation with its arithmetic, the status decisions) and a
.docx report with the race and pillar charts; plus small summaries the pages share."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import IO

import pyarrow as pa
from django.utils.translation import gettext as _

from acupoint.accounts import scoping
from acupoint.clusters import selectors
from acupoint.clusters.models import PILLARS, Assessment, ExpertScore, TransformationCase
from acupoint.registry.exporting import ExportTable, write_xlsx
from acupoint.site import charts, rendering
from acupoint.site.provenance import add_placeholders, placeholder_table


def expert_grid(period: str) -> dict[tuple[str, str], float]:
    return {(code, pillar): score for code, pillar, score in
            ExpertScore.objects.filter(period=period)
            .values_list("cluster__code", "pillar", "score")}


def case_progress(cases: list[TransformationCase]) -> list[dict]:
    """Per programme and target site: cases, done, and average progress."""
    groups: dict[tuple[str, str], list[TransformationCase]] = defaultdict(list)
    for case in cases:
        site = case.target_site.name if case.target_site else "—"
        groups[(case.get_kind_display(), site)].append(case)
    return [{"kind": kind, "site": site, "cases": len(items),
             "done": sum(1 for item in items if item.status == item.Status.DONE),
             "progress": sum(item.progress for item in items) / len(items)}
            for (kind, site), items in sorted(groups.items())]


def _leaderboard(user, assessment: Assessment) -> ExportTable:
    pillar_labels = [str(label) for _code, label in PILLARS]
    results = list(selectors.results(user, assessment))
    criteria = [line["name"] for line in results[0].binding] if results else []
    headers = [_("Rank"), _("Code"), _("Cluster"), _("District"), _("Members"), _("Score"),
               _("Grade"), _("Data availability"), *pillar_labels, *criteria,
               _("Meets the creation standards"), _("Reward (万元)"), _("Reward arithmetic"),
               _("Standing before"), _("Standing"), _("Reason")]
    types = [pa.int64(), pa.string(), pa.string(), pa.string(), pa.int64(), pa.float64(),
             pa.string(), pa.float64(), *[pa.float64()] * len(pillar_labels),
             *[pa.bool_()] * len(criteria), pa.bool_(), pa.float64(), pa.string(),
             pa.string(), pa.string(), pa.string()]
    rows = [(r.rank, r.cluster.code, r.cluster.name, r.cluster.district.name, r.members,
             None if r.score is None else round(r.score, 2), r.grade, round(r.availability, 3),
             *[None if r.pillars.get(code) is None else round(r.pillars[code], 2)
               for code, _label in PILLARS],
             *[line["met"] for line in r.binding], r.binding_met, float(r.reward),
             r.reward_basis, r.get_standing_before_display(), r.get_standing_display(),
             r.reason) for r in results]
    return ExportTable(headers, types, iter(rows))


def _figures(user, assessment: Assessment) -> ExportTable:
    """The inputs of the clusters whose inputs the user may see (all, for the bureau)."""
    own = set(scoping.clusters_with_inputs(user).values_list("pk", flat=True))
    results = [result for result in selectors.results(user, assessment)
               if result.cluster_id in own]
    names = sorted({name for result in results for name in result.figures})
    rows = [(result.cluster.code, *[result.figures.get(name) for name in names])
            for result in results]
    return ExportTable([_("Code"), *names], [pa.string(), *[pa.float64()] * len(names)],
                       iter(rows))


def write_workbook(target: IO[bytes], user, assessment: Assessment) -> None:
    write_xlsx(target, {_("Leaderboard"): _leaderboard(user, assessment),
                        _("Inputs"): _figures(user, assessment),
                        _("Placeholder values")[:31]: placeholder_table(assessment.spec_data)})


def write_report(target: IO[bytes], user, assessment: Assessment) -> None:
    """A Word report: method, leaderboard, rewards with their arithmetic, status decisions,
    and the race and pillar charts."""
    from docx.shared import Cm

    document = rendering.word_document()
    document.add_heading(_("Cluster assessment %(period)s") % {"period": assessment.period},
                         level=0)
    document.add_paragraph(assessment.spec_data.get("name", ""))
    document.add_paragraph(assessment.spec_data.get("reference", ""))
    add_placeholders(document, assessment.spec_data)
    document.add_paragraph(_("Status: %(status)s. Reward fund: %(fund)s 万元.")
                           % {"status": assessment.get_status_display(),
                              "fund": f"{assessment.fund:,.2f}"})
    results = list(selectors.results(user, assessment))
    document.add_heading(_("Leaderboard"), level=1)
    table = document.add_table(rows=1, cols=6, style="Light Grid Accent 1")
    for cell, text in zip(table.rows[0].cells, [_("Rank"), _("Cluster"), _("Score"),
                                                  _("Grade"), _("Meets the creation "
                                                                "standards"), _("Standing")],
                          strict=True):
        cell.text = text
    for result in results:
        cells = table.add_row().cells
        cells[0].text = str(result.rank or "—")
        cells[1].text = result.cluster.name
        cells[2].text = "—" if result.score is None else f"{result.score:.1f}"
        cells[3].text = result.grade
        cells[4].text = _("yes") if result.binding_met else _("no")
        cells[5].text = result.get_standing_display()
    records = selectors.race_records(user)
    if records:
        document.add_paragraph()
        document.add_picture(io.BytesIO(rendering.png(charts.race(records, _("Rank")))),
                             width=Cm(16))
    document.add_heading(_("Merit rewards"), level=1)
    table = document.add_table(rows=1, cols=3, style="Light Grid Accent 1")
    for cell, text in zip(table.rows[0].cells, [_("Cluster"), _("Reward (万元)"),
                                                  _("Reward arithmetic")], strict=True):
        cell.text = text
    for result in results:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = result.cluster.name, f"{result.reward:,.2f}"
        cells[2].text = result.reward_basis
    total = sum(result.reward for result in results)
    document.add_paragraph(_("Total paid: %(total)s 万元 of %(fund)s 万元.")
                           % {"total": f"{total:,.2f}", "fund": f"{assessment.fund:,.2f}"})
    document.add_heading(_("Dynamic management"), level=1)
    for result in results:
        document.add_paragraph(f"{result.cluster.name}：{result.get_standing_before_display()}"
                               f" → {result.get_standing_display()}。{result.reason}",
                               style="List Bullet")
    document.add_heading(_("Guiding pillars"), level=1)
    for result in results:
        pillars = selectors.pillar_records(result)
        if pillars:
            document.add_heading(result.cluster.name, level=2)
            document.add_picture(io.BytesIO(rendering.png(charts.pillars(pillars), width=320)),
                                 width=Cm(7))
    document.save(target)
