"""State changes of evaluation runs; each leaves an audit entry.

Starting a run records it; executing it computes the draft (the part a background worker will
take over); publishing freezes it. Nothing changes the results of a published run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ibis
import pyarrow.compute as pc
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import acupoint.specs
from acupoint.accounts import scoping
from acupoint.accounts.audit import record
from acupoint.engine.scorecard import evaluate
from acupoint.engine.spec import resolved_data, spec_from_data
from acupoint.registry.models import District, Enterprise
from acupoint.triage import inputs
from acupoint.triage.models import EvaluationResult, EvaluationRun

SPECS = Path(acupoint.specs.__file__).parent / "triage"
WRITE_BATCH = 5000


def shipped_specs() -> list[str]:
    """Spec names an analyst may choose: the triage specs shipped with the platform."""
    return sorted(str(path.relative_to(SPECS)) for path in SPECS.rglob("*.yaml"))


def do_start_run(acting_user, *, spec_name: str, year: int,
                 district: District | None = None) -> EvaluationRun:
    """Record a run of ``spec_name`` over ``year`` (the city, or one district)."""
    if acting_user is not None and not scoping.is_bureau(acting_user):
        raise PermissionDenied(_("Only the bureau may start an evaluation."))
    if spec_name not in shipped_specs():
        raise ValidationError(_("Unknown spec: %(name)s") % {"name": spec_name})
    data = resolved_data(SPECS / spec_name)
    spec_from_data(data, spec_name)  # refuse a spec that does not validate before recording
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    with transaction.atomic():
        run = EvaluationRun.objects.create(
            spec_name=spec_name, spec_data=data, year=year, district=district,
            spec_sha256=hashlib.sha256(text.encode()).hexdigest(), created_by=acting_user)
        record(acting_user, "triage.start", run, after={"spec": spec_name, "year": year,
                                                       "district": district and district.code})
    return run


@dataclass
class Computed:
    inputs_sha256: str
    rows: list[dict]
    meta: dict


def compute(run: EvaluationRun, progress: Callable[[int], None] | None = None) -> Computed:
    """Evaluate the run's stored spec on the registry's current data; nothing is saved."""
    report = progress or (lambda percent: None)
    table = inputs.build(run.year, run.district_id)
    report(20)
    spec = spec_from_data(run.spec_data, run.spec_name)
    evaluation = evaluate(ibis.duckdb.connect().create_table("inputs", table), spec)
    result = evaluation.result_arrow()
    if spec.period:  # earlier years only fed the streaks
        result = result.filter(pc.equal(result[spec.period], run.year))
    report(60)
    amount_names = [item.name for item in spec.consequences]
    rows = [{
        "credit_code": row[spec.entity], "score": row["score"], "rank": row["rank"],
        "rank_in_group": row.get("rank_in_group"), "grade": row.get("class") or "",
        "availability": row["availability"],
        "amounts": {name: row[name] for name in amount_names if name in row},
    } for row in result.to_pylist()]
    meta = evaluation.meta()
    return Computed(inputs.fingerprint(table), rows, json.loads(json.dumps(meta, default=str)))


def execute_run(run: EvaluationRun, progress: Callable[[int], None] | None = None) -> None:
    """Compute a recorded run and store its results as a draft (or record the failure)."""
    def report(percent: int) -> None:
        EvaluationRun.objects.filter(pk=run.pk).update(progress=percent)
        if progress:
            progress(percent)

    try:
        computed = compute(run, report)
    except Exception as error:  # the run records any failure for the analyst to read
        run.status, run.error = EvaluationRun.Status.FAILED, str(error)
        run.save(update_fields=["status", "error"])
        record(None, "triage.fail", run, after={"error": str(error)[:500]})
        return
    firms = dict(Enterprise.objects.filter(
        credit_code__in=[row["credit_code"] for row in computed.rows]).values_list(
        "credit_code", "pk"))
    with transaction.atomic():
        EvaluationResult.objects.filter(run=run).delete()
        EvaluationResult.objects.bulk_create(
            (EvaluationResult(run=run, enterprise_id=firms[row.pop("credit_code")], **row)
             for row in computed.rows), batch_size=WRITE_BATCH)
        run.inputs_sha256, run.meta = computed.inputs_sha256, computed.meta
        run.status, run.progress = EvaluationRun.Status.DRAFT, 100
        run.save(update_fields=["inputs_sha256", "meta", "status", "progress"])
        record(None, "triage.computed", run, after={"results": len(computed.rows),
                                                    "inputs_sha256": computed.inputs_sha256})
    report(100)


def do_publish_run(acting_user, run: EvaluationRun) -> EvaluationRun:
    """Freeze a draft: from now on its results never change."""
    if acting_user is not None and not scoping.is_bureau(acting_user):
        raise PermissionDenied(_("Only the bureau may publish an evaluation."))
    with transaction.atomic():
        run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
        if run.status != EvaluationRun.Status.DRAFT:
            raise ValidationError(_("Only a draft can be published; this run is %(status)s.")
                                  % {"status": run.get_status_display()})
        run.status = EvaluationRun.Status.PUBLISHED
        run.published_by, run.published_at = acting_user, timezone.now()
        run.save(update_fields=["status", "published_by", "published_at"])
        record(acting_user, "triage.publish", run, after={"inputs_sha256": run.inputs_sha256})
    return run


@dataclass
class Recomputation:
    same_inputs: bool
    differing: list[str]


def recompute(run: EvaluationRun) -> Recomputation:
    """Evaluate a run again from its stored spec and compare with what it stored."""
    computed = compute(run)
    stored = {credit_code: (score, grade, rank) for credit_code, score, grade, rank in
              run.results.values_list("enterprise__credit_code", "score", "grade", "rank")}
    differing = [row["credit_code"] for row in computed.rows
                 if stored.get(row["credit_code"]) != (row["score"], row["grade"], row["rank"])]
    differing += sorted(set(stored) - {row["credit_code"] for row in computed.rows})
    return Recomputation(computed.inputs_sha256 == run.inputs_sha256, differing)
