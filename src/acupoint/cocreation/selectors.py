"""What the co-creation pages read, always through the role scoping."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import QuerySet

from acupoint.accounts import scoping
from acupoint.cocreation.models import (
    Comment,
    Demand,
    Draft,
    DraftVersion,
    PeerClause,
    Round,
)
from acupoint.policies.models import CHAIN_CHOICES, PolicyDocument
from acupoint.registry import industry
from acupoint.text.align import Aligner, Text
from acupoint.text.amounts import largest_money
from acupoint.text.themes import themes


def drafts(user) -> QuerySet[Draft]:
    return scoping.visible(user, Draft)


def rounds(user) -> QuerySet[Round]:
    return scoping.visible(user, Round).select_related("draft", "version")


def open_rounds(user) -> QuerySet[Round]:
    """The consultations the user may take part in now."""
    return rounds(user).filter(status=Round.Status.OPEN)


def comments(user, consultation: Round) -> QuerySet[Comment]:
    return (scoping.visible(user, Comment).filter(round=consultation)
            .select_related("clause", "author", "author__enterprise", "group")
            .prefetch_related("revisions"))


def public_demands() -> list[dict]:
    """Demands as the public sees them: no submitter, no enterprise, grouped by theme."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for demand in Demand.objects.order_by("theme", "-created_at").values(
            "title", "category", "chain", "status", "theme_terms"):
        demand["status"] = Demand.Status(demand["status"]).label
        grouped["、".join(demand["theme_terms"][:3])].append(demand)
    return [{"theme": theme, "demands": items} for theme, items in grouped.items()]


def demand_counts(user) -> dict[str, list[tuple[str, int]]]:
    """Demands by chain link and by industry division (GB/T 4754), most asked first."""
    chains = dict(CHAIN_CHOICES)
    rows = list(scoping.visible(user, Demand).values_list("chain", "industry"))
    by_chain = Counter(chains.get(chain, "—") for chain, _industry in rows)
    by_industry = Counter(
        f"{code[:2]} {industry.name(code[:2])}" if code else "—" for _chain, code in rows)
    return {"chain": by_chain.most_common(), "industry": by_industry.most_common(12)}


def demands_answered(document: PolicyDocument) -> dict[str, list[str]]:
    """For each clause of a published co-created policy, the titles of the demands it
    answers (政策从企业来、到企业去); titles only, as the public may read them."""
    draft = Draft.objects.filter(document=document).first()
    version = draft.latest() if draft else None
    if version is None:
        return {}
    return {clause.key: [demand.title for demand in clause.answers.all()]
            for clause in version.clauses.prefetch_related("answers")}


def comment_themes(items: list[Comment]) -> dict[int, list[str]]:
    """Each comment's theme terms (the first of a duplicate group speaks for it)."""
    texts = [comment.text for comment in items]
    if not texts:
        return {}
    found = themes(texts)
    return {comment.pk: found.terms[label] if label >= 0 else []
            for comment, label in zip(items, found.labels, strict=True)}


def peer_comparison(version: DraftVersion, limit: int = 200) -> dict:
    """Our clauses against every peer clause: what aligns (with amounts ours vs theirs) and
    what peers offer that the draft lacks."""
    peers = list(PeerClause.objects.select_related("policy"))
    ours = list(version.clauses.all())
    if not peers:
        return {"aligned": [], "lacking": []}
    by_key = {peer.key: peer for peer in peers}
    aligner = Aligner([Text(peer.key, peer.text) for peer in peers])
    draft_texts = [Text(clause.key, clause.text) for clause in ours]
    clause_of = {clause.key: clause for clause in ours}
    aligned = [{"ours": clause_of[item.ours], "theirs": by_key[item.theirs],
                "score": round(item.alignment),
                "our_amount": largest_money(clause_of[item.ours].text),
                "their_amount": by_key[item.theirs].amount}
               for item in aligner.align(draft_texts)][:limit]
    lacking = [by_key[item.key] for item in aligner.unmatched(draft_texts)][:limit]
    return {"aligned": aligned, "lacking": lacking,
            "cities": Counter(peer.policy.city for peer in lacking)}
