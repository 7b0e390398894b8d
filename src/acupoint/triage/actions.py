"""State changes of evaluation runs; each leaves an audit entry.

Starting a run records it; executing it computes the draft (the part a background worker will
take over); publishing freezes it. Nothing changes the results of a published run.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

import acupoint.specs
from acupoint.accounts import scoping
from acupoint.accounts.audit import record, snapshot
from acupoint.accounts.roles import Role
from acupoint.engine.spec import resolved_data, spec_from_data
from acupoint.notices import sending
from acupoint.notices.models import Kind
from acupoint.registry.fields import ANNUAL_COLUMNS
from acupoint.registry.models import AnnualData, District, Enterprise
from acupoint.site.database import is_transient, retried
from acupoint.site.logs import new_reference
from acupoint.triage import storing, whatif
from acupoint.triage.computing import compute, enterprise_ids
from acupoint.triage.models import Appeal, EvaluationResult, EvaluationRun

SPECS = Path(acupoint.specs.__file__).parent / "triage"

logger = logging.getLogger(__name__)


DEFAULT_SPEC = "shandong_2019.yaml"  # the province's framework (鲁政字〔2019〕235号)


def shipped_specs() -> list[str]:
    """Spec names an analyst may choose: the triage specs shipped with the platform."""
    return sorted(str(path.relative_to(SPECS)) for path in SPECS.rglob("*.yaml"))


def spec_titles() -> dict[str, str]:
    """Each shipped spec's title (its ``name``), by file, the province's first: what an
    official chooses from."""
    import yaml

    titles = {}
    for name in shipped_specs():
        data = yaml.safe_load((SPECS / name).read_text(encoding="utf-8")) or {}
        titles[name] = str(data.get("name") or name)
    return dict(sorted(titles.items(), key=lambda item: (item[0] != DEFAULT_SPEC, item[1])))


def do_start_run(acting_user, *, spec_name: str, year: int,
                 district: District | None = None, queued: bool = True) -> EvaluationRun:
    """Record a run of ``spec_name`` over ``year`` (the city, or one district) and queue its
    computation for the worker once the record is committed (unless the caller, such as the
    demo set-up, computes it itself)."""
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
        if queued:
            queue(run)
    return run


def queue(run: EvaluationRun) -> None:
    """Hand the run to the background worker when the surrounding transaction commits."""
    from acupoint.triage.tasks import evaluate_run

    transaction.on_commit(lambda: evaluate_run.enqueue(run.pk))


def execute_run(run: EvaluationRun, progress: Callable[[int], None] | None = None) -> None:
    """Compute a recorded run and store its results as a draft (or record the failure).

    A run settling an appeal is published as soon as it is computed, in the name of the
    analyst who accepted the appeal.
    """
    if EvaluationRun.objects.filter(pk=run.pk, status=EvaluationRun.Status.PUBLISHED).exists():
        raise ValidationError(_("A published evaluation is never computed again; "
                                "recompute it to compare."))

    def report(percent: int) -> None:
        EvaluationRun.objects.filter(pk=run.pk).update(progress=percent)
        if progress:
            progress(percent)

    try:
        computed = compute(run, report)
    except Exception as error:  # the run records any failure for the analyst to read
        if is_transient(error):
            raise  # a lost connection: the task is tried again (tasks.evaluate_run)
        reference = new_reference()
        logger.exception("evaluation run %s failed", run.pk, extra={"ref": reference})
        run.status, run.error = EvaluationRun.Status.FAILED, str(error)
        run.meta = {**(run.meta or {}), "log_reference": reference}
        run.save(update_fields=["status", "error", "meta"])
        record(None, "triage.fail", run, after={"error": str(error)[:500]})
        return
    firms = enterprise_ids(run.district_id)
    report(80)

    def store() -> None:
        with transaction.atomic():
            storing.store(run.pk, computed.rows, firms)
            run.inputs_sha256, run.meta = computed.inputs_sha256, computed.meta
            run.status, run.progress = EvaluationRun.Status.DRAFT, 100
            run.save(update_fields=["inputs_sha256", "meta", "status", "progress"])
            record(None, "triage.computed", run, after={
                "results": len(computed.rows), "inputs_sha256": computed.inputs_sha256})
            if run.publish_when_computed:
                do_publish_run(run.created_by, run)

    retried(store)
    storing.refresh_statistics()
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
    """Evaluate a run again from its stored spec and compare with what it stored (score,
    class, rank; class robustness is not compared, so no uncertainty draws are made)."""
    computed = compute(run, draws=0)
    stored = {credit_code: (score, grade, rank) for credit_code, score, grade, rank in
              run.results.values_list("enterprise__credit_code", "score", "grade", "rank")}
    differing = [row["credit_code"] for row in computed.rows
                 if stored.get(row["credit_code"]) != (row["score"], row["grade"], row["rank"])]
    differing += sorted(set(stored) - {row["credit_code"] for row in computed.rows})
    return Recomputation(computed.inputs_sha256 == run.inputs_sha256, differing)


def appeal_fields() -> dict[str, str]:
    """Figures an enterprise may dispute: its land area and each annual figure, by code."""
    fields = {"land_mu": f"{_('Land area')} (亩)"}
    fields.update({column.code: f"{column.label} ({column.unit.label})" if column.unit
                   else str(column.label) for column in ANNUAL_COLUMNS})
    return fields


def _current_value(enterprise: Enterprise, year: int, field: str) -> float | None:
    if field == "land_mu":
        return enterprise.land_mu
    row = AnnualData.objects.filter(enterprise=enterprise, year=year).values(field).first()
    value = row[field] if row else None
    return None if value is None else float(value)


def do_file_appeal(acting_user, result: EvaluationResult, *, field: str, claimed_value: float,
                   reason: str, attachment=None) -> Appeal:
    """An enterprise user disputes one figure of its own published card."""
    if scoping.role_of(acting_user) != Role.ENTERPRISE_USER \
            or acting_user.enterprise_id != result.enterprise_id:
        raise PermissionDenied(_("Only the enterprise itself may appeal its evaluation."))
    if result.run.status != EvaluationRun.Status.PUBLISHED:
        raise ValidationError(_("Only a published evaluation can be appealed."))
    if field not in appeal_fields():
        raise ValidationError(_("Unknown figure: %(name)s") % {"name": field})
    if not reason.strip():
        raise ValidationError(_("Give the reason the figure is wrong."))
    with transaction.atomic():
        appeal = Appeal.objects.create(
            run=result.run, enterprise=result.enterprise, year=result.run.year, field=field,
            recorded_value=_current_value(result.enterprise, result.run.year, field),
            claimed_value=claimed_value, reason=reason.strip(), attachment=attachment or "",
            filed_by=acting_user)
        record(acting_user, "triage.appeal", appeal, after=snapshot(
            appeal, ["field", "year", "recorded_value", "claimed_value", "reason"]))
    return appeal


def do_resolve_appeal(acting_user, appeal: Appeal, *, accept: bool, answer: str,
                      corrected_value: float | None = None) -> Appeal:
    """Reject with a reason, or accept: correct the registry's figure and re-evaluate the run's
    scope as a new published version that supersedes the disputed run."""
    if not scoping.is_bureau(acting_user):
        raise PermissionDenied(_("Only the bureau may resolve an appeal."))
    if not answer.strip():
        raise ValidationError(_("Write the answer the enterprise will read."))
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != Appeal.Status.OPEN:
            raise ValidationError(_("This appeal has already been resolved."))
        before = snapshot(appeal, ["status", "resolution"])
        appeal.status = Appeal.Status.ACCEPTED if accept else Appeal.Status.REJECTED
        appeal.resolution, appeal.resolved_by = answer.strip(), acting_user
        appeal.resolved_at = timezone.now()
        if accept:
            value = appeal.claimed_value if corrected_value is None else corrected_value
            _correct(acting_user, appeal, value)
            appeal.corrected_run = _supersede(acting_user, appeal.run)
        appeal.save()
        record(acting_user, "triage.resolve_appeal", appeal, before=before,
               after=snapshot(appeal, ["status", "resolution", "corrected_run"]))
        sending.send(sending.enterprise_users([appeal.enterprise_id]), sending.Message(
            Kind.APPEAL_DECIDED, reverse("triage:appeal", args=[appeal.pk]),
            {"field": appeal.field, "year": appeal.year, "accepted": accept},
            key=f"appeal:{appeal.pk}"))
    return appeal


def _correct(acting_user, appeal: Appeal, value: float) -> None:
    if appeal.field == "land_mu":
        target = Enterprise.objects.select_for_update().get(pk=appeal.enterprise_id)
    else:
        target, _created = AnnualData.objects.select_for_update().get_or_create(
            enterprise_id=appeal.enterprise_id, year=appeal.year)
    before = {appeal.field: getattr(target, appeal.field)}
    setattr(target, appeal.field, value)
    target.save(update_fields=[appeal.field])
    record(acting_user, "registry.correct", target, before=before,
           after={appeal.field: value, "appeal": appeal.pk})


def _supersede(acting_user, run: EvaluationRun) -> EvaluationRun:
    """A new run of the same spec, year and scope that is published once computed."""
    newest = whatif.latest_version(run)
    successor = EvaluationRun.objects.create(
        spec_name=run.spec_name, spec_data=run.spec_data, spec_sha256=run.spec_sha256,
        year=run.year, district=run.district, created_by=acting_user, supersedes=newest,
        publish_when_computed=True)
    record(acting_user, "triage.start", successor, after={"supersedes": newest.pk})
    queue(successor)
    return successor
