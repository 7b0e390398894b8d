"""How much a ranking depends on the analyst's choices: Monte Carlo and Sobol sensitivity.

The evaluation's treated and normalised matrix is materialised once; every draw is then a
matrix product and a sort in NumPy rather than a re-run of the pipeline. Draws come in blocks
so memory stays bounded, and blocks run on a thread pool (NumPy releases the GIL while it
multiplies and sorts).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from acupoint.engine.scorecard import (
    ADJUSTMENT,
    BEFORE_GATES,
    EVALUATED,
    EngineError,
    Evaluation,
    QuotaPlan,
    column,
    quota_count,
)

NORMALISATIONS = ("nominal", "minmax", "zscore", "rank")
AGGREGATIONS = ("arithmetic", "geometric")
BLOCK = 64


@dataclass
class Inputs:
    """The materialised evaluation: one row per scored entity."""

    keys: np.ndarray
    treated: np.ndarray
    nominal: np.ndarray
    directions: np.ndarray
    groups: np.ndarray
    nominal_class: np.ndarray  # the class before gates, as the quota gave it
    final_class: np.ndarray  # the class after gates (vetoes, protections)
    gate_flags: np.ndarray  # entities × gates: whether each gate fired
    nominal_rank: np.ndarray
    adjustment: np.ndarray
    node_weights: dict[str, float]
    paths: list[list[str]]
    nodes: list[str]
    siblings: dict[str, list[str]]


@dataclass
class Uncertainty:
    keys: np.ndarray
    nominal_rank: np.ndarray
    rank_median: np.ndarray
    rank_low: np.ndarray
    rank_high: np.ndarray
    class_kept: np.ndarray | None
    draws: int
    seed: int
    sensitivity: dict[str, dict[str, float]] = field(default_factory=dict)

    def for_entity(self, key: Any) -> dict[str, Any]:
        index = int(np.flatnonzero(self.keys == key)[0])
        result = {"rank": int(self.nominal_rank[index]),
                  "rank_interval_90": [int(self.rank_low[index]), int(self.rank_high[index])],
                  "rank_median": float(self.rank_median[index]), "draws": self.draws}
        if self.class_kept is not None:
            result["probability_class_kept"] = float(self.class_kept[index])
        return result


def materialise(evaluation: Evaluation) -> Inputs:
    spec = evaluation.spec
    hierarchy = evaluation.hierarchy
    table = evaluation.table.filter(evaluation.table[EVALUATED] & evaluation.table.score.notnull())
    if spec.period and table[spec.period].nunique().to_pyarrow().as_py() > 1:
        raise EngineError("uncertainty analysis runs on one period at a time; filter the data "
                          "to one period first")
    codes = list(hierarchy.indicators)
    within = spec.classes.within if spec.classes and spec.classes.method == "quota" else []
    group_key = (ibis_concat(table, within) if within else None)
    columns = [spec.entity, "rank", *[column(c, "treated") for c in codes],
               *[column(c, "norm") for c in codes], *([ADJUSTMENT] if spec.adjustments else [])]
    gates = [f"_gate_{index}" for index in range(len(spec.gates))] if spec.classes else []
    frame = table.select(*columns, *gates, *([BEFORE_GATES, "class"] if spec.classes else []),
                         **({"_group": group_key} if group_key is not None else {})
                         ).order_by(spec.entity).to_pyarrow()
    treated = np.column_stack([frame[column(c, "treated")].to_numpy(zero_copy_only=False)
                               .astype(float) for c in codes])
    nominal = np.column_stack([frame[column(c, "norm")].to_numpy(zero_copy_only=False)
                               .astype(float) for c in codes])
    groups = (np.unique(frame["_group"].to_numpy(zero_copy_only=False), return_inverse=True)[1]
              if group_key is not None else np.zeros(len(frame), int))
    classes = (frame[BEFORE_GATES].to_numpy(zero_copy_only=False).astype(str) if spec.classes
               else np.array([], str))
    final = (frame["class"].to_numpy(zero_copy_only=False).astype(str) if spec.classes
             else np.array([], str))
    flags = (np.column_stack([frame[name].to_numpy(zero_copy_only=False).astype(bool)
                              for name in gates]) if gates
             else np.zeros((len(frame), 0), bool))
    nodes = [code for code in hierarchy.node_weights]
    return Inputs(
        keys=frame[spec.entity].to_numpy(zero_copy_only=False), treated=treated,
        nominal=nominal,
        directions=np.array([hierarchy.indicators[c].direction for c in codes], float),
        groups=groups.astype(np.int64), nominal_class=classes, final_class=final,
        gate_flags=flags,
        nominal_rank=frame["rank"].to_numpy(zero_copy_only=False).astype(np.int64),
        adjustment=(frame[ADJUSTMENT].to_numpy(zero_copy_only=False).astype(float)
                    if spec.adjustments else np.zeros(len(frame))),
        node_weights=dict(hierarchy.node_weights),
        paths=[hierarchy.path(code)[:-1] for code in codes], nodes=nodes,
        siblings={parent: members for parent, members in hierarchy.children.items()},
    )


def ibis_concat(table: Any, names: Sequence[str]) -> Any:
    parts = [table[name].cast("string").fill_null("∅") for name in names]
    result = parts[0]
    for part in parts[1:]:
        result = result + "|" + part
    return result


def normalised_alternatives(inputs: Inputs, low: float, high: float) -> dict[str, np.ndarray]:
    """Each normalisation alternative of the treated matrix, computed once."""
    x = inputs.treated * inputs.directions
    with np.errstate(invalid="ignore", divide="ignore"):
        least, most = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
        span = np.where(most > least, most - least, np.nan)
        minmax = np.where(np.isnan(span), (low + high) / 2, low + (x - least) / span * (high - low))
        deviation = np.nanstd(x, axis=0, ddof=1)
        zscore = np.where(deviation > 0, (x - np.nanmean(x, axis=0)) / deviation, 0.0)
    ranks = np.argsort(np.argsort(np.where(np.isnan(x), np.inf, x), axis=0), axis=0) + 1.0
    ranks[np.isnan(x)] = np.nan
    missing = np.isnan(inputs.treated)
    minmax[missing] = np.nan
    zscore[missing] = np.nan
    return {"nominal": inputs.nominal, "minmax": minmax, "zscore": zscore, "rank": ranks}


def _positive(matrix: np.ndarray) -> np.ndarray:
    """Geometric means need values > 0: rescale each column to [1, 100]."""
    least, most = np.nanmin(matrix, axis=0), np.nanmax(matrix, axis=0)
    span = np.where(most > least, most - least, 1.0)
    return 1.0 + (matrix - least) / span * 99.0


def effective_weights(inputs: Inputs, node_weights: np.ndarray) -> np.ndarray:
    """Leaf weights (m × d) from node weights (d × nodes), re-normalised among siblings."""
    index = {node: position for position, node in enumerate(inputs.nodes)}
    share = np.empty_like(node_weights)
    for members in inputs.siblings.values():
        picks = [index[m] for m in members]
        total = node_weights[:, picks].sum(axis=1, keepdims=True)
        share[:, picks] = node_weights[:, picks] / np.where(total > 0, total, 1.0)
    leaves = np.ones((len(inputs.paths), node_weights.shape[0]))
    for row, path in enumerate(inputs.paths):
        for node in path:
            leaves[row] *= share[:, index[node]]
    return leaves


def _prepare(matrix: np.ndarray, geometric: bool) -> tuple[np.ndarray, np.ndarray]:
    """The matrix with missing values as 0 (logs for geometric means), and where values are."""
    if geometric:
        matrix = _positive(matrix)
    present = ~np.isnan(matrix)
    filled = np.where(present, np.log(np.where(present, matrix, 1.0)) if geometric else matrix,
                      0.0)
    return filled, present.astype(float)


def _prepared_scores(prepared: tuple[np.ndarray, np.ndarray], leaf_weights: np.ndarray,
                     geometric: bool) -> np.ndarray:
    """Weighted means with weights re-normalised over each entity's present values.

    One row per draw (draws × entities), so that each draw's scores are contiguous to sort.
    """
    filled, present = prepared
    with np.errstate(invalid="ignore", divide="ignore"):
        result = (leaf_weights.T @ filled.T) / (leaf_weights.T @ present.T)
    return np.exp(result) if geometric else result


def _scores(matrix: np.ndarray, leaf_weights: np.ndarray, geometric: bool) -> np.ndarray:
    return _prepared_scores(_prepare(matrix, geometric), leaf_weights, geometric)


def ranks_of(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = best, per column; ties broken by position (entity order), like the pipeline."""
    order = np.argsort(-scores, axis=0, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(1, scores.shape[0] + 1)[:, None], axis=0)
    return ranks


