"""An enterprise's workbench: its class and score with the trend and the indicator that would
move it most, new and near-miss policies with amounts and deadlines, its applications,
appeals and demands with where each stands, its next ladder rung and what it lacks, its
projects, and the consultations it may take part in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from acupoint.accounts import scoping
from acupoint.registry.models import Enterprise

SHOWN = 5


@dataclass
class Weakest:
    name: str
    unit: str
    value: float | None
    benchmark: float | None


@dataclass
class Step:
    label: str
    day: dt.date | None
    done: bool


@dataclass
class EnterpriseBench:
    enterprise: Enterprise
    result: object | None = None
    class_label: str = ""
    previous: object | None = None
    weakest: Weakest | None = None
    new_policies: list = field(default_factory=list)
    new_policy_count: int = 0
    near_misses: list = field(default_factory=list)
    applications: list = field(default_factory=list)
    appeals: list = field(default_factory=list)
    demands: list = field(default_factory=list)
    ladder: object | None = None
    projects: list = field(default_factory=list)
    consultations: list = field(default_factory=list)


def bench(user, today: dt.date) -> EnterpriseBench:
    enterprise = user.enterprise
    view = EnterpriseBench(enterprise)
    _evaluation(user, view)
    _policies(user, view)
    _ongoing(user, view)
    from acupoint.cultivation.evaluation import ladder_view

    view.ladder = ladder_view(enterprise, today)
    return view


def _evaluation(user, view: EnterpriseBench) -> None:
    from acupoint.triage import selectors
    from acupoint.triage.cards import card

    view.result = selectors.newest_published(user, view.enterprise.pk)
    if view.result is None:
        return
    shown = card(view.result, show_unit_means=False)
    view.class_label = shown.class_label
    earlier = [item for item in selectors.history(user, view.result)
               if item.run.year < view.result.run.year]
    view.previous = earlier[-1] if earlier else None
    scale = (view.result.run.spec_data.get("normalise") or {}).get("range") or [0, 1]
    view.weakest = weakest(shown.indicators, ceiling=float(scale[1]) or 1.0)


def weakest(indicators, ceiling: float = 1.0) -> Weakest | None:
    """The indicator with the most points left on the table: its weight times the share of
    the best normalised value (`ceiling`, the top of the spec's scale) it falls short of."""
    scored = [row for row in indicators if row.weight and row.normalised is not None]
    if not scored:
        return None

    def left(row) -> float:
        return row.weight * (1 - min(max(row.normalised / ceiling, 0), 1))

    row = max(scored, key=left)
    if left(row) <= 0:
        return None
    return Weakest(row.name, row.unit, row.raw, row.benchmark)


def _policies(user, view: EnterpriseBench) -> None:
    from acupoint.policies.models import Match

    matches = (scoping.visible(user, Match).filter(enterprise=view.enterprise)
               .select_related("clause", "clause__document"))
    new = matches.filter(status=Match.Status.ELIGIBLE, read_at__isnull=True)
    view.new_policy_count = new.count()
    view.new_policies = list(new.order_by("-amount", "clause__key")[:SHOWN])
    view.near_misses = list(matches.filter(status=Match.Status.NEAR)
                            .order_by("failed", "-amount", "clause__key")[:SHOWN])


def _ongoing(user, view: EnterpriseBench) -> None:
    from acupoint.cocreation.models import Demand
    from acupoint.cocreation.selectors import open_rounds
    from acupoint.policies.models import Application
    from acupoint.projects.models import Project
    from acupoint.triage.models import Appeal

    visible = scoping.visible
    view.applications = [(application, timeline(application)) for application in
                         visible(user, Application).filter(enterprise=view.enterprise)
                         .select_related("clause", "clause__document")[:SHOWN]]
    view.appeals = list(visible(user, Appeal).filter(enterprise=view.enterprise)[:SHOWN])
    view.demands = list(visible(user, Demand)[:SHOWN])
    view.projects = list(visible(user, Project).filter(enterprise=view.enterprise)[:SHOWN])
    view.consultations = list(open_rounds(user)[:SHOWN])


def timeline(application) -> list[Step]:
    """Where an application stands: submitted (or granted without applying), decided, paid."""
    from django.utils.translation import gettext as _

    from acupoint.policies.models import Application

    status = application.status
    steps = [Step(_("Granted, to verify") if status == Application.Status.PENDING_VERIFICATION
                  else _("Applied"), application.submitted_on, True)]
    if status == Application.Status.REJECTED:
        return [*steps, Step(_("Not approved"), None, True)]
    steps.append(Step(_("Approved"), application.approved_on, application.approved_on
                      is not None))
    steps.append(Step(_("Paid"), application.paid_on, application.paid_on is not None))
    return steps
