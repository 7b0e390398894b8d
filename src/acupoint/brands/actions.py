"""Every change to the brand register and its selections, checked and audited.

青岛名牌 has revenue floors (consumer goods ≥ 2,000 万, production goods ≥ 3,000 万, services
≥ 800 万, 2016) and asks for ISO 9001: an entry below its floor, or without the revenue or the
certification on record, is refused with what it lacks. An account votes once per selection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acupoint.accounts import scoping
from acupoint.accounts.audit import record
from acupoint.accounts.roles import Role
from acupoint.brands.models import Brand, BrandTitle, Category, Entry, Programme, Selection, Vote
from acupoint.cultivation.evaluation import profiles
from acupoint.policies.models import PolicyFact
from acupoint.registry.models import Enterprise

# 万元, by programme and category; a programme without floors takes any revenue.
REVENUE_FLOORS = {Programme.FAMOUS: {Category.CONSUMER: 2_000, Category.PRODUCTION: 3_000,
                                     Category.SERVICE: 800}}
CERTIFICATION_REQUIRED = {Programme.FAMOUS}


def _own(actor, enterprise: Enterprise) -> None:
    scoping.require_own_or_bureau(actor, enterprise,
                                  _("You may act only for your own enterprise."))


@transaction.atomic
def do_register_brand(actor, enterprise: Enterprise, name: str, category: str) -> Brand:
    _own(actor, enterprise)
    brand = Brand(enterprise=enterprise, name=name.strip(), category=category)
    brand.full_clean()
    brand.save()
    record(actor, "brands.register", brand, after={"name": brand.name, "category": category})
    return brand


@transaction.atomic
def do_open_selection(actor, programme: str, year: int) -> Selection:
    scoping.require_bureau(actor, _("Only the bureau opens a selection."))
    selection = Selection(programme=programme, year=year)
    selection.full_clean()
    selection.save()
    record(actor, "brands.open", selection, after={"programme": programme, "year": year})
    return selection


@transaction.atomic
def do_enter(actor, selection: Selection, brand: Brand, day: dt.date | None = None) -> Entry:
    """A brand entered into a selection, with the programme's floors checked."""
    _own(actor, brand.enterprise)
    day = day or timezone.localdate()
    if selection.status != Selection.Status.OPEN:
        raise ValidationError(_("This selection takes no more entries."))
    if Entry.objects.filter(selection=selection, brand=brand).exists():
        raise ValidationError(_("%(brand)s is already entered.") % {"brand": brand})
    revenue = profiles([brand.enterprise_id], day)[brand.enterprise_id].get("revenue")
    floor = REVENUE_FLOORS.get(selection.programme, {}).get(brand.category)
    if floor is not None:
        if revenue is None:
            raise ValidationError(_("%(programme)s needs the firm's revenue of last year: "
                                    "record it first.") % {
                "programme": selection.get_programme_display()})
        if revenue < floor:
            raise ValidationError(_(
                "%(programme)s asks for revenue of at least %(floor)s 万元 for %(category)s; "
                "%(firm)s had %(revenue)s 万元.") % {
                "programme": selection.get_programme_display(), "floor": f"{floor:,}",
                "category": brand.get_category_display(), "firm": brand.enterprise,
                "revenue": f"{revenue:,.0f}"})
    if selection.programme in CERTIFICATION_REQUIRED and not PolicyFact.objects.filter(
            enterprise=brand.enterprise, name="quality_certified", value=True).exists():
        raise ValidationError(_("%(programme)s asks for an ISO 9001 (quality management) "
                                "certification on record.") % {
            "programme": selection.get_programme_display()})
    entry = Entry.objects.create(selection=selection, brand=brand, revenue=revenue)
    record(actor, "brands.enter", entry, after={"selection": selection.pk,
                                                "brand": brand.pk, "revenue": revenue})
    return entry


def _move(actor, entry: Entry, expected: str, action: str, **changes) -> Entry:
    if entry.status != expected:
        raise ValidationError(_("This entry is %(status)s; it cannot be %(action)s.") % {
            "status": entry.get_status_display(), "action": action})
    for name, value in changes.items():
        setattr(entry, name, value)
    entry.save(update_fields=list(changes))
    record(actor, f"brands.{action}", entry, after={name: str(value)
                                                    for name, value in changes.items()})
    return entry


