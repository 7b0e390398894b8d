"""Reward pools: a fund split by score share or by rank tiers, with per-entity caps."""

from __future__ import annotations

import numpy as np

from acupoint.engine.spec import Consequence


def split_by_share(scores: np.ndarray, pool: float, cap: float | None = None) -> np.ndarray:
    """Pool × score share; what a cap cuts off goes to the uncapped, again by share.

    Ends when nothing is left over or everyone is at the cap (then the rest stays unspent).
    """
    scores = np.where(np.isfinite(scores) & (scores > 0), scores, 0.0)
    amounts = np.zeros(len(scores))
    open_ = scores > 0
    remaining = pool
    while remaining > 1e-9 and open_.any():
        share = np.where(open_, scores, 0.0)
        offer = remaining * share / share.sum()
        if cap is None:
            return amounts + offer
        room = cap - amounts
        grant = np.minimum(offer, room)
        amounts += grant
        remaining -= grant.sum()
        open_ &= amounts < cap - 1e-9
    return amounts


def split_by_tiers(ranks: np.ndarray, consequence: Consequence) -> np.ndarray:
    """Ranks 1..top of the first tier get its amount, the next ranks the next tier's, and so
    on; if the tiers promise more than the pool, every amount is scaled down alike."""
    amounts = np.zeros(len(ranks))
    lower = 0
    for tier in sorted(consequence.tiers, key=lambda item: item.top):
        hit = (ranks > lower) & (ranks <= tier.top)
        amounts[hit] = tier.amount
        lower = tier.top
    if consequence.cap is not None:
        amounts = np.minimum(amounts, consequence.cap)
    if consequence.pool is not None and amounts.sum() > consequence.pool:
        amounts *= consequence.pool / amounts.sum()
    return amounts


def allocate(consequence: Consequence, scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Amounts per entity (0 for the ineligible); ranks count among the eligible only."""
    amounts = np.zeros(len(scores))
    picks = np.flatnonzero(eligible & np.isfinite(scores))
    if not len(picks):
        return amounts
    if consequence.split == "score_share":
        amounts[picks] = split_by_share(scores[picks], consequence.pool or 0.0, consequence.cap)
    else:
        order = np.argsort(-scores[picks], kind="stable")
        ranks = np.empty(len(picks))
        ranks[order] = np.arange(1, len(picks) + 1)
        amounts[picks] = split_by_tiers(ranks, consequence)
    return amounts