class QuotaSlots:
    """The quota's class for every slot of the layout "sorted by group, best first".

    That layout always has the same group blocks, so slot k's class never changes: a draw only
    decides which entity sits in which slot, at the cost of one sort by score and one (radix)
    sort by group. A bottom share that protected entities may not take (new firms are never
    D) is filled, as in the scorecard, from the worst of the unprotected in each group.
    """

    def __init__(self, groups: np.ndarray, rules: list[tuple[int, Any]], default: int,
                 bottoms: Sequence[tuple[int, np.ndarray, np.ndarray]] = ()) -> None:
        # Small integer types let NumPy sort by group with a radix sort (3× faster than int32).
        self.groups = groups.astype(np.int16 if groups.max(initial=0) < 2**15 else np.int32)
        sizes = np.bincount(self.groups)
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        slot_group = np.repeat(np.arange(len(sizes)), sizes)
        position = np.arange(len(self.groups)) - self.starts[slot_group]
        size = sizes[slot_group]
        self.slot_class = np.full(len(self.groups), default, np.int8)
        self.assigned = np.zeros(len(self.groups), bool)
        for code, rule in rules:
            hit = rule(position, size) & ~self.assigned
            self.slot_class[hit] = code
            self.assigned |= hit
        self.slot_group = slot_group
        # (class code, per-slot count the share takes in the slot's group, protected entities)
        self.bottoms = [(code, counts[slot_group], protected)
                        for code, counts, protected in bottoms]

    def seat(self, order: np.ndarray) -> np.ndarray:
        """Entities in slot order, given the entities ordered best first."""
        return order[np.argsort(self.groups[order], kind="stable")]

    def classes(self, seated: np.ndarray) -> np.ndarray:
        """The class code of each seated entity (slot order)."""
        codes = self.slot_class.copy()
        taken = self.assigned.copy()
        for code, count, protected in self.bottoms:
            free = ~protected[seated] & ~taken
            running = np.cumsum(free)
            before_group = np.concatenate([[0], running])[self.starts][self.slot_group]
            total = np.add.reduceat(free, self.starts)[self.slot_group] if len(free) else 0
            from_bottom = total - (running - before_group)  # free ones after this slot
            hit = free & (from_bottom < count)
            codes[hit] = code
            taken |= hit
        return codes


