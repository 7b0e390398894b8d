"""The consultation report in Word and Excel: every comment with its clause, its answer and
the reason, grouped by theme, as the bureau files it (征求意见采纳情况说明)."""

from __future__ import annotations

from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from acupoint.cocreation import selectors
from acupoint.cocreation.models import Comment, Round
from acupoint.registry.exporting import ExportTable, write_xlsx
from acupoint.site import rendering
from acupoint.text.diff import ADDED, CHANGED, REMOVED, SAME, version_diff

CHANGE_LABELS = {ADDED: gettext_lazy("added"), REMOVED: gettext_lazy("removed"),
                 CHANGED: gettext_lazy("changed"), SAME: gettext_lazy("unchanged")}


def comments_by_theme(user, consultation: Round) -> list[tuple[str, Comment]]:
    items = list(selectors.comments(user, consultation))
    terms = selectors.comment_themes(items)
    rows = [("、".join(terms.get(comment.pk, [])[:3]) or _("(no theme)"), comment)
            for comment in items]
    return sorted(rows, key=lambda row: (row[0], row[1].clause.position, row[1].pk))


def _author(comment: Comment) -> str:
    user = comment.author
    return user.organisation or (user.enterprise.name if user.enterprise_id else user.username)


def write_workbook(target: IO[bytes], user, consultation: Round) -> None:
    headers = [_("Theme"), _("Article"), _("Clause"), _("Passage"), _("Comment"), _("By"),
               _("Group"), _("Answer"), _("Reason")]
    rows = [(theme, comment.clause.article, comment.clause.title, comment.quote, comment.text,
             _author(comment), comment.group_id or comment.pk, comment.get_decision_display(),
             comment.reason) for theme, comment in comments_by_theme(user, consultation)]
    write_xlsx(target, {_("Comments"): ExportTable(headers, [], iter(rows))})


def write_report(target: IO[bytes], user, consultation: Round) -> None:
    document = rendering.word_document()
    document.add_heading(_("Consultation report: %(title)s") % {"title": consultation.draft},
                         level=0)
    document.add_paragraph(_("%(kind)s, %(opens)s to %(closes)s, on version %(version)s.") % {
        "kind": consultation.get_kind_display(), "opens": consultation.opens,
        "closes": consultation.closes, "version": consultation.version.number})
    rows = comments_by_theme(user, consultation)
    decisions = {value: sum(1 for _theme, comment in rows if comment.decision == value)
                 for value in Comment.Decision.values}
    document.add_paragraph(_("%(total)s comments: %(adopted)s adopted, %(partly)s partly "
                             "adopted, %(rejected)s not adopted.") % {
        "total": len(rows), **decisions})
    current = None
    for theme, comment in rows:
        if theme != current:
            document.add_heading(theme, level=1)
            current = theme
        document.add_heading(f"{comment.clause.article} {comment.clause.title}", level=3)
        if comment.quote:
            document.add_paragraph(_("Passage: %(quote)s") % {"quote": comment.quote})
        document.add_paragraph(f"{_author(comment)}：{comment.text}")
        answer = document.add_paragraph()
        answer.add_run(f"{comment.get_decision_display() or _('not answered')}").bold = True
        answer.add_run(f"　{comment.reason}")
    _changes(document, consultation)
    document.save(target)


def _changes(document, consultation: Round) -> None:
    """What changed from the version consulted on to the latest one, clause by clause, with
    deletions struck through and insertions underlined."""
    latest = consultation.draft.latest()
    if latest is None or latest.pk == consultation.version_id:
        return
    document.add_heading(_("Changes from version %(old)s to version %(new)s") % {
        "old": consultation.version.number, "new": latest.number}, level=1)
    for change in version_diff(clause_texts(consultation.version), clause_texts(latest)):
        if change.status == SAME:
            continue
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{change.key}（{CHANGE_LABELS[change.status]}）：").bold = True
        for piece in change.pieces:
            run = paragraph.add_run(piece.text)
            run.font.strike = piece.op == "delete"
            run.font.underline = piece.op == "insert"


def clause_texts(version) -> dict[str, str]:
    return {clause.key: f"{clause.article} {clause.title}\n{clause.text}"
            for clause in version.clauses.all()}
