"""Candidate pools in Excel: one sheet per rung, the firms ready now and those close, with
their points and what they lack."""

from __future__ import annotations

from typing import IO

from django.utils.translation import gettext as _

from acupoint.cultivation.selectors import Pool
from acupoint.registry.exporting import ExportTable, write_xlsx


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
