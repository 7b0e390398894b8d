"""An enterprise on the ladder: the titles it holds, each rung it qualifies for under the
rules in force on a day, its next rung up with the gaps, and the titles about to expire with
the re-review criteria they now fail. The judging is `acupoint.engine.ladder`; this module
gathers the firm's data (registry, annual figures, recorded data, titles)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from acupoint.cultivation.models import RUNG_NAMES, Title
from acupoint.engine.ladder import (
    NOT_QUALIFIED,
    QUALIFIED,
    Evaluator,
    Ladder,
    RungSpec,
    Verdict,
    load_ladder,
)
from acupoint.policies.models import PolicyFact
from acupoint.registry.models import AnnualData, Enterprise

ANNUAL = {"revenue": ("revenue", "revenue_prev", "revenue_prev2"),
          "rd_spend": ("rd_spend", "rd_spend_prev", None), "employees": ("employees", None, None)}
TITLE_FLAGS = {"innovative_sme": "title_innovative", "srdi_sme": "title_srdi"}
EXPIRY_WINDOW = dt.timedelta(days=365)


@lru_cache(maxsize=1)
def ladder() -> Ladder:
    return load_ladder()


@lru_cache(maxsize=1)
def evaluator() -> Evaluator:
    return Evaluator(ladder())


def profiles(enterprise_ids: Iterable[int], day: dt.date) -> dict[int, dict[str, Any]]:
    """Each firm's data as known on ``day``: the last three years of figures before it, its
    recorded data and the titles it holds."""
    ids = list(enterprise_ids)
    records: dict[int, dict[str, Any]] = {}
    for pk, founded in Enterprise.objects.filter(pk__in=ids).values_list("pk", "founded"):
        records[pk] = {"age_years": (day - founded).days / 365.25 if founded else None}
    years: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in AnnualData.objects.filter(enterprise_id__in=ids, year__lt=day.year).values(
            "enterprise_id", "year", *ANNUAL):
        years[row["enterprise_id"]][row["year"]] = row
    for pk, by_year in years.items():
        latest = max(by_year)
        for column, names in ANNUAL.items():
            for back, name in enumerate(names):
                if name:
                    records[pk][name] = by_year.get(latest - back, {}).get(column)
    for pk, name, value in PolicyFact.objects.filter(enterprise_id__in=ids).values_list(
            "enterprise_id", "name", "value"):
        records[pk][name] = value
    for title in Title.objects.filter(enterprise_id__in=ids, rung__in=TITLE_FLAGS):
        if title.valid_on(day):
            records[title.enterprise_id][TITLE_FLAGS[title.rung]] = True
    return records


def verdict_today(enterprise: Enterprise, rung: str, day: dt.date) -> Verdict | None:
    """The firm's verdict under the rules of ``rung`` in force on ``day`` (None: none are)."""
    spec = in_force(rung, day)
    if spec is None:
        return None
    return evaluator().evaluate(spec, profiles([enterprise.pk], day)[enterprise.pk])


def application_state(verdict: Verdict | None, under_way: Any) -> str:
    """What the apply button says: an application already under way, criteria met, failed,
    or not known for want of data."""
    if under_way is not None:
        return "under_way"
    if verdict is None:
        return "closed"
    return {QUALIFIED: "ready", NOT_QUALIFIED: "short"}.get(verdict.status, "unknown")


@dataclass
class LadderView:
    day: dt.date
    profile: dict[str, Any]  # the firm's data the verdicts were reached on
    held: list[Title]
    qualifies: list[Verdict]
    next_rung: str | None
    next_verdict: Verdict | None
    expiring: list[tuple[Title, Verdict]] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)  # rungs with no version in force
    # The next rung under its other rule versions, to compare (2022 against 2026).
    other_versions: list[Verdict] = field(default_factory=list)


def in_force(rung: str, day: dt.date) -> RungSpec | None:
    try:
        return ladder().in_force(rung, day)
    except LookupError:
        return None


def name_on(rung: str, day: dt.date | None) -> str:
    """A rung's name under the rules of a day (创新型中小企业 until 2026-03-31, 科技和创新型
    中小企业 from 2026-04-01)."""
    spec = in_force(rung, day) if day else None
    return spec.rung.name if spec else RUNG_NAMES.get(rung, rung)


def ladder_view(enterprise: Enterprise, day: dt.date) -> LadderView:
    profile = profiles([enterprise.pk], day)[enterprise.pk]
    titles = list(Title.objects.filter(enterprise=enterprise))
    held = [title for title in titles if title.valid_on(day)]
    held_rungs = {title.rung for title in held}
    verdicts, unavailable = {}, []
    for rung in ladder().rungs():
        spec = in_force(rung, day)
        if spec is None:
            unavailable.append(rung)
            continue
        verdicts[rung] = evaluator().evaluate(spec, profile)
    national = [rung for rung in ladder().rungs() if rung in held_rungs
                and ladder().versions(rung)[0].rung.ladder == "miit"]
    next_rung = ladder().next_rung(national[-1] if national else None)
    expiring = [(title, verdicts[title.rung]) for title in held
                if title.expires and title.expires - day <= EXPIRY_WINDOW
                and title.rung in verdicts and verdicts[title.rung].status == NOT_QUALIFIED]
    next_verdict = verdicts.get(next_rung) if next_rung else None
    others = [evaluator().evaluate(spec, profile) for spec in ladder().versions(next_rung)
              if next_verdict is None or spec is not next_verdict.spec] if next_rung else []
    return LadderView(day, profile, held, [verdict for rung, verdict in verdicts.items()
                                  if verdict.status == "qualified" and rung not in held_rungs
                                  and rung != next_rung],
                      next_rung, next_verdict, expiring, unavailable, others)
