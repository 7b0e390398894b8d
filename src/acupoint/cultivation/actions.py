"""Every change on the cultivation ladder, checked and recorded in the audit log.

A firm applies for a rung it does not hold, under the rules in force that day; its district
recommends it (or not); experts score it. For a title the city grants itself (青岛隐形冠军) the
bureau publishes the list for public notice, records the objections and settles them; when the
notice has ended the firms without an upheld objection are recognised, their title granted
with its validity. A provincial or national title (创新型 / 科技和创新型 and 专精特新: the
province; 小巨人 and 单项冠军: MIIT) is not the city's to grant: the bureau forwards the firm to
the recognising body and records the outcome with that body's document number. Either way the
city pays its own reward (Qingdao rewards a newly recognised 小巨人 with up to 100 万, 2023).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acupoint.accounts import scoping
from acupoint.accounts.audit import record, snapshot
from acupoint.accounts.roles import Role
from acupoint.cultivation import evaluation, importing
from acupoint.cultivation.models import (
    OPEN_STATUSES,
    RUNG_NAMES,
    Application,
    Notice,
    Objection,
    Title,
)
from acupoint.engine.ladder import Verdict
from acupoint.policies.models import PolicyFact
from acupoint.registry.importing import parsing
from acupoint.registry.importing.parsing import CellError
from acupoint.registry.importing.problems import Problem, describe
from acupoint.registry.importing.reading import UnreadableFile, open_sheets
from acupoint.registry.importing.sheets import SheetProblem
from acupoint.registry.models import Enterprise

# 万元 on recognition, by rung (Qingdao: up to 100 万 for a newly recognised 小巨人, 2023).
REWARDS = {"little_giant": 100.0}
NOTICE_DAYS = 5


def recogniser(rung: str, day: dt.date) -> tuple[str, str]:
    """Who grants ``rung`` under the rules in force on ``day``: (miit|province|city, name)."""
    spec = evaluation.in_force(rung, day) or evaluation.ladder().versions(rung)[-1]
    return spec.rung.recognised_by, spec.rung.recogniser


def _granted_by_the_city(application: Application) -> bool:
    return recogniser(application.rung, application.submitted_on)[0] == "city"


def _parse(kind: str):
    return {"number": parsing.number, "integer": parsing.integer, "bool": parsing.boolean,
            "text": parsing.text}[kind]


def checked_value(name: str, raw: Any) -> Any:
    """A datum of the cultivation catalogue as recorded: typed, and inside its plausible
    range; a ValidationError in the user's language otherwise."""
    variable = evaluation.ladder().catalogue.variables.get(name)
    if variable is None or variable.formula or variable.source == "registry":
        raise ValidationError(_("“%(name)s” is not a datum that can be recorded here.")
                              % {"name": name})
    try:
        value = _parse(variable.kind)(raw)
    except CellError as error:
        raise ValidationError(describe(Problem(None, name, error.code, error.params))) \
            from None
    if isinstance(value, float | int) and not isinstance(value, bool):
        low, high = variable.minimum, variable.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            raise ValidationError(_(
                "%(label)s: %(value)s is outside the plausible range %(low)s–%(high)s.") % {
                "label": variable.label, "value": f"{value:,g}", "low": f"{low:,g}",
                "high": f"{high:,g}"})
    return value


@transaction.atomic
def do_set_data(actor, enterprise: Enterprise, values: Mapping[str, Any],
                source: str = "") -> dict[str, Any]:
    """Record the data the criteria need (IP counts, R&D staff, centre level…): every value
    checked first, all stored or none. A blank value clears the datum (it becomes unknown)."""
    scoping.require_own_or_bureau(actor, enterprise,
                                  _("You may act only for your own enterprise."))
    checked, problems = {}, []
    for name, raw in values.items():
        try:
            checked[name] = checked_value(name, raw)
        except ValidationError as error:
            problems.extend(error.messages)
    staff, employees = checked.get("rd_staff"), _employees(enterprise)
    if staff is not None and employees is not None and staff > employees:
        problems.append(_("R&D staff (%(staff)s) cannot exceed the employees (%(employees)s).")
                        % {"staff": f"{staff:,g}", "employees": f"{employees:,g}"})
    if problems:
        raise ValidationError(problems)
    source = source or scoping.role_of(actor) or "system"
    for name, value in checked.items():
        if value is None:
            PolicyFact.objects.filter(enterprise=enterprise, name=name).delete()
        else:
            PolicyFact.objects.update_or_create(enterprise=enterprise, name=name,
                                                defaults={"value": value, "source": source})
    record(actor, "cultivation.data", enterprise, after=checked)
    return checked