def apply_gates(codes: np.ndarray, flags: np.ndarray, gates: Sequence[Any],
                order: dict[str, int]) -> np.ndarray:
    """Class codes after the gates' caps and floors, in the scorecard's order of gates."""
    codes = codes.copy()
    for index, gate in enumerate(gates):
        fired, action = flags[:, index], gate.then
        if action.max_class:
            codes[fired & (codes < order[action.max_class])] = order[action.max_class]
        elif action.min_class:
            codes[fired & (codes > order[action.min_class])] = order[action.min_class]
        elif action.class_ and action.class_ in order:
            codes[fired] = order[action.class_]
    return codes


def quota_rules(evaluation: Evaluation) -> tuple[list[tuple[int, Any]], int]:
    """The top shares as (class code, rule on position and group size); codes follow the
    levels. Bottom shares are :func:`bottom_shares`."""
    classes = evaluation.spec.classes
    assert classes is not None
    code = {level.name: index for index, level in enumerate(classes.levels)}
    plan = QuotaPlan.of(classes.levels)
    rules: list[tuple[int, Any]] = [
        (code[level.name], lambda p, s, share=level.top, r=rounding: p < quota_count(s, share, r))
        for level, rounding in plan.tops]
    return rules, code[plan.default]


def bottom_shares(evaluation: Evaluation, inputs: Inputs
                  ) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """Each bottom share as (class code, entities it takes per group, entities protected from
    it by a ``min_class`` gate above it)."""
    spec = evaluation.spec
    classes = spec.classes
    assert classes is not None
    code = {level.name: index for index, level in enumerate(classes.levels)}
    sizes = np.bincount(inputs.groups)
    shares = []
    for index, level, rounding in QuotaPlan.of(classes.levels).bottoms:
        protected = np.zeros(len(inputs.groups), bool)
        for gate_index, gate in enumerate(spec.gates):
            if gate.then.min_class and code[gate.then.min_class] < index:
                protected |= inputs.gate_flags[:, gate_index]
        counts = np.array([quota_count(int(size), level.bottom, rounding) for size in sizes],
                          np.int64)
        shares.append((code[level.name], counts, protected))
    return shares


