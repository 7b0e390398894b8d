"""The notice box: the reader's own notices, newest first, unread marked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from acupoint.accounts import scoping
from acupoint.notices import actions
from acupoint.notices.models import Notice
from acupoint.notices.sentences import sentence

PAGE_SIZE = 30


def _own(request: HttpRequest):
    """The reader's own notices: even the bureau, who sees every row of most models, reads
    only its own here."""
    return scoping.visible(request.user, Notice).filter(user=request.user)


@login_required
def box(request: HttpRequest) -> HttpResponse:
    page = Paginator(_own(request), PAGE_SIZE).get_page(
        request.GET.get("page"))
    for notice in page:
        notice.sentence = sentence(notice)
    return render(request, "notices/box.html", {"page": page})


@login_required
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(_own(request), pk=pk)
    actions.do_open_notice(request.user, notice)
    return redirect(notice.url)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    actions.do_mark_all_read(request.user)
    return redirect("notices:box")