def _employees(enterprise: Enterprise) -> float | None:
    latest = enterprise.annual.exclude(employees=None).order_by("-year").first()
    return latest.employees if latest else None


@transaction.atomic
def do_record_title(actor, enterprise: Enterprise, *, rung: str, granted: dt.date,
                    expires: dt.date | None = None, document: str = "",
                    source: str = "") -> Title:
    scoping.require_bureau(actor, _("Only the bureau records titles."))
    if expires is None and (spec := evaluation.in_force(rung, granted)) is not None \
            and spec.rung.validity_years:
        expires = _years_after(granted, spec.rung.validity_years)
    title = Title(enterprise=enterprise, rung=rung, granted=granted, expires=expires,
                  document=document, source=source)
    title.full_clean()
    title.save()
    record(actor, "cultivation.title", title, after=snapshot(title))
    return title


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def verdict_record(verdict: Verdict) -> dict:
    """What an application keeps of the firm's verdict on the day it applied."""
    return {"status": verdict.status, "score": verdict.score, "pass": verdict.pass_mark,
            "failed": [item.label for item in verdict.binding if item.outcome == "failed"],
            "unknown": [item.label for item in verdict.binding if item.outcome == "unknown"],
            "gaps": verdict.gaps, "needs": verdict.needs}


@transaction.atomic
def do_apply(actor, enterprise: Enterprise, rung: str,
             day: dt.date | None = None) -> Application:
    scoping.require_own_or_bureau(actor, enterprise,
                                  _("You may act only for your own enterprise."))
    day = day or timezone.localdate()
    if rung not in RUNG_NAMES:
        raise ValidationError(_("Unknown rung %(rung)s.") % {"rung": rung})
    if any(title.valid_on(day) for title in enterprise.titles.filter(rung=rung)):
        raise ValidationError(_("%(enterprise)s already holds the title %(rung)s.") % {
            "enterprise": enterprise, "rung": RUNG_NAMES[rung]})
    under_way = ValidationError(_("An application for %(rung)s is already under way.") % {
        "rung": RUNG_NAMES[rung]})
    if enterprise.cultivation_applications.filter(rung=rung, status__in=OPEN_STATUSES).exists():
        raise under_way
    verdict = evaluation.verdict_today(enterprise, rung, day)
    if verdict is None:
        raise ValidationError(_("No rules of %(rung)s were in force on %(day)s.") % {
            "rung": RUNG_NAMES[rung], "day": day.isoformat()})
    spec = verdict.spec
    try:
        with transaction.atomic():  # two at once meet the one-open-application constraint
            application = Application.objects.create(
                enterprise=enterprise, rung=rung, version=spec.rung.version, submitted_on=day,
                verdict=verdict_record(verdict))
    except IntegrityError:
        raise under_way from None
    record(actor, "cultivation.apply", application, after={
        "rung": rung, "version": spec.rung.version, "status": verdict.status})
    return application


def _advance(actor, application: Application, expected: Sequence[str], action: str,
             **changes) -> Application:
    if application.status not in expected:
        raise ValidationError(_("This application is %(status)s; it cannot be %(action)s.")
                              % {"status": application.get_status_display(),
                                 "action": action})
    before = snapshot(application, ["status", *changes])
    for name, value in changes.items():
        setattr(application, name, value)
    application.save(update_fields=list(changes))
    record(actor, f"cultivation.{action}", application, before=before,
           after=snapshot(application, ["status", *changes]))
    return application


@transaction.atomic
def do_recommend(actor, application: Application, recommend: bool,
                 note: str = "") -> Application:
    """The district's recommendation (or not), with its reason."""
    enterprise = application.enterprise
    if not (scoping.is_bureau(actor) or (scoping.role_of(actor) == Role.DISTRICT_OFFICER
                                         and actor.district_id == enterprise.district_id)):
        raise PermissionDenied(_("Only the enterprise's district recommends it."))
    if not recommend and not note.strip():
        raise ValidationError(_("Say why the district does not recommend the firm."))
    status = (Application.Status.RECOMMENDED if recommend
              else Application.Status.NOT_RECOMMENDED)
    return _advance(actor, application, [Application.Status.SUBMITTED], "recommend",
                    status=status, district_note=note.strip())


@transaction.atomic
def do_score(actor, application: Application, score: float, note: str = "") -> Application:
    """The experts' score, entered by the bureau."""
    scoping.require_bureau(actor, _("Only the bureau enters the experts' scores."))
    if not 0 <= score <= 100:
        raise ValidationError(_("A score lies between 0 and 100."))
    return _advance(actor, application, [Application.Status.RECOMMENDED], "score",
                    status=Application.Status.SCORED, expert_score=score,
                    expert_note=note.strip())