def analyse(evaluation: Evaluation, draws: int = 1000, seed: int = 0,
            weight_noise: float = 0.25, dirichlet: float | None = None,
            normalisations: Sequence[str] = NORMALISATIONS,
            aggregations: Sequence[str] = AGGREGATIONS, sensitivity_samples: int = 0,
            workers: int | None = None) -> Uncertainty:
    """Rank intervals and class stability over random weights, normalisations, aggregations.

    Bonus and penalty points are added to every draw's scores as they are to the nominal one.

    Weights are the nominal node weights times U(1 − noise, 1 + noise), or Dirichlet draws
    centred on them when ``dirichlet`` (a concentration) is given; each draw also picks a
    normalisation and an aggregation uniformly.
    """
    inputs = materialise(evaluation)
    low, high = evaluation.spec.normalise.range
    matrices = normalised_alternatives(inputs, low, high)
    rng = np.random.default_rng(seed)
    weights = _draw_weights(inputs, rng, draws, weight_noise, dirichlet)
    choice_norm = rng.integers(0, len(normalisations), draws)
    choice_agg = rng.integers(0, len(aggregations), draws)
    quota = (evaluation.spec.classes is not None and evaluation.spec.classes.method == "quota")
    rules = quota_rules(evaluation) if quota else None
    if rules is not None:
        levels = [level.name for level in evaluation.spec.classes.levels]  # type: ignore[union-attr]
        class_order = {name: index for index, name in enumerate(levels)}
        final_codes = np.array([class_order.get(name, -1) for name in inputs.final_class],
                               np.int8)
    size = len(inputs.keys)
    ranks = np.empty((draws, size), np.int32)
    slots = (QuotaSlots(inputs.groups, *rules, bottoms=bottom_shares(evaluation, inputs))
             if rules is not None else None)
    kept_parts: list[np.ndarray] = []
    lock = threading.Lock()
    prepared = {(norm, agg): _prepare(matrices[norm], agg == "geometric")
                for norm in normalisations for agg in aggregations}
    best_first = np.arange(1, size + 1, dtype=np.int32)

    def run(block: np.ndarray) -> None:
        kept = np.zeros(size, np.int32)
        for norm_index, norm_name in enumerate(normalisations):
            for agg_index, agg_name in enumerate(aggregations):
                picks = block[(choice_norm[block] == norm_index) & (choice_agg[block] == agg_index)]
                if not len(picks):
                    continue
                scores = _prepared_scores(prepared[norm_name, agg_name],
                                          effective_weights(inputs, weights[picks]),
                                          agg_name == "geometric") + inputs.adjustment
                scores = np.nan_to_num(scores, nan=-np.inf)
                for position, draw in enumerate(picks):
                    order = np.argsort(-scores[position])
                    ranks[draw, order] = best_first
                    if slots is not None:
                        seated = slots.seat(order)
                        drawn = apply_gates(slots.classes(seated), inputs.gate_flags[seated],
                                            evaluation.spec.gates, class_order)
                        kept[seated] += drawn == final_codes[seated]
        with lock:
            kept_parts.append(kept)

    blocks = [np.arange(start, min(start + BLOCK, draws)) for start in range(0, draws, BLOCK)]
    with ThreadPoolExecutor(max_workers=workers or min(os.cpu_count() or 1, 4)) as pool:
        list(pool.map(run, blocks))
    low_rank, median, high_rank = rank_quantiles(ranks, workers or min(os.cpu_count() or 1, 4))
    result = Uncertainty(
        keys=inputs.keys, nominal_rank=inputs.nominal_rank, rank_median=median,
        rank_low=low_rank, rank_high=high_rank,
        class_kept=(np.sum(kept_parts, axis=0) / draws if slots is not None else None),
        draws=draws, seed=seed)
    if sensitivity_samples:
        result.sensitivity = _sensitivity(inputs, matrices, normalisations, aggregations,
                                          weight_noise, sensitivity_samples, seed)
    return result


