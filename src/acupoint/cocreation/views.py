"""The co-creation pages: thin views that read through selectors and change through actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from acupoint.accounts import scoping
from acupoint.cocreation import actions, reports, selectors
from acupoint.cocreation.forms import (
    AnswerForm,
    ClauseFormSet,
    CommentForm,
    DemandForm,
    DraftForm,
    PeerForm,
    ReviewForm,
    RoundForm,
)
from acupoint.cocreation.models import Demand, DraftClause, PeerPolicy, Round
from acupoint.policies.models import CHAIN_CHOICES
from acupoint.registry.importing.reading import detect_encoding
from acupoint.site.attachments import attachment_response
from acupoint.site.downloads import file_response
from acupoint.site.notices import show_errors
from acupoint.text.diff import version_diff
from acupoint.text.docx_text import docx_text

CHAINS = dict(CHAIN_CHOICES)


@login_required
def hub(request: HttpRequest) -> HttpResponse:
    user = request.user
    bureau = scoping.is_bureau(user)
    return render(request, "cocreation/hub.html", {
        "bureau": bureau,
        "demands": scoping.visible(user, Demand).prefetch_related("events")[:200],
        "drafts": selectors.drafts(user),
        "rounds": selectors.rounds(user),
        "peers": scoping.visible(user, PeerPolicy).annotate(clause_count=Count("clauses"))
        if bureau else [],
        "counts": selectors.demand_counts(user) if bureau else None,
        "draft_form": DraftForm(), "peer_form": PeerForm(),
        "review_form": ReviewForm(drafts=selectors.drafts(user))})


@login_required
def new_demand(request: HttpRequest) -> HttpResponse:
    form = DemandForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_submit_demand(request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Your demand was received."))
            return redirect("cocreation:hub")
    return render(request, "cocreation/demand_form.html", {"form": form})


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A demand's attachment, to its submitter and the bureau only."""
    demand = get_object_or_404(scoping.visible(request.user, Demand), pk=pk)
    if not demand.attachment:
        raise Http404
    return attachment_response(demand.attachment)


def public_demands(request: HttpRequest) -> HttpResponse:
    return render(request, "cocreation/public_demands.html",
                  {"themes": selectors.public_demands()})


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    demand = get_object_or_404(scoping.visible(request.user, Demand), pk=pk)
    form = ReviewForm(request.POST, drafts=selectors.drafts(request.user))
    if form.is_valid():
        data = form.cleaned_data
        clause = merged = None
        if data["clause"]:
            draft_id, _slash, key = data["clause"].partition("/")
            draft = get_object_or_404(selectors.drafts(request.user), policy_id=draft_id)
            clause = DraftClause.objects.filter(version=draft.latest(), key=key).first()
        if data["merged_into"]:
            merged = scoping.visible(request.user, Demand).filter(
                pk=data["merged_into"]).first()
        try:
            actions.do_review_demand(request.user, demand, data["status"], data["reason"],
                                     merged_into=merged, clause=clause)
        except ValidationError as error:
            show_errors(request, error)
    return redirect("cocreation:hub")


@login_required
@require_POST
def analyse(request: HttpRequest) -> HttpResponse:
    count = actions.do_analyse_demands(request.user)
    messages.success(request, _("Demands grouped into %(count)s themes.") % {"count": count})
    return redirect("cocreation:hub")


@login_required
@require_POST
def create_draft(request: HttpRequest) -> HttpResponse:
    form = DraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the draft's title and id."))
        return redirect("cocreation:hub")
    data = form.cleaned_data
    author = None
    if data["author"]:
        author = get_user_model().objects.filter(username=data["author"]).first()
        if author is None:
            messages.error(request, _("No user named %(name)s.") % {"name": data["author"]})
            return redirect("cocreation:hub")
    try:
        draft = actions.do_create_draft(request.user, title=data["title"],
                                        policy_id=data["policy_id"], issuer=data["issuer"],
                                        author=author)
    except ValidationError as error:
        show_errors(request, error)
        return redirect("cocreation:hub")
    return redirect("cocreation:draft", draft.pk)


