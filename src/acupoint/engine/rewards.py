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
        # The share first: remaining × score / total loses the share when scores are tiny
        # (subnormal), e.g. 1.5 × 5e-324 / 5e-324 = 2.
        offer = remaining * (share / share.sum())
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


def in_units(amounts: np.ndarray, decimals: int) -> np.ndarray:
    """Amounts rounded to ``decimals`` so that they still add up to their rounded total.

    Each amount is cut down to the unit, then the units the cutting lost go one each to the
    largest remainders (the largest-remainder method), so a fund split in 万元 to the cent of
    a 万元 is paid out to the last unit: no share is more than one unit from its exact value.
    """
    scale = 10 ** decimals
    exact = np.asarray(amounts, float) * scale
    floors = np.floor(exact + 1e-9)
    short = int(round(round(exact.sum()) - floors.sum()))
    if short > 0:
        order = np.argsort(-(exact - floors), kind="stable")[:short]
        floors[order] += 1
    return floors / scale


def allocate(consequence: Consequence, scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Amounts per entity (0 for the ineligible); ranks count among the eligible only.

    Amounts come in whole units of ``decimals`` and add up exactly to what is paid out."""
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
    return in_units(amounts, consequence.decimals)
