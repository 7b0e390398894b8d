"""Every change co-creation makes, checked and recorded in the audit log.

Limits keep a consultation usable: a comment is between 1 and 10,000 characters, the same
account cannot post the same text twice within ten minutes nor more than 30 comments an hour,
and identical or near-identical comments from many accounts are grouped as they arrive (a
campaign) and answered once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from acupoint.accounts import scoping
from acupoint.accounts.audit import record
from acupoint.accounts.models import User
from acupoint.accounts.roles import Role
from acupoint.cocreation.models import (
    TEXT_LENGTH,
    TITLE_LENGTH,
    Comment,
    CommentRevision,
    Demand,
    DemandEvent,
    Draft,
    DraftClause,
    DraftVersion,
    PeerClause,
    PeerPolicy,
    Round,
)
from acupoint.notices import sending
from acupoint.notices.models import Kind
from acupoint.policies.actions import do_publish_policy
from acupoint.policies.models import CHAIN_CHOICES, SIDE_CHOICES, PolicyDocument
from acupoint.text.amounts import largest_money
from acupoint.text.dedupe import duplicate_groups, first_similar, signature, text_key
from acupoint.text.numbering import clauses as numbered_clauses

HOURLY_COMMENTS = 30
UNENCODED = "规则待编码"


def _checked_text(value: str, label: str, limit: int = TEXT_LENGTH) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("%(field)s may not be empty.") % {"field": label})
    if len(value) > limit:
        raise ValidationError(
            _("%(field)s may be at most %(limit)s characters; this one has %(length)s.")
            % {"field": label, "limit": f"{limit:,}", "length": f"{len(value):,}"})
    return value


# Demands -------------------------------------------------------------------------------

def do_submit_demand(user, *, title: str, text: str, category: str, chain: str = "",
                     industry: str = "", measure: str = "", attachment=None) -> Demand:
    """An enterprise, investor or association states what it needs."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to submit a demand."))
    demand = Demand(submitter=user, enterprise_id=getattr(user, "enterprise_id", None),
                    title=_checked_text(title, _("Title"), TITLE_LENGTH),
                    text=_checked_text(text, _("Text")), category=category, chain=chain,
                    industry=industry.strip(), measure=measure.strip()[:200])
    if attachment is not None:
        demand.attachment = attachment
    demand.full_clean(exclude=["attachment"])
    with transaction.atomic():
        demand.save()
        DemandEvent.objects.create(demand=demand, status=demand.status, actor=user)
        record(user, "cocreation.demand.submit", demand)
    return demand


def do_review_demand(user, demand: Demand, status: str, reason: str = "",
                     merged_into: Demand | None = None,
                     clause: DraftClause | None = None) -> Demand:
    """The bureau moves a demand on; the submitter sees every step."""
    scoping.require_bureau(user, _("Only the bureau reviews demands."))
    if status not in Demand.Status.values:
        raise ValidationError(_("Unknown status."))
    if status == Demand.Status.DECLINED and not reason.strip():
        raise ValidationError(_("A declined demand needs a reason."))
    if status == Demand.Status.MERGED and (merged_into is None or merged_into.pk == demand.pk):
        raise ValidationError(_("Say which other demand this one merges with."))
    if status == Demand.Status.ADOPTED and clause is None:
        raise ValidationError(_("Say which draft clause adopts this demand."))
    before = {"status": demand.status}
    with transaction.atomic():
        demand.status, demand.reason = status, reason.strip()
        demand.merged_into = merged_into if status == Demand.Status.MERGED else None
        # Only what the review changes: the instance may predate the theme analysis.
        demand.save(update_fields=["status", "reason", "merged_into", "updated_at"])
        if clause is not None:
            clause.answers.add(demand)
        note = reason.strip() or (str(clause) if clause is not None else "")
        DemandEvent.objects.create(demand=demand, status=status, note=note, actor=user)
        record(user, "cocreation.demand.review", demand, before=before,
               after={"status": status})
    return demand


def do_analyse_demands(user) -> int:
    """Group the demands into themes and mark near-duplicates (the bureau's analysis)."""
    from acupoint.text.themes import themes

    scoping.require_bureau(user, _("Only the bureau analyses demands."))
    demands = list(Demand.objects.order_by("pk"))
    if not demands:
        return 0
    texts = [f"{demand.title}。{demand.text}" for demand in demands]
    groups = duplicate_groups(texts)
    found = themes(texts)
    with transaction.atomic():
        for position, (demand, group, theme) in enumerate(
                zip(demands, groups, found.labels, strict=True)):
            demand.duplicate_of = None if group == position else demands[group]
            demand.theme = None if theme < 0 else theme
            demand.theme_terms = found.terms[theme] if theme >= 0 else []
        Demand.objects.bulk_update(demands, ["duplicate_of", "theme", "theme_terms"])
        record(user, "cocreation.demand.analyse", after={"demands": len(demands),
                                                        "themes": len(found.terms)})
    return len(found.terms)


