"""A notice in the reader's words: each kind's sentence, filled from the notice's params when
it is shown (so a user who switches language reads every notice in the new language)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from acupoint.notices.models import Kind, Notice


def _new_match(params: dict) -> str:
    count = params["count"]
    text = ngettext("%(count)s new policy clause you qualify for",
                    "%(count)s new policy clauses you qualify for", count) % {"count": count}
    if params.get("amount"):
        text += _(", estimated %(amount)s in all") % {"amount": params["amount"]}
    return text


def _appeal_decided(params: dict) -> str:
    from acupoint.triage.actions import appeal_fields

    values = {"figure": appeal_fields().get(params["field"], params["field"]),
              "year": params["year"]}
    if params["accepted"]:
        return _("Your appeal on %(figure)s (%(year)s) was accepted: the figure is corrected "
                 "and the evaluation computed again.") % values
    return _("Your appeal on %(figure)s (%(year)s) was not accepted: read the bureau's "
             "answer.") % values


def _application_decided(params: dict) -> str:
    values = {"clause": params["clause"], "amount": params.get("amount") or "—"}
    return {
        "approved": _("Your application for %(clause)s was approved: %(amount)s."),
        "paid": _("%(amount)s for %(clause)s has been paid."),
        "rejected": _("Your application for %(clause)s was not approved: read the note."),
    }[params["status"]] % values


def _comment_answered(params: dict) -> str:
    return _("The bureau answered your comment on %(draft)s.") % params


def _escalation(params: dict) -> str:
    from acupoint.engine.process import NAMES

    return _("%(project)s: %(stage)s has waited %(waited)s working days, over the limit of "
             "%(limit)s.") % {**params, "stage": NAMES.get(params["stage"], params["stage"])}


def _task_due(params: dict) -> str:
    if params.get("overdue"):
        return _("Overdue since %(deadline)s: %(task)s") % params
    return _("Due on %(deadline)s: %(task)s") % params


SENTENCES: dict[str, Callable[[dict], str]] = {
    Kind.NEW_MATCH: _new_match,
    Kind.APPEAL_DECIDED: _appeal_decided,
    Kind.APPLICATION_DECIDED: _application_decided,
    Kind.COMMENT_ANSWERED: _comment_answered,
    Kind.ESCALATION: _escalation,
    Kind.TASK_DUE: _task_due,
}


def sentence(notice: Notice) -> str:
    return SENTENCES[notice.kind](notice.params)
