"""State changes of policy delivery; each leaves an audit entry.

Publishing a policy, or a change in an enterprise's data, re-matches the enterprises
concerned: new matches land in their inboxes, and clauses granted without application
(免申即享) are recorded as granted pending verification.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from acupoint.accounts import scoping
from acupoint.accounts.audit import record
from acupoint.accounts.roles import Role
from acupoint.engine import backends
from acupoint.engine.policy import YEAR, Policy, parse_policy, policy_files, shipped_dir
from acupoint.engine.policy_explain import terms_of
from acupoint.engine.rules import ELIGIBLE, UNKNOWN, Matcher
from acupoint.engine.spec import SpecError, read_text
from acupoint.engine.wording import in_words, number
from acupoint.notices import sending
from acupoint.notices.models import Kind
from acupoint.policies import library, profiles
from acupoint.policies.models import (
    Application,
    Match,
    MatchRun,
    PolicyClause,
    PolicyDocument,
    PolicyFact,
    Rating,
)
from acupoint.registry.models import Enterprise
from acupoint.site.engine_messages import translated

logger = logging.getLogger(__name__)

# Enterprises whose matches are written in one transaction of a re-matching.
REMATCH_CHUNK = 500


def _own_or_bureau(user, enterprise: Enterprise) -> None:
    scoping.require_own_or_bureau(user, enterprise,
                                  _("You may act only for your own enterprise."))


def parse_policy_text(text: str, source: str = "policy.yaml") -> Policy:
    """A policy file checked whole, or every problem with its line and key."""
    try:
        return parse_policy(text, source, library.catalogue())
    except SpecError as error:
        raise ValidationError([translated(str(problem)) for problem in error.problems]) \
            from None


def do_publish_policy(acting_user, text: str, source: str = "policy.yaml",
                      rematch: bool = True) -> PolicyDocument:
    """Publish (or amend) a policy from its file; its clauses go into the calculator."""
    scoping.require_bureau(acting_user, _("Only the bureau may publish policies."))
    policy = parse_policy_text(text, source)
    info = policy.policy
    with transaction.atomic():
        document, created = PolicyDocument.objects.update_or_create(
            policy_id=info.id, defaults={
                "title": info.title, "number": info.number, "issuer": info.issuer,
                "level": info.level, "published": info.published,
                "valid_from": info.valid_from, "valid_to": info.valid_to,
                "source": info.source, "illustrative": info.illustrative,
                "summary": info.summary, "yaml_text": text,
                "status": PolicyDocument.Status.PUBLISHED,
                "published_by": acting_user if getattr(acting_user, "pk", None) else None})
        kept = []
        for position, clause in enumerate(policy.clauses):
            row, _created = PolicyClause.objects.update_or_create(
                key=policy.key(clause), defaults={
                    "document": document, "clause_id": clause.id, "position": position,
                    "article": clause.article, "title": clause.title, "chain": clause.chain,
                    "side": clause.side, "support": clause.support, "mode": clause.mode,
                    "industries": clause.industries, "text": clause.wording,
                    "text_is_summary": not clause.text,
                    "benefit": _benefit_text(policy, clause), "unit": clause.benefit.unit,
                    "cap": clause.benefit.cap,
                    "cap_over_period": clause.benefit.cap_over == "policy_period",
                    "period_from": clause.period.start if clause.period else None,
                    "period_to": clause.period.end if clause.period else None,
                    "documents": clause.documents,
                    "conditions": [item.label or item.when for item in clause.conditions]})
            kept.append(row.pk)
        removed = document.clauses.exclude(pk__in=kept)
        Match.objects.filter(clause__in=removed).delete()
        removed.filter(applications__isnull=True).delete()
        record(acting_user, "policies.publish" if created else "policies.amend", document,
               after={"clauses": len(kept)})
    if rematch:
        do_rematch(acting_user, MatchRun.Trigger.PUBLICATION)
    return document


def _benefit_text(policy: Policy, clause) -> str:
    """The benefit in words (labels, not identifiers), with its unit and cap."""
    benefit = clause.benefit
    if not benefit.monetary:
        return benefit.text
    terms = terms_of(library.catalogue(), policy.parameters)
    formulas = [benefit.formula] if benefit.formula else [tier.amount for tier in benefit.tiers]
    formula = "；".join(in_words(item, None, terms) for item in formulas)
    cap = ""
    if benefit.cap is not None:
        scope = "政策期内累计" if benefit.cap_over == "policy_period" else ""
        cap = f"，{scope}上限 {number(benefit.cap, benefit.unit)}"
    return f"{formula}（{benefit.unit}）{cap}"[:300]


def do_withdraw_policy(acting_user, document: PolicyDocument) -> None:
    scoping.require_bureau(acting_user, _("Only the bureau may withdraw policies."))
    with transaction.atomic():
        document.status = PolicyDocument.Status.WITHDRAWN
        document.save(update_fields=["status", "updated_at"])
        Match.objects.filter(clause__document=document).delete()
        record(acting_user, "policies.withdraw", document)


def publish_shipped(acting_user=None) -> list[PolicyDocument]:
    """The policies shipped with the platform, published once (the demo city, a new site); a
    shipped policy the platform itself published is amended when its file has changed (a
    corrected amount), one a user published or amended is left as it is."""
    documents = []
    stored = {document.policy_id: document for document in PolicyDocument.objects.all()}
    for path in policy_files([shipped_dir()]):
        text = read_text(path)
        policy = parse_policy_text(text, path.name)
        document = stored.get(policy.policy.id)
        if document is None or (document.published_by_id is None
                                and document.yaml_text != text):
            documents.append(do_publish_policy(acting_user, text, path.name, rematch=False))
    return documents


def do_rematch(acting_user, trigger: str, enterprise_ids: Iterable[int] | None = None,
               day: dt.date | None = None) -> MatchRun:
    """Match the published clauses against the enterprises (all, or the ones named)."""
    day = day or timezone.localdate()
    started = time.perf_counter()
    policies = library.published_library()
    ids = None if enterprise_ids is None else list(enterprise_ids)
    table = profiles.profiles(policies.catalogue, day, ids)
    matcher = Matcher(policies, day)
    rows = (matcher.matches(backends.in_memory(table, "profiles")).to_pylist()
            if table.num_rows else [])
    enterprises = dict(Enterprise.objects.filter(
        credit_code__in=table.column("credit_code").to_pylist()).values_list(
        "credit_code", "pk"))
    clauses = dict(PolicyClause.objects.filter(
        document__status=PolicyDocument.Status.PUBLISHED).values_list("key", "pk"))
    with transaction.atomic():
        run = MatchRun.objects.create(as_of=day, trigger=trigger, enterprises=len(enterprises),
                                      clauses=len(matcher.plans),
                                      created_by=acting_user if getattr(
                                          acting_user, "pk", None) else None)
    by_enterprise: dict[int, list[dict]] = {pk: [] for pk in enterprises.values()}
    for row in rows:
        by_enterprise[enterprises[row["credit_code"]]].append(row)
    years = {enterprises[code]: year for code, year in zip(
        table.column("credit_code").to_pylist(), table.column(YEAR).to_pylist(), strict=True)
        if code in enterprises}
    ordered = sorted(by_enterprise)
    new = 0
    for start in range(0, len(ordered), REMATCH_CHUNK):
        chunk = {pk: by_enterprise[pk] for pk in ordered[start:start + REMATCH_CHUNK]}
        new += _store_matches(run, chunk, clauses, day, years)
    run.new_matches = new
    run.seconds = time.perf_counter() - started
    run.save(update_fields=["new_matches", "seconds"])
    record(acting_user, "policies.rematch", run,
           after={"trigger": trigger, "new": new, "enterprises": len(enterprises)})
    logger.info("re-matching (%s): %s enterprises, %s new matches in %.1f s", trigger,
                len(enterprises), new, run.seconds)
    return run


def _store_matches(run: MatchRun, rows_by_enterprise: dict[int, list[dict]],
                   clauses: dict[str, int], day: dt.date, years: dict[int, int | None]) -> int:
    """One chunk of enterprises' matches in one short transaction (SQLite's single writer is
    free again within a second, so that sign-ins and saves in between never wait long); each
    enterprise's matches change together. The new matches it made."""
    now = timezone.now()
    with transaction.atomic():
        existing = Match.objects.filter(enterprise_id__in=rows_by_enterprise)
        known = {(match.enterprise_id, match.clause_id): match for match in existing}
        keep, new, changed, qualified = set(), [], [], []
        for enterprise_id, rows in rows_by_enterprise.items():
            for row in rows:
                pair = (enterprise_id, clauses[f"{row['policy']}/{row['clause']}"])
                keep.add(pair)
                status = ("near" if row["near_miss"] else row["status"])
                values = {"status": status, "amount": row["amount"], "failed": row["failed"],
                          "unknown": row["unknown"], "run": run}
                match = known.get(pair)
                if match is None:
                    new.append(Match(enterprise_id=pair[0], clause_id=pair[1], first_seen=now,
                                     **values))
                else:
                    if match.status != ELIGIBLE and status == ELIGIBLE:
                        qualified.append(match)
                    for name, value in values.items():
                        setattr(match, name, value)
                    changed.append(match)
        Match.objects.bulk_create(new, batch_size=2000)
        _notify_new_matches(run, [match for match in new if match.status == ELIGIBLE]
                            + qualified)
        Match.objects.bulk_update(changed, ["status", "amount", "failed", "unknown", "run"],
                                  batch_size=2000)
        stale = [match.pk for pair, match in known.items() if pair not in keep]
        Match.objects.filter(pk__in=stale).delete()
        _grant_automatic(run, day, {pk: years.get(pk) for pk in rows_by_enterprise})
    return len(new)