# Peer policies ---------------------------------------------------------------------------

def do_import_peer_policy(user, *, city: str, title: str, text: str, issuer: str = "",
                          year: int | None = None, source: str = "") -> PeerPolicy:
    """A peer city's policy, split into its numbered clauses with their amounts."""
    scoping.require_bureau(user, _("Only the bureau imports peer policies."))
    text = _checked_text(text, _("Text"), 500_000)
    parts = numbered_clauses(text)
    if not parts:
        raise ValidationError(_("No numbered clause (第一条, 一、, （一）, 1.) was found in the "
                                "text."))
    with transaction.atomic():
        policy = PeerPolicy.objects.create(
            city=_checked_text(city, _("City"), 40), title=_checked_text(title, _("Title"), 200),
            issuer=issuer, year=year, source=source, text=text, imported_by=user)
        PeerClause.objects.bulk_create(
            PeerClause(policy=policy, position=position, label=part.label[:60],
                       heading=part.heading[:200], text=part.text,
                       amount=largest_money(part.text))
            for position, part in enumerate(parts))
        record(user, "cocreation.peer.import", policy, after={"clauses": len(parts)})
    return policy


# Drafts ----------------------------------------------------------------------------------

def do_create_draft(user, *, title: str, policy_id: str, issuer: str,
                    author=None) -> Draft:
    """A new draft; an enterprise or association user may be invited to write it."""
    scoping.require_bureau(user, _("Only the bureau starts a draft."))
    if author is not None and author.role not in (Role.ENTERPRISE_USER, Role.PARTICIPANT):
        raise ValidationError(_("Only an enterprise or association user can be invited to "
                                "write a draft."))
    if PolicyDocument.objects.filter(policy_id=policy_id).exists():
        raise ValidationError(_("A published policy already has the id '%(id)s'; choose "
                                "another.") % {"id": policy_id})
    draft = Draft(title=_checked_text(title, _("Title"), 200), policy_id=policy_id,
                  issuer=issuer, author=author, created_by=user)
    draft.full_clean()
    with transaction.atomic():
        draft.save()
        DraftVersion.objects.create(draft=draft, number=1, note=_("empty draft"),
                                    created_by=user)
        record(user, "cocreation.draft.create", draft,
               after={"author": getattr(author, "username", None)})
    return draft


def may_edit_draft(user, draft: Draft) -> bool:
    if draft.status == Draft.Status.PUBLISHED:
        return False
    return scoping.is_bureau(user) or (draft.author_id is not None
                                       and draft.author_id == getattr(user, "pk", None))


CLAUSE_FIELDS = ("key", "article", "title", "text", "chain", "side", "support")


def do_save_version(user, draft: Draft, clauses: Sequence[dict[str, Any]],
                    note: str = "") -> DraftVersion:
    """A new version with these clauses; a clause keeps its key (and the demands it answers)
    from one version to the next."""
    if not may_edit_draft(user, draft):
        raise PermissionDenied(_("You may not edit this draft."))
    keys = [str(item.get("key", "")).strip() for item in clauses]
    if len(set(keys)) != len(keys):
        raise ValidationError(_("Two clauses share the id '%(key)s'.")
                              % {"key": next(key for key in keys if keys.count(key) > 1)})
    previous = draft.latest()
    answered = {clause.key: list(clause.answers.all())
                for clause in previous.clauses.all()} if previous else {}
    with transaction.atomic():
        version = DraftVersion.objects.create(
            draft=draft, number=(previous.number + 1) if previous else 1,
            note=note.strip()[:300], created_by=user)
        for position, item in enumerate(clauses):
            clause = DraftClause(version=version, position=position,
                                 **{field: str(item.get(field, "")).strip()
                                    for field in CLAUSE_FIELDS})
            clause.support = clause.support or "other"
            clause.text = _checked_text(clause.text, _("Clause text"))
            try:
                clause.full_clean(exclude=["version"])
            except ValidationError as error:
                raise ValidationError(_("Clause %(number)s: %(problem)s") % {
                    "number": position + 1, "problem": "; ".join(error.messages)}) from None
            clause.save()
            clause.answers.set(answered.get(clause.key, []))
        record(user, "cocreation.draft.version", version, after={"clauses": len(clauses)})
    return version