@transaction.atomic
def do_publish_notice(actor, rung: str, applications: Sequence[Application], *,
                      title: str, published_on: dt.date | None = None,
                      days: int = NOTICE_DAYS) -> Notice:
    """Publish the list of scored firms for public notice."""
    scoping.require_bureau(actor, _("Only the bureau publishes the list."))
    if not applications:
        raise ValidationError(_("Choose the firms to put on the list."))
    by, name = recogniser(rung, published_on or timezone.localdate())
    if by != "city":
        raise ValidationError(_(
            "%(rung)s is recognised by %(body)s, not by the city: forward the firms to it "
            "and record its decision.") % {"rung": RUNG_NAMES[rung], "body": name})
    wrong = [str(item) for item in applications
             if item.rung != rung or item.status != Application.Status.SCORED]
    if wrong:
        raise ValidationError(_("Only scored applications for this rung go on the list: "
                                "%(names)s.") % {"names": "、".join(wrong)})
    published_on = published_on or timezone.localdate()
    notice = Notice.objects.create(rung=rung, title=title.strip(), published_on=published_on,
                                   ends_on=published_on + dt.timedelta(days=days),
                                   published_by=actor if getattr(actor, "pk", None) else None)
    for application in applications:
        _advance(actor, application, [Application.Status.SCORED], "notice",
                 status=Application.Status.NOTICED, notice=notice)
    record(actor, "cultivation.publish_notice", notice, after={
        "rung": rung, "firms": len(applications), "ends_on": notice.ends_on.isoformat()})
    return notice


@transaction.atomic
def do_object(actor, application: Application, text: str, raised_by: str = "",
              day: dt.date | None = None) -> Objection:
    """An objection received during the notice, recorded by the bureau."""
    scoping.require_bureau(actor, _("Only the bureau records objections."))
    day = day or timezone.localdate()
    if application.status != Application.Status.NOTICED or application.notice is None \
            or not application.notice.published_on <= day <= application.notice.ends_on:
        raise ValidationError(_("Objections are taken while the firm is on public notice."))
    if not text.strip():
        raise ValidationError(_("Write the objection."))
    objection = Objection.objects.create(application=application, text=text.strip(),
                                         raised_by=raised_by.strip(), raised_on=day)
    record(actor, "cultivation.object", objection, after={"application": application.pk})
    return objection


@transaction.atomic
def do_settle_objection(actor, objection: Objection, upheld: bool,
                        resolution: str) -> Objection:
    scoping.require_bureau(actor, _("Only the bureau settles objections."))
    if not resolution.strip():
        raise ValidationError(_("Say how the objection was settled."))
    objection.upheld, objection.resolution = upheld, resolution.strip()
    objection.save(update_fields=["upheld", "resolution"])
    record(actor, "cultivation.settle", objection, after={"upheld": upheld})
    return objection


@transaction.atomic
def do_recognise(actor, notice: Notice, day: dt.date | None = None) -> list[Application]:
    """After the notice: firms without an upheld objection are recognised, with their title
    and reward; the others are rejected with the objection as the reason."""
    scoping.require_bureau(actor, _("Only the bureau recognises firms."))
    day = day or timezone.localdate()
    if day <= notice.ends_on:
        raise ValidationError(_("The notice runs until %(day)s.") % {
            "day": notice.ends_on.isoformat()})
    applications = list(notice.applications.filter(status=Application.Status.NOTICED))
    if Objection.objects.filter(application__in=applications, upheld__isnull=True).exists():
        raise ValidationError(_("Settle every objection first."))
    for application in applications:
        if application.objections.filter(upheld=True).exists():
            _advance(actor, application, [Application.Status.NOTICED], "reject",
                     status=Application.Status.REJECTED,
                     decided_note=_("An objection was upheld."))
            continue
        title = do_record_title(actor, application.enterprise, rung=application.rung,
                                granted=day, document=notice.title,
                                source=recogniser(application.rung, day)[1])
        _advance(actor, application, [Application.Status.NOTICED], "recognise",
                 status=Application.Status.RECOGNISED, title=title,
                 reward=REWARDS.get(application.rung))
    return applications