@transaction.atomic
def do_recommend_entry(actor, entry: Entry, note: str = "") -> Entry:
    enterprise = entry.brand.enterprise
    if not (scoping.is_bureau(actor) or (scoping.role_of(actor) == Role.DISTRICT_OFFICER
                                         and actor.district_id == enterprise.district_id)):
        raise PermissionDenied(_("Only the enterprise's district recommends it."))
    return _move(actor, entry, Entry.Status.SUBMITTED, "recommend",
                 status=Entry.Status.RECOMMENDED, note=note.strip())


@transaction.atomic
def do_review_entry(actor, entry: Entry, score: float) -> Entry:
    scoping.require_bureau(actor, _("Only the bureau enters the experts' scores."))
    if not 0 <= score <= 100:
        raise ValidationError(_("A score lies between 0 and 100."))
    return _move(actor, entry, Entry.Status.RECOMMENDED, "review",
                 status=Entry.Status.REVIEWED, expert_score=score)


@transaction.atomic
def do_open_vote(actor, selection: Selection, entries: Sequence[Entry], opens: dt.date,
                 closes: dt.date) -> Selection:
    """The shortlist on public notice, with the online vote open between two days."""
    scoping.require_bureau(actor, _("Only the bureau opens the vote."))
    if closes < opens:
        raise ValidationError(_("The vote closes after it opens."))
    if not entries:
        raise ValidationError(_("Choose the entries to shortlist."))
    for entry in entries:
        if entry.selection_id != selection.pk:
            raise ValidationError(_("%(entry)s is not in this selection.") % {"entry": entry})
        _move(actor, entry, Entry.Status.REVIEWED, "shortlist",
              status=Entry.Status.SHORTLISTED)
    selection.status, selection.vote_opens, selection.vote_closes = (
        Selection.Status.VOTING, opens, closes)
    selection.save(update_fields=["status", "vote_opens", "vote_closes"])
    record(actor, "brands.open_vote", selection, after={
        "opens": opens.isoformat(), "closes": closes.isoformat(), "entries": len(entries)})
    return selection


@transaction.atomic
def do_vote(voter, entry: Entry, day: dt.date | None = None) -> Vote:
    """One vote per account per selection, for a shortlisted entry, while the vote is open."""
    if not getattr(voter, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to vote."))
    day = day or timezone.localdate()
    selection = entry.selection
    if selection.status != Selection.Status.VOTING or not (
            selection.vote_opens <= day <= selection.vote_closes):
        raise ValidationError(_("The vote is not open."))
    if entry.status != Entry.Status.SHORTLISTED:
        raise ValidationError(_("Only shortlisted entries take votes."))
    already = ValidationError(_("Your account has already voted in this selection."))
    if Vote.objects.filter(selection=selection, voter=voter).exists():
        raise already
    try:
        with transaction.atomic():  # a vote sent twice at once meets the unique constraint
            vote = Vote.objects.create(selection=selection, entry=entry, voter=voter)
    except IntegrityError:
        raise already from None
    record(voter, "brands.vote", vote, after={"entry": entry.pk})
    return vote


@transaction.atomic
def do_award(actor, selection: Selection, winners: Sequence[Entry],
             day: dt.date | None = None, valid_until: dt.date | None = None,
             document: str = "") -> list[BrandTitle]:
    """After the vote: the winners get the programme's title, the other shortlisted entries
    do not."""
    scoping.require_bureau(actor, _("Only the bureau awards the titles."))
    day = day or timezone.localdate()
    if selection.status != Selection.Status.VOTING or day <= selection.vote_closes:
        raise ValidationError(_("Award after the vote has closed."))
    chosen = {entry.pk for entry in winners}
    titles = []
    for entry in selection.entries.filter(status=Entry.Status.SHORTLISTED):
        if entry.pk in chosen:
            title = BrandTitle(brand=entry.brand, programme=selection.programme,
                               year=selection.year, valid_until=valid_until,
                               document=document)
            title.full_clean()
            title.save()
            titles.append(title)
            _move(actor, entry, Entry.Status.SHORTLISTED, "award", status=Entry.Status.AWARDED)
        else:
            _move(actor, entry, Entry.Status.SHORTLISTED, "not_award",
                  status=Entry.Status.NOT_AWARDED)
    selection.status = Selection.Status.CLOSED
    selection.save(update_fields=["status"])
    record(actor, "brands.award", selection, after={"titles": len(titles)})
    return titles