def coverage(version: DraftVersion) -> dict[str, dict[str, int]]:
    """Clauses per chain link and side: the gaps of the draft's industry chain."""
    matrix = {chain: {side: 0 for side, _label in SIDE_CHOICES}
              for chain, _label in CHAIN_CHOICES}
    for clause in version.clauses.all():
        matrix[clause.chain][clause.side] += 1
    return matrix


# Consultation rounds ---------------------------------------------------------------------

def do_open_round(user, draft: Draft, *, kind: str, opens: dt.date, closes: dt.date,
                  public: bool, invited: Iterable = ()) -> Round:
    scoping.require_bureau(user, _("Only the bureau runs consultation rounds."))
    version = draft.latest()
    if version is None or not version.clauses.exists():
        raise ValidationError(_("The draft has no clause to consult on."))
    if closes < opens:
        raise ValidationError(_("A round cannot close before it opens."))
    invited = list(invited)
    if not public and not invited:
        raise ValidationError(_("Invite participants or open the round to the public."))
    with transaction.atomic():
        consultation = Round.objects.create(draft=draft, version=version, kind=kind,
                                            opens=opens, closes=closes, public=public)
        consultation.invited.set(invited)
        draft.status = Draft.Status.CONSULTING
        draft.save(update_fields=["status"])
        record(user, "cocreation.round.open", consultation,
               after={"kind": kind, "public": public, "invited": len(invited)})
    return consultation


def may_comment(user, consultation: Round) -> bool:
    if not getattr(user, "is_authenticated", False) or consultation.status != Round.Status.OPEN:
        return False
    return consultation.public or consultation.invited.filter(pk=user.pk).exists()