@transaction.atomic
def do_forward(actor, applications: Sequence[Application],
               day: dt.date | None = None) -> list[Application]:
    """Forward recommended (or scored) firms to the body that grants their title."""
    scoping.require_bureau(actor, _("Only the bureau forwards firms."))
    if not applications:
        raise ValidationError(_("Choose the firms to forward."))
    city = [str(item) for item in applications if _granted_by_the_city(item)]
    if city:
        raise ValidationError(_("The city grants these titles itself: put the firms on "
                                "public notice instead: %(names)s.") % {"names": "、".join(city)})
    day = day or timezone.localdate()
    return [_advance(actor, application, [Application.Status.RECOMMENDED,
                                          Application.Status.SCORED], "forward",
                     status=Application.Status.FORWARDED, forwarded_on=day)
            for application in applications]


@transaction.atomic
def do_record_outcome(actor, application: Application, *, recognised: bool, document: str,
                      day: dt.date, note: str = "") -> Application:
    """The recognising body's decision on a forwarded firm, with its document number: the
    title it granted (and the city's own reward), or the refusal."""
    scoping.require_bureau(actor, _("Only the bureau records the recognising body's decision."))
    if not document.strip():
        raise ValidationError(_("Give the number of the recognising body's document."))
    if application.forwarded_on and day < application.forwarded_on:
        raise ValidationError(_("The decision cannot come before the firm was forwarded "
                                "(%(day)s).") % {"day": application.forwarded_on.isoformat()})
    if not recognised:
        return _advance(actor, application, [Application.Status.FORWARDED], "not_recognised",
                        status=Application.Status.REJECTED, outcome_document=document.strip(),
                        decided_note=note.strip())
    _by, name = recogniser(application.rung, day)
    title = do_record_title(actor, application.enterprise, rung=application.rung, granted=day,
                            document=document.strip(), source=name)
    return _advance(actor, application, [Application.Status.FORWARDED], "recognise",
                    status=Application.Status.RECOGNISED, title=title,
                    outcome_document=document.strip(), decided_note=note.strip(),
                    reward=REWARDS.get(application.rung))


@transaction.atomic
def do_pay_reward(actor, application: Application, day: dt.date | None = None) -> Application:
    scoping.require_bureau(actor, _("Only the bureau records payments."))
    if application.reward is None or application.status != Application.Status.RECOGNISED:
        raise ValidationError(_("This application has no reward to pay."))
    if application.reward_paid_on:
        raise ValidationError(_("The reward was paid on %(day)s.") % {
            "day": application.reward_paid_on.isoformat()})
    return _advance(actor, application, [Application.Status.RECOGNISED], "pay",
                    reward_paid_on=day or timezone.localdate())


@dataclass
class DataImported:
    enterprises: int = 0
    values: int = 0
    titles_added: int = 0
    titles_skipped: int = 0
    problems: list[SheetProblem] = field(default_factory=list)


def do_import_data(actor, path: Path, original_name: str | None = None,
                   today: dt.date | None = None) -> DataImported:
    """Cultivation data and titles from Excel or CSV (`acupoint.cultivation.importing`): all
    of it lands, or none of it and every problem is listed."""
    if actor is not None and not scoping.may_import(actor):
        raise PermissionDenied(_("Your role may not import data."))
    today = today or timezone.localdate()
    try:
        sheets = open_sheets(path, original_name)
    except UnreadableFile as error:
        return DataImported(problems=[SheetProblem("", None, "", describe(
            Problem(None, "", error.code, error.params)))])
    allowed = scoping.import_districts(actor) if actor is not None else None
    enterprises = Enterprise.objects.all() if allowed is None else \
        Enterprise.objects.filter(district_id__in=allowed)
    read = importing.read(sheets, evaluation.ladder().catalogue.variables, checked_value,
                          {enterprise.credit_code: enterprise for enterprise in enterprises},
                          today)
    if read.problems:
        return DataImported(problems=read.problems)
    outcome = DataImported(enterprises=len(read.data))
    source = f"import {original_name or path.name}"[:100]
    with transaction.atomic():
        for enterprise_id, values in read.data.items():
            for name, value in values.items():
                PolicyFact.objects.update_or_create(enterprise_id=enterprise_id, name=name,
                                                    defaults={"value": value, "source": source})
                outcome.values += 1
        known = set(Title.objects.values_list("enterprise_id", "rung", "granted"))
        for title in read.titles:
            if (title.enterprise_id, title.rung, title.granted) in known:
                outcome.titles_skipped += 1
                continue
            known.add((title.enterprise_id, title.rung, title.granted))
            title.save()
            outcome.titles_added += 1
        record(actor, "cultivation.import", object_type="cultivation.Title", after={
            "file": original_name or path.name, "enterprises": outcome.enterprises,
            "values": outcome.values, "titles_added": outcome.titles_added,
            "titles_skipped": outcome.titles_skipped})
    return outcome