def _draft(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.drafts(request.user), pk=pk)


def draft_page(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    version = draft.latest()
    editable = actions.may_edit_draft(request.user, draft)
    bureau = scoping.is_bureau(request.user)
    clauses = list(version.clauses.prefetch_related("answers")) if version else []
    formset = ClauseFormSet(initial=[{field: getattr(clause, field)
                                      for field in actions.CLAUSE_FIELDS}
                                     for clause in clauses]) if editable else None
    return render(request, "cocreation/draft.html", {
        "draft": draft, "version": version, "clauses": clauses, "editable": editable,
        "bureau": bureau, "formset": formset,
        "coverage": [(CHAINS[chain], sides) for chain, sides in actions.coverage(version).items()],
        "versions": draft.versions.all(), "rounds": selectors.rounds(request.user).filter(
            draft=draft), "round_form": RoundForm(),
        "peers": selectors.peer_comparison(version) if bureau and version else None})


@login_required
@require_POST
def save_version(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    formset = ClauseFormSet(request.POST)
    if not formset.is_valid():
        for form_errors in formset.errors:
            for field, errors in form_errors.items():
                messages.error(request, f"{field}: {' '.join(errors)}")
        return redirect("cocreation:draft", draft.pk)
    clauses = [form.cleaned_data for form in formset.forms
               if form.cleaned_data and not form.cleaned_data.get("DELETE")]
    try:
        actions.do_save_version(request.user, draft, clauses, request.POST.get("note", ""))
    except ValidationError as error:
        show_errors(request, error)
    return redirect("cocreation:draft", draft.pk)


def diff(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    versions = {version.number: version for version in draft.versions.all()}
    try:
        old, new = (versions[int(request.GET.get(name, default))] for name, default in
                    (("from", max(1, len(versions) - 1)), ("to", len(versions))))
    except (KeyError, ValueError):
        raise Http404 from None

    return render(request, "cocreation/diff.html", {
        "draft": draft, "old": old, "new": new, "versions": versions.values(),
        "changes": [(change, reports.CHANGE_LABELS[change.status]) for change in version_diff(
            reports.clause_texts(old), reports.clause_texts(new))]})


@login_required
@require_POST
def open_round(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the round's kind and dates."))
        return redirect("cocreation:draft", draft.pk)
    data = form.cleaned_data
    names = [name.strip() for name in data["invited"].split() if name.strip()]
    invited = list(get_user_model().objects.filter(username__in=names))
    try:
        consultation = actions.do_open_round(
            request.user, draft, kind=data["kind"], opens=data["opens"],
            closes=data["closes"], public=data["public"], invited=invited)
    except ValidationError as error:
        show_errors(request, error)
        return redirect("cocreation:draft", draft.pk)
    return redirect("cocreation:round", consultation.pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    try:
        document = actions.do_publish_draft(request.user, draft)
    except ValidationError as error:
        show_errors(request, error)
        return redirect("cocreation:draft", draft.pk)
    return redirect("policies:policy", document.policy_id)


def _round(request: HttpRequest, pk: int) -> Round:
    return get_object_or_404(selectors.rounds(request.user), pk=pk)


def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_round(request, _round(request, pk))


def _render_round(request: HttpRequest, consultation, unsaved: dict | None = None,
                  status: int = 200) -> HttpResponse:
    """The round's clauses with their comments; ``unsaved`` is a comment that could not be
    recorded, shown again in its clause's form with the reason, so nothing typed is lost."""
    items = list(selectors.comments(request.user, consultation))
    by_clause: dict[int, list] = {}
    for comment in items:
        by_clause.setdefault(comment.clause_id, []).append(comment)
    clauses = [{"clause": clause, "comments": by_clause.get(clause.pk, [])}
               for clause in consultation.version.clauses.all()]
    return render(request, "cocreation/round.html", {
        "round": consultation, "clauses": clauses, "bureau": scoping.is_bureau(request.user),
        "may_comment": actions.may_comment(request.user, consultation),
        "answer_form": AnswerForm(), "waiting": sum(1 for item in items if not item.decision),
        "user_id": getattr(request.user, "pk", None), "unsaved": unsaved or {}},
        status=status)


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _round(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A comment may be at most 10,000 characters."))
        return redirect("cocreation:round", consultation.pk)
    clause = get_object_or_404(consultation.version.clauses, pk=form.cleaned_data["clause"])
    quote = form.cleaned_data["quote"].strip()
    start = clause.text.find(quote) if quote else -1
    if quote and start < 0:
        return _render_round(request, consultation, {
            "clause": clause.pk, "text": form.cleaned_data["text"], "quote": quote,
            "error": _("The passage was not found in the clause: copy it exactly from the "
                       "clause above, or leave it empty. Your comment is kept below.")},
            status=422)
    span = (start, start + len(quote)) if quote else None
    try:
        actions.do_comment(request.user, consultation, clause, form.cleaned_data["text"], span)
    except ValidationError as error:
        return _render_round(request, consultation, {
            "clause": clause.pk, "text": form.cleaned_data["text"], "quote": quote,
            "error": " ".join(error.messages)}, status=422)
    messages.success(request, _("Your comment was recorded."))
    return redirect("cocreation:round", consultation.pk)


@login_required
@require_POST
def edit_comment(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    consultation = _round(request, pk)
    item = get_object_or_404(selectors.comments(request.user, consultation), pk=comment_pk)
    try:
        actions.do_edit_comment(request.user, item, request.POST.get("text", ""))
    except ValidationError as error:
        show_errors(request, error)
    return redirect("cocreation:round", consultation.pk)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    consultation = _round(request, pk)
    item = get_object_or_404(selectors.comments(request.user, consultation), pk=comment_pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.do_answer(request.user, item, **form.cleaned_data)
        except ValidationError as error:
            show_errors(request, error)
    else:
        messages.error(request, _("An answer needs a decision and a reason."))
    return redirect("cocreation:round", consultation.pk)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _round(request, pk)
    try:
        actions.do_close_round(request.user, consultation)
    except ValidationError as error:
        show_errors(request, error)
    return redirect("cocreation:round", consultation.pk)


def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """The public answer to a closed round: every comment, its answer and the reason."""
    consultation = _round(request, pk)
    if consultation.status != Round.Status.CLOSED:
        raise Http404
    return render(request, "cocreation/feedback.html", {
        "round": consultation,
        "rows": [comment for _theme, comment in reports.comments_by_theme(request.user,
                                                                        consultation)]})


@login_required
def export(request: HttpRequest, pk: int, file_format: str) -> FileResponse:
    consultation = _round(request, pk)
    if not scoping.is_bureau(request.user):
        raise PermissionDenied(_("Only the bureau exports consultation reports."))
    writers = {"xlsx": reports.write_workbook, "docx": reports.write_report}
    if file_format not in writers:
        raise Http404
    return file_response(
        lambda target: writers[file_format](target, request.user, consultation),
        f"consultation-{consultation.pk}.{file_format}")


@login_required
@require_POST
def import_peer(request: HttpRequest) -> HttpResponse:
    form = PeerForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Give the city, the title and the text or a file."))
        return redirect("cocreation:hub")
    data = form.cleaned_data
    text = data["text"]
    upload = data.get("upload")
    if upload is not None:
        if upload.name.lower().endswith(".docx"):
            text = docx_text(upload)
        else:  # plain text from a Chinese office is often GBK
            raw = upload.read()
            text = raw.decode(detect_encoding(raw), errors="replace")
    try:
        policy = actions.do_import_peer_policy(request.user, city=data["city"],
                                               title=data["title"], text=text)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("%(count)s clauses imported.")
                         % {"count": policy.clauses.count()})
    return redirect("cocreation:hub")