def _within_limits(user, consultation: Round, key: str) -> None:
    """Checked with the author's row locked, so that comments sent at once are counted one
    after the other (the database's constraint holds the text once a round in any case)."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    if Comment.objects.filter(round=consultation, author=user, text_key=key).exists():
        raise _already_sent()
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    if Comment.objects.filter(author=user, created_at__gte=hour_ago).count() >= HOURLY_COMMENTS:
        raise ValidationError(_("At most %(count)s comments an hour; please try again later.")
                              % {"count": HOURLY_COMMENTS})


def _already_sent() -> ValidationError:
    return ValidationError(_("You have already sent this comment in this round; it is "
                             "recorded once."))


def _group_of(comment: Comment) -> int | None:
    """The earliest comment of the round that starts a group this one's text belongs to
    (identical, or near-identical by MinHash): each comment is compared with every group at
    once, so a campaign of thousands costs one comparison per comment."""
    leaders = (Comment.objects.filter(round=comment.round_id, group__isnull=True)
               .exclude(pk=comment.pk).order_by("pk").values_list("pk", "signature"))
    return first_similar(comment.text, [(pk, bytes(signature)) for pk, signature in leaders])


def do_comment(user, consultation: Round, clause: DraftClause, text: str,
               span: tuple[int, int] | None = None) -> Comment:
    """A comment on a clause (or a span of its text) of the version under consultation."""
    if not may_comment(user, consultation):
        raise PermissionDenied(_("This round is not open to you for comments."))
    if clause.version_id != consultation.version_id:
        raise ValidationError(_("Comment on the version under consultation."))
    text = _checked_text(text, _("Comment"))
    if span is not None:
        start, end = span
        if not 0 <= start < end <= len(clause.text):
            raise ValidationError(_("The marked passage is not in the clause."))
    key = text_key(text)
    with transaction.atomic():
        _within_limits(user, consultation, key)
        comment = Comment(
            round=consultation, clause=clause, author=user, text=text, text_key=key,
            signature=signature(text),
            span_start=span[0] if span else None, span_end=span[1] if span else None)
        comment.group_id = _group_of(comment)
        try:
            with transaction.atomic():
                comment.save()
        except IntegrityError:
            raise _already_sent() from None
        record(user, "cocreation.comment", comment)
    comment.refresh_from_db()
    return comment


def do_edit_comment(user, comment: Comment, text: str) -> Comment:
    """Its author rewords a comment while the round is open; the old wording is kept."""
    if comment.author_id != getattr(user, "pk", None):
        raise PermissionDenied(_("Only its author may edit a comment."))
    if not Round.objects.filter(pk=comment.round_id, status=Round.Status.OPEN).exists():
        raise ValidationError(_("The round is closed; comments can no longer change."))
    text = _checked_text(text, _("Comment"))
    with transaction.atomic():
        CommentRevision.objects.create(comment=comment, text=comment.text)
        comment.text, comment.signature = text, signature(text)
        comment.text_key = text_key(text)
        if comment.group_id is not None or not comment.members.exists():
            # A member (or a comment alone) joins the group its new words belong to; a
            # group's first comment keeps the comments that joined it.
            comment.group_id = _group_of(comment)
        try:
            with transaction.atomic():
                comment.save(update_fields=["text", "signature", "text_key", "group",
                                            "updated_at"])
        except IntegrityError:
            raise _already_sent() from None
        record(user, "cocreation.comment.edit", comment)
    return comment


def do_answer(user, comment: Comment, decision: str, reason: str) -> int:
    """The official answer to a comment and to every comment of its group; how many."""
    scoping.require_bureau(user, _("Only the bureau answers comments."))
    if decision not in Comment.Decision.values:
        raise ValidationError(_("Answer 采纳, 部分采纳 or 不采纳."))
    reason = _checked_text(reason, _("Reason"))
    leader = comment.group or comment
    group = Comment.objects.filter(pk=leader.pk) | leader.members.all()
    with transaction.atomic():
        count = group.update(decision=decision, reason=reason, answered_by=user,
                             answered_at=timezone.now())
        record(user, "cocreation.comment.answer", leader,
               after={"decision": decision, "comments": count})
        sending.send(set(group.values_list("author_id", flat=True)), sending.Message(
            Kind.COMMENT_ANSWERED, reverse("cocreation:round", args=[leader.round_id]),
            {"draft": leader.round.draft.title}, key=f"comment:{leader.pk}:{decision}"))
    return count


def do_close_round(user, consultation: Round) -> Round:
    """Closing needs an answer to every comment."""
    scoping.require_bureau(user, _("Only the bureau runs consultation rounds."))
    waiting = consultation.comments.filter(decision="").count()
    if waiting:
        raise ValidationError(_("%(count)s comments have no answer yet; answer every comment "
                                "before closing the round.") % {"count": waiting})
    with transaction.atomic():
        consultation.status, consultation.closed_at = Round.Status.CLOSED, timezone.now()
        consultation.save(update_fields=["status", "closed_at"])
        record(user, "cocreation.round.close", consultation,
               after={"comments": consultation.comments.count()})
    return consultation


# Publication -----------------------------------------------------------------------------

def policy_text(draft: Draft, version: DraftVersion, day: dt.date) -> str:
    """The draft as a policy file: every clause with its text, chain link and side, and one
    condition that no enterprise meets until the bureau encodes the clause's rules."""
    document = {
        "policy": {"id": draft.policy_id, "title": draft.title, "issuer": draft.issuer,
                   "level": "city", "published": day.isoformat(),
                   "source": _("%(issuer)s, published %(day)s after consultation on this "
                               "platform") % {"issuer": draft.issuer, "day": day.isoformat()},
                   "summary": _("Co-created draft, published; rules to be encoded.")},
        "clauses": [{
            "id": clause.key, "article": clause.article, "title": clause.title,
            "chain": clause.chain, "side": clause.side, "support": clause.support,
            "conditions": [{"when": "False", "label": UNENCODED}],
            "benefit": {"text": clause.title}, "text": clause.text}
            for clause in version.clauses.all()],
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def do_publish_draft(user, draft: Draft, day: dt.date | None = None) -> PolicyDocument:
    """The latest version goes into the policy calculator; demands answered are adopted."""
    scoping.require_bureau(user, _("Only the bureau publishes policies."))
    if draft.rounds.filter(status=Round.Status.OPEN).exists():
        raise ValidationError(_("Close every consultation round before publishing."))
    version = draft.latest()
    if version is None or not version.clauses.exists():
        raise ValidationError(_("The draft has no clause to publish."))
    if PolicyDocument.objects.filter(policy_id=draft.policy_id).exclude(
            pk=draft.document_id).exists():
        raise ValidationError(_("A published policy already has the id '%(id)s'; choose "
                                "another.") % {"id": draft.policy_id})
    day = day or timezone.localdate()
    with transaction.atomic():
        document = do_publish_policy(user, policy_text(draft, version, day),
                                     f"{draft.policy_id}.yaml", rematch=False)
        draft.document, draft.status = document, Draft.Status.PUBLISHED
        draft.save(update_fields=["document", "status"])
        for clause in version.clauses.prefetch_related("answers"):
            for demand in clause.answers.exclude(status=Demand.Status.ADOPTED):
                demand.status = Demand.Status.ADOPTED
                demand.save(update_fields=["status", "updated_at"])
                DemandEvent.objects.create(
                    demand=demand, status=demand.status, actor=user,
                    note=_("Published in %(title)s, %(article)s") % {
                        "title": draft.title, "article": clause.article})
        record(user, "cocreation.draft.publish", draft, after={"policy": document.policy_id})
    return document
