"""Dynamic management (动态管理): who gets a yellow card, who exits, who is promoted.

Pure rules over one period's race, so they can be read and tested apart from the pages:
- a candidate that meets every binding creation standard is promoted into the race;
- a cluster in the race fails a period when it misses a binding standard, ranks among the
  bottom ``yellow_bottom`` of the clusters racing, or cannot be scored (too little data);
- a failure earns a yellow card; ``exit_after`` consecutive failures mean exit;
- a period without failure lifts a yellow card.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from acupoint.clusters.models import Standing

RACING = (Standing.ACTIVE, Standing.YELLOW)


@dataclass(frozen=True)
class Entry:
    cluster: str
    standing: str  # before this period
    failures: int  # consecutive failed periods before this one
    score: float | None
    binding_met: bool
    binding_failed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    standing: str
    failures: int
    reason: str


def bottom(entries: list[Entry], count: int) -> set[str]:
    """The ``count`` lowest-scoring clusters in the race (ties broken by code, unscored
    clusters are failing on their own account and do not take a bottom place)."""
    scored = sorted((entry for entry in entries
                     if entry.standing in RACING and entry.score is not None),
                    key=lambda entry: (entry.score, entry.cluster))
    return {entry.cluster for entry in scored[:max(count, 0)]}


def decide(entries: list[Entry], yellow_bottom: int, exit_after: int) -> dict[str, Decision]:
    last = bottom(entries, yellow_bottom)
    decisions = {}
    for entry in entries:
        if entry.standing == Standing.CANDIDATE:
            decisions[entry.cluster] = (
                Decision(Standing.ACTIVE, 0, _("meets every binding creation standard: "
                                               "promoted into the race"))
                if entry.binding_met else
                Decision(Standing.CANDIDATE, 0, _("not yet meeting: %(conditions)s")
                         % {"conditions": "；".join(entry.binding_failed)}))
            continue
        if entry.standing not in RACING:
            continue
        why = []
        if not entry.binding_met:
            why.append(_("binding standards missed: %(conditions)s")
                       % {"conditions": "；".join(entry.binding_failed)})
        if entry.score is None:
            why.append(_("not scored: too few indicators with data"))
        if entry.cluster in last:
            why.append(_("among the bottom %(count)d of the race") % {"count": yellow_bottom})
        if not why:
            reason = (_("no failure this period: yellow card lifted")
                      if entry.standing == Standing.YELLOW else _("no failure this period"))
            decisions[entry.cluster] = Decision(Standing.ACTIVE, 0, reason)
            continue
        failures = entry.failures + 1
        count = _("failed %(n)d period(s) in a row") % {"n": failures}
        standing = Standing.EXITED if failures >= exit_after else Standing.YELLOW
        decisions[entry.cluster] = Decision(standing, failures,
                                            "；".join([*why, count]))
    return decisions
