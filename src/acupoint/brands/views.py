"""The brand pages: the register and its titles, the selections, entering, recommending,
reviewing, the public vote and the award; thin views over the actions."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acupoint.accounts import scoping
from acupoint.accounts.roles import Role
from acupoint.brands import actions
from acupoint.brands.models import Brand, BrandTitle, Category, Entry, Programme, Selection
from acupoint.registry.models import Enterprise
from acupoint.site.notices import show_errors


def hub(request: HttpRequest) -> HttpResponse:
    user = request.user
    own = (scoping.visible(user, Brand).filter(enterprise_id=user.enterprise_id)
           if scoping.role_of(user) == Role.ENTERPRISE_USER else Brand.objects.none())
    return render(request, "brands/hub.html", {
        "selections": scoping.visible(user, Selection),
        "titles": scoping.visible(user, BrandTitle).select_related("brand__enterprise")[:200],
        "own": own, "bureau": scoping.is_bureau(user),
        "may_register": scoping.role_of(user) == Role.ENTERPRISE_USER,
        "programmes": Programme.choices, "categories": Category.choices,
        "this_year": timezone.localdate().year})


@login_required
@require_POST
def register(request: HttpRequest) -> HttpResponse:
    enterprise = get_object_or_404(scoping.visible(request.user, Enterprise),
                                   pk=request.user.enterprise_id)
    try:
        actions.do_register_brand(request.user, enterprise, request.POST.get("name", ""),
                                  request.POST.get("category", ""))
    except ValidationError as error:
        show_errors(request, error)
    return redirect("brands:hub")


@login_required
@require_POST
def open_selection(request: HttpRequest) -> HttpResponse:
    try:
        selection = actions.do_open_selection(request.user, request.POST.get("programme", ""),
                                              int(request.POST.get("year", "0") or 0))
    except ValidationError as error:
        show_errors(request, error)
        return redirect("brands:hub")
    return redirect("brands:selection", selection.pk)


def selection_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    selection = get_object_or_404(scoping.visible(user, Selection), pk=pk)
    entries = (scoping.visible(user, Entry).filter(selection=selection)
               .select_related("brand__enterprise__district").annotate(vote_count=Count("votes")))
    voted = (selection.votes.filter(voter=user).values_list("entry_id", flat=True).first()
             if user.is_authenticated else None)
    own = (Brand.objects.filter(enterprise_id=user.enterprise_id)
           if scoping.role_of(user) == Role.ENTERPRISE_USER else [])
    return render(request, "brands/selection.html", {
        "selection": selection, "entries": entries, "voted": voted, "own": own,
        "bureau": scoping.is_bureau(user),
        "district": scoping.role_of(user) == Role.DISTRICT_OFFICER,
        "today": timezone.localdate()})


@login_required
@require_POST
def enter(request: HttpRequest, pk: int) -> HttpResponse:
    selection = get_object_or_404(Selection, pk=pk)
    brand = get_object_or_404(scoping.visible(request.user, Brand).filter(
        enterprise_id=request.user.enterprise_id), pk=request.POST.get("brand") or 0)
    try:
        actions.do_enter(request.user, selection, brand)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Entered; the district will recommend it."))
    return redirect("brands:selection", pk)


def _entry(request: HttpRequest, pk: int) -> Entry:
    return get_object_or_404(scoping.visible(request.user, Entry), pk=pk)


@login_required
@require_POST
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    try:
        actions.do_recommend_entry(request.user, entry, request.POST.get("note", ""))
    except ValidationError as error:
        show_errors(request, error)
    return redirect("brands:selection", entry.selection_id)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    try:
        actions.do_review_entry(request.user, entry, float(request.POST.get("score") or -1))
    except (ValidationError, ValueError) as error:
        show_errors(request, error if isinstance(error, ValidationError)
                    else ValidationError(_("A score lies between 0 and 100.")))
    return redirect("brands:selection", entry.selection_id)


@login_required
@require_POST
def open_vote(request: HttpRequest, pk: int) -> HttpResponse:
    selection = get_object_or_404(Selection, pk=pk)
    entries = list(selection.entries.filter(pk__in=request.POST.getlist("entry")))
    try:
        actions.do_open_vote(request.user, selection, entries,
                             dt.date.fromisoformat(request.POST.get("opens", "")),
                             dt.date.fromisoformat(request.POST.get("closes", "")))
    except ValueError:
        messages.error(request, _("Give the days the vote opens and closes."))
    except ValidationError as error:
        show_errors(request, error)
    return redirect("brands:selection", pk)


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    try:
        actions.do_vote(request.user, entry)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Thank you: your vote is counted."))
    return redirect("brands:selection", entry.selection_id)


@login_required
@require_POST
def award(request: HttpRequest, pk: int) -> HttpResponse:
    selection = get_object_or_404(Selection, pk=pk)
    winners = list(selection.entries.filter(pk__in=request.POST.getlist("winner")))
    try:
        actions.do_award(request.user, selection, winners,
                         document=request.POST.get("document", ""))
    except ValidationError as error:
        show_errors(request, error)
    return redirect("brands:selection", pk)