def _notify_new_matches(run: MatchRun, new: list[Match]) -> None:
    """Each firm's users hear of the clauses it newly qualifies for (new matches, and matches
    that became eligible), with their estimated total where the amounts share one unit."""
    if not new:
        return
    units = dict(PolicyClause.objects.filter(pk__in={match.clause_id for match in new})
                 .values_list("pk", "unit"))
    by_enterprise: dict[int, list[Match]] = {}
    for match in new:
        by_enterprise.setdefault(match.enterprise_id, []).append(match)
    url = reverse("policies:mine")
    messages = []
    for user_id, enterprise_id in sending.enterprise_users(by_enterprise).values_list(
            "pk", "enterprise_id"):
        matches = by_enterprise[enterprise_id]
        amounts = [match.amount for match in matches if match.amount is not None]
        unit = {units.get(match.clause_id, "") for match in matches}
        total = (number(sum(amounts), unit.pop()) if amounts and len(unit) == 1
                 and len(amounts) == len(matches) else "")
        messages.append((user_id, sending.Message(
            Kind.NEW_MATCH, url, {"count": len(matches), "amount": total},
            key=f"matches:{run.pk}")))
    sending.send_each(messages)


def _grant_automatic(run: MatchRun, day: dt.date, years: dict[int, int | None]) -> None:
    """免申即享: an eligible match on a clause granted without application is recorded as
    granted, pending the bureau's verification, without the enterprise doing anything (once
    per year of figures on a clause claimed yearly)."""
    eligible = (Match.objects.filter(run=run, status=ELIGIBLE, clause__mode="auto",
                                     enterprise_id__in=years)
                .values_list("enterprise_id", "clause_id", "amount", "clause__period_from"))
    Application.objects.bulk_create([
        Application(enterprise_id=enterprise_id, clause_id=clause_id, estimated=amount,
                    status=Application.Status.PENDING_VERIFICATION, submitted_on=day,
                    year=years.get(enterprise_id) if yearly is not None else None)
        for enterprise_id, clause_id, amount, yearly in eligible], ignore_conflicts=True)