def rank_quantiles(ranks: np.ndarray, workers: int) -> tuple[np.ndarray, np.ndarray,
                                                            np.ndarray]:
    """Per entity (column): the 5th and 95th percentile ranks as order statistics (the draw
    just inside the 90% interval, never interpolated) and the median rank.

    Entities are taken in blocks, each transposed and partitioned on its own thread.
    """
    draws, size = ranks.shape
    low_index, high_index = int(np.floor(0.05 * (draws - 1))), int(np.ceil(0.95 * (draws - 1)))
    middle = ((draws - 1) // 2, draws // 2)
    low, high = np.empty(size, np.int64), np.empty(size, np.int64)
    median = np.empty(size, float)

    def block(start: int) -> None:
        part = np.ascontiguousarray(ranks[:, start:start + 8192].T)
        part.partition(sorted({low_index, high_index, *middle}), axis=1)
        stop = start + len(part)
        low[start:stop], high[start:stop] = part[:, low_index], part[:, high_index]
        median[start:stop] = (part[:, middle[0]] + part[:, middle[1]]) / 2

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(block, range(0, size, 8192)))
    return low, median, high


def _draw_weights(inputs: Inputs, rng: np.random.Generator, draws: int, noise: float,
                  dirichlet: float | None) -> np.ndarray:
    nominal = np.array([inputs.node_weights[node] for node in inputs.nodes])
    if dirichlet is None:
        return nominal * rng.uniform(1 - noise, 1 + noise, (draws, len(nominal)))
    result = np.empty((draws, len(nominal)))
    index = {node: position for position, node in enumerate(inputs.nodes)}
    for members in inputs.siblings.values():
        picks = [index[m] for m in members]
        alpha = np.maximum(nominal[picks] / nominal[picks].sum() * dirichlet, 1e-6)
        result[:, picks] = rng.dirichlet(alpha, draws)
    return result


def sobol_indices(model: Callable[[np.ndarray], np.ndarray], groups: Sequence[Sequence[int]],
                  dimensions: int, samples: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """First-order and total-order indices of factor groups (Saltelli 2010; Jansen 1999).

    ``model`` maps an (N × dimensions) matrix of U(0, 1) draws to N outputs. Costs
    N × (groups + 2) model evaluations.
    """
    rng = np.random.default_rng(seed)
    a = rng.uniform(size=(samples, dimensions))
    b = rng.uniform(size=(samples, dimensions))
    f_a, f_b = model(a), model(b)
    variance = np.var(np.concatenate([f_a, f_b]), ddof=1)
    first, total = np.zeros(len(groups)), np.zeros(len(groups))
    if variance == 0:
        return first, total
    for index, columns in enumerate(groups):
        mixed = a.copy()
        mixed[:, list(columns)] = b[:, list(columns)]
        f_ab = model(mixed)
        first[index] = np.mean(f_b * (f_ab - f_a)) / variance
        total[index] = 0.5 * np.mean((f_a - f_ab) ** 2) / variance
    return first, total


def _sensitivity(inputs: Inputs, matrices: dict[str, np.ndarray], normalisations: Sequence[str],
                 aggregations: Sequence[str], noise: float, samples: int,
                 seed: int) -> dict[str, dict[str, float]]:
    """Which assumption moves the ranking most: output is the mean absolute rank shift."""
    nominal = np.array([inputs.node_weights[node] for node in inputs.nodes])
    size = len(nominal)

    def model(u: np.ndarray) -> np.ndarray:
        outputs = np.empty(len(u))
        weights = nominal * (1 - noise + 2 * noise * u[:, :size])
        norm_pick = np.minimum((u[:, size] * len(normalisations)).astype(int),
                               len(normalisations) - 1)
        agg_pick = np.minimum((u[:, size + 1] * len(aggregations)).astype(int),
                              len(aggregations) - 1)
        for n_index, n_name in enumerate(normalisations):
            for a_index, a_name in enumerate(aggregations):
                rows = np.flatnonzero((norm_pick == n_index) & (agg_pick == a_index))
                if not len(rows):
                    continue
                geometric = a_name == "geometric"
                scores = _scores(matrices[n_name], effective_weights(inputs, weights[rows]),
                                 geometric) + inputs.adjustment
                ranks = ranks_of(np.nan_to_num(scores.T, nan=-np.inf))
                outputs[rows] = np.abs(ranks - inputs.nominal_rank[:, None]).mean(axis=0)
        return outputs

    groups = [list(range(size)), [size], [size + 1]]
    first, total = sobol_indices(model, groups, size + 2, samples, seed)
    names = ["weights", "normalisation", "aggregation"]
    return {name: {"first_order": float(first[i]), "total_order": float(total[i])}
            for i, name in enumerate(names)}
