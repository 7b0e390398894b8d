"""Weighting methods that need arithmetic rather than relations: entropy, CRITIC, PCA, AHP.

Data-driven methods take summary statistics (computed by the backend in one aggregate query),
never the whole matrix, so they cost the same on a million rows as on a hundred.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Saaty's random consistency indices for matrices of order 1..15.
RANDOM_INDEX = (0.0, 0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48,
                1.56, 1.57, 1.59)
CONSISTENCY_LIMIT = 0.1


NEGLIGIBLE = 1e-12


def normalise_sum(weights: np.ndarray) -> np.ndarray:
    """Weights that sum to 1; all-zero weights become equal (no indicator carries information).

    Values below 1e-12 are rounding noise (a constant column's 1 − e is ~1e-16) and count as 0.
    """
    weights = np.where(np.isfinite(weights) & (weights > NEGLIGIBLE), weights, 0.0)
    total = weights.sum()
    return weights / total if total > 0 else np.full(len(weights), 1.0 / len(weights))


def entropy(count: np.ndarray, sums: np.ndarray, xlogx_sums: np.ndarray) -> np.ndarray:
    """熵权法 from Σx and Σx·ln x per indicator (x ≥ 0 normalised values).

    With p = x/S: Σ p ln p = (Σ x ln x)/S − ln S, so e = −(Σ p ln p)/ln n and w ∝ 1 − e.
    A constant indicator has e = 1 and gets weight 0.
    """
    count = np.asarray(count, float)
    sums = np.asarray(sums, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_log_p = np.where(sums > 0, np.asarray(xlogx_sums, float) / sums - np.log(sums), 0.0)
        entropy_values = np.where(count > 1, -p_log_p / np.log(np.maximum(count, 2)), 1.0)
    return normalise_sum(np.clip(1.0 - entropy_values, 0.0, None))


def critic(std: np.ndarray, correlation: np.ndarray) -> np.ndarray:
    """CRITIC: w ∝ σ_j · Σ_k (1 − r_jk). Undefined correlations (a constant column) count as 0."""
    correlation = np.nan_to_num(np.asarray(correlation, float), nan=0.0)
    np.fill_diagonal(correlation, 1.0)
    information = np.nan_to_num(np.asarray(std, float)) * (1.0 - correlation).sum(axis=1)
    return normalise_sum(information)


def pca(correlation: np.ndarray) -> np.ndarray:
    """Weights from principal components (OECD/JRC handbook, step 6).

    Components with eigenvalue ≥ 1 (Kaiser) are kept, at least one; each indicator's weight is
    its squared loadings weighted by the share of variance its components explain.
    """
    correlation = np.nan_to_num(np.asarray(correlation, float), nan=0.0)
    np.fill_diagonal(correlation, 1.0)
    values, vectors = np.linalg.eigh(correlation)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    keep = max(int((values >= 1.0).sum()), 1)
    share = values[:keep] / values[:keep].sum()
    return normalise_sum((vectors[:, :keep] ** 2 * share).sum(axis=1))


@dataclass(frozen=True)
class AhpResult:
    weights: np.ndarray
    lambda_max: float
    consistency_index: float
    consistency_ratio: float


def ahp(matrix: list[list[float]] | np.ndarray) -> AhpResult:
    """Saaty's principal-eigenvector weights with the consistency ratio CR = CI / RI."""
    pairwise = np.asarray(matrix, float)
    size = pairwise.shape[0]
    if pairwise.shape != (size, size):
        raise ValueError(f"the AHP matrix must be square, got {pairwise.shape}")
    if np.any(pairwise <= 0):
        raise ValueError("AHP judgements must be positive")
    if not np.allclose(pairwise * pairwise.T, 1.0, rtol=1e-3):
        raise ValueError("the AHP matrix must be reciprocal: a_ji = 1 / a_ij")
    values, vectors = np.linalg.eig(pairwise)
    principal = int(np.argmax(values.real))
    weights = normalise_sum(np.abs(vectors[:, principal].real))
    lambda_max = float(values[principal].real)
    index = (lambda_max - size) / (size - 1) if size > 2 else 0.0
    random_index = RANDOM_INDEX[size] if size < len(RANDOM_INDEX) else RANDOM_INDEX[-1]
    ratio = index / random_index if random_index else 0.0
    return AhpResult(weights, lambda_max, index, ratio)
