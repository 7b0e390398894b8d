"""Enterprise profiles (一企一档) for policy matching, built from the registry: the enterprise
record, its latest annual figures (and their year) and the year before, its per-mu class from
the published triage runs, the policy data recorded for it, and what each clause with a cap
over the policy period already granted it in earlier years."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from acupoint.engine.policy import YEAR, Catalogue, granted_column
from acupoint.engine.rules import ENTITY, profile_table
from acupoint.policies.models import GRANTED_STATUSES, Application, PolicyClause, PolicyFact
from acupoint.registry.models import AnnualData, Enterprise
from acupoint.triage import history

ANNUAL = ("revenue", "tax", "value_added", "rd_spend", "employees", "fixed_asset_investment",
          "equipment_investment", "exports", "energy_tce", "electricity_kwh", "gas_m3",
          "major_accident")


def profiles(catalogue: Catalogue, day: dt.date,
             enterprise_ids: Iterable[int] | None = None) -> pa.Table:
    """One row per enterprise in the catalogue's columns, as known on ``day``."""
    records = _records(day, None if enterprise_ids is None else list(enterprise_ids))
    return profile_table(records, catalogue)


def profile_of(enterprise: Enterprise, day: dt.date) -> dict[str, Any]:
    return _records(day, [enterprise.pk])[0]


def figures_year(enterprise: Enterprise, day: dt.date) -> int | None:
    """The year of the figures a match on ``day`` reads: the latest before ``day``'s year."""
    years = AnnualData.objects.filter(enterprise=enterprise, year__lt=day.year)
    return years.order_by("-year").values_list("year", flat=True).first()


def _records(day: dt.date, ids: list[int] | None) -> list[dict[str, Any]]:
    enterprises = Enterprise.objects.select_related("district", "cluster")
    if ids is not None:
        enterprises = enterprises.filter(pk__in=ids)
    records: dict[int, dict[str, Any]] = {}
    for enterprise in enterprises.order_by("pk"):
        records[enterprise.pk] = {
            ENTITY: enterprise.credit_code, "industry": enterprise.industry_code,
            "district": enterprise.district.name,
            "cluster": enterprise.cluster.code if enterprise.cluster else None,
            "above_scale": enterprise.above_scale, "land_mu": enterprise.land_mu,
            "founded": enterprise.founded,
            "age_years": (day - enterprise.founded).days / 365.25 if enterprise.founded
            else None}
    _add_annual(records, day)
    _add_triage(records, day)
    facts = PolicyFact.objects.filter(enterprise_id__in=records)
    for enterprise_id, name, value in facts.values_list("enterprise_id", "name", "value"):
        records[enterprise_id][name] = value
    _add_granted(records)
    return list(records.values())


def _add_granted(records: dict[int, dict[str, Any]]) -> None:
    """Per clause whose cap holds over the policy period, what the firm's claims for earlier
    years of figures were granted (pending, approved or paid), from the platform's records."""
    capped = dict(PolicyClause.objects.filter(cap_over_period=True).values_list("pk", "key"))
    if not capped:
        return
    for record in records.values():
        for key in capped.values():
            record[granted_column(key)] = 0.0
    claims = Application.objects.filter(enterprise_id__in=records, clause_id__in=capped,
                                        status__in=GRANTED_STATUSES, year__isnull=False)
    for claim in claims.only("enterprise_id", "clause_id", "year", "status", "estimated",
                             "approved_amount", "paid_amount"):
        record = records[claim.enterprise_id]
        if record.get(YEAR) is not None and claim.year < record[YEAR]:
            record[granted_column(capped[claim.clause_id])] += claim.granted_amount


def _add_annual(records: dict[int, dict[str, Any]], day: dt.date) -> None:
    """The latest year before ``day``'s year with figures, and revenue the year before it."""
    rows = AnnualData.objects.filter(enterprise_id__in=records, year__lt=day.year)
    by_enterprise: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in rows.values("enterprise_id", "year", *ANNUAL):
        by_enterprise[row["enterprise_id"]][row["year"]] = row
    for enterprise_id, years in by_enterprise.items():
        latest = max(years)
        record = records[enterprise_id]
        record.update({name: years[latest][name] for name in ANNUAL})
        record[YEAR] = latest
        record["revenue_prev"] = years.get(latest - 1, {}).get("revenue")


def _add_triage(records: dict[int, dict[str, Any]], day: dt.date) -> None:
    """The class of the latest published run per year, and the published years in D running
    up to the latest of them."""
    classes = history.published_classes(records)
    for enterprise_id, by_year in classes.items():
        latest = max((year for year in by_year if year < day.year), default=None)
        if latest is None:
            continue
        records[enterprise_id]["triage_class"] = by_year[latest][0]
        records[enterprise_id]["years_in_d"] = history.consecutive(by_year, latest)