def do_set_fact(acting_user, enterprise: Enterprise, name: str, value: Any,
                source: str = "") -> PolicyFact:
    """Record a datum the clauses need (a tag, a figure) and re-match the enterprise."""
    _own_or_bureau(acting_user, enterprise)
    variable = library.catalogue().variables.get(name)
    if variable is None or variable.source != "fact":
        raise ValidationError(_("'%(name)s' is not a policy datum that can be recorded.")
                              % {"name": name})
    value = _typed(value, variable.kind)
    with transaction.atomic():
        fact, _created = PolicyFact.objects.update_or_create(
            enterprise=enterprise, name=name,
            defaults={"value": value, "source": source or scoping.role_of(acting_user) or ""})
        record(acting_user, "policies.fact", enterprise, after={name: value})
    do_rematch(acting_user, MatchRun.Trigger.DATA, [enterprise.pk])
    return fact


def _typed(value: Any, kind: str) -> Any:
    if isinstance(value, str):
        value = value.strip()
    if value in ("", None):
        raise ValidationError(_("Enter a value."))
    try:
        if kind == "bool":
            if isinstance(value, str):
                return value.lower() in ("1", "true", "yes", "是", "y", "on")
            return bool(value)
        if kind == "integer":
            return int(float(value))
        if kind == "number":
            return float(value)
    except (TypeError, ValueError):
        raise ValidationError(_("'%(value)s' is not a number.") % {"value": value}) from None
    return str(value)


def do_apply(acting_user, enterprise: Enterprise, clause: PolicyClause,
             day: dt.date | None = None) -> Application:
    """Apply for a clause the enterprise qualifies for: once for a one-off clause, once per
    year of figures for a clause claimed yearly (the database holds each to one)."""
    _own_or_bureau(acting_user, enterprise)
    day = day or timezone.localdate()
    match = Match.objects.filter(enterprise=enterprise, clause=clause,
                                 status__in=(ELIGIBLE, UNKNOWN)).first()
    if match is None:
        raise ValidationError(_("This enterprise does not qualify for this clause."))
    year = profiles.figures_year(enterprise, day) if clause.period_from is not None else None
    existing = Application.objects.filter(enterprise=enterprise, clause=clause, year=year)
    if existing.exists():
        raise ValidationError(_("An application for this clause already exists."))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                enterprise=enterprise, clause=clause, status=Application.Status.SUBMITTED,
                estimated=match.amount, submitted_on=day, year=year,
                created_by=acting_user if getattr(acting_user, "pk", None) else None)
            record(acting_user, "policies.apply", application)
    except IntegrityError:
        raise ValidationError(_("An application for this clause already exists.")) from None
    return application


_NEXT = {
    Application.Status.PENDING_VERIFICATION: {Application.Status.APPROVED,
                                              Application.Status.REJECTED},
    Application.Status.SUBMITTED: {Application.Status.APPROVED, Application.Status.REJECTED},
    Application.Status.APPROVED: {Application.Status.PAID},
}


def do_decide_application(acting_user, application: Application, status: str,
                          on: dt.date, amount: float | None = None,
                          note: str = "") -> Application:
    """Approve, reject or pay an application; dates may not run backwards, and a cap over the
    policy period holds across the firm's yearly claims.

    The firm's claims on the clause are locked (in one order) before anything is read, so two
    decisions on them at once are made one after the other."""
    scoping.require_bureau(acting_user, _("Only the bureau decides applications."))
    with transaction.atomic():
        claims = list(Application.objects.select_for_update().select_related("clause")
                      .filter(enterprise_id=application.enterprise_id,
                              clause_id=application.clause_id).order_by("pk"))
        application = next(item for item in claims if item.pk == application.pk)
        if status not in _NEXT.get(application.status, set()):
            raise ValidationError(_("An application that is %(now)s cannot become %(next)s.")
                                  % {"now": application.get_status_display(), "next": status})
        if on < application.submitted_on or (application.approved_on and on <
                                             application.approved_on):
            raise ValidationError(_("The date is before the application's earlier steps."))
        before = {"status": application.status}
        application.status = status
        if status == Application.Status.APPROVED:
            application.approved_on = on
            application.approved_amount = amount if amount is not None else \
                application.estimated
        elif status == Application.Status.PAID:
            application.paid_on = on
            application.paid_amount = amount if amount is not None else \
                application.approved_amount
        _check_cumulative_cap(application, [item for item in claims
                                            if item.pk != application.pk])
        application.note = note or application.note
        application.save()
        record(acting_user, "policies.decide", application, before=before,
               after={"status": status, "on": on})
        amount = (application.paid_amount if status == Application.Status.PAID
                  else application.approved_amount)
        sending.send(sending.enterprise_users([application.enterprise_id]), sending.Message(
            Kind.APPLICATION_DECIDED, reverse("policies:mine"), {
                "status": status, "clause": application.clause.title,
                "amount": number(amount, application.clause.unit) if amount is not None
                else ""}, key=f"application:{application.pk}:{status}"))
    return application


def _check_cumulative_cap(application: Application, others: list[Application]) -> None:
    """Refuse a decision that takes the firm's claims on the clause past a cap that holds over
    the whole policy period."""
    clause = application.clause
    if not clause.cap_over_period or clause.cap is None:
        return
    granted = sum(other.granted_amount for other in others)
    left = max(clause.cap - granted, 0.0)
    if application.granted_amount > left + 1e-9:
        raise ValidationError(
            _("The policy allows %(cap)s %(unit)s per enterprise over its whole period; "
              "%(granted)s %(unit)s are already granted, so at most %(left)s %(unit)s can be "
              "granted.") % {"cap": number(clause.cap), "granted": number(granted),
                             "left": number(left), "unit": clause.unit})


def do_rate(acting_user, enterprise: Enterprise, document: PolicyDocument, score: int,
            comment: str = "") -> Rating:
    if scoping.role_of(acting_user) != Role.ENTERPRISE_USER or \
            acting_user.enterprise_id != enterprise.pk:
        raise PermissionDenied(_("Only the enterprise's own users rate a policy."))
    if not 1 <= int(score) <= 5:
        raise ValidationError(_("Rate from 1 to 5."))
    with transaction.atomic():
        rating, _created = Rating.objects.update_or_create(
            enterprise=enterprise, document=document,
            defaults={"score": int(score), "comment": comment[:500], "user": acting_user})
        record(acting_user, "policies.rate", rating, after={"score": int(score)})
    return rating


def do_mark_read(acting_user, enterprise: Enterprise) -> int:
    _own_or_bureau(acting_user, enterprise)
    with transaction.atomic():
        count = Match.objects.filter(enterprise=enterprise, read_at__isnull=True).update(
            read_at=timezone.now())
        if count:
            record(acting_user, "policies.read", enterprise, after={"matches": count})
    return count
