"""Comments and demands grouped into themes, each named by its top terms.

Texts are cut into words (jieba with the shipped policy and industry terms), weighted by
TF-IDF without the function words and the words every comment uses (建议, 企业…), and
clustered with mini-batch k-means (scikit-learn). Near-duplicates should be grouped first and
passed once with their count as weight, so that a campaign does not become every theme.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer

from acupoint.text.segment import words

STOPWORDS = Path(__file__).with_name("stopwords.txt")
TOP_TERMS = 5
MAX_THEMES = 30


@cache
def stopwords() -> frozenset[str]:
    return frozenset(STOPWORDS.read_text(encoding="utf-8").split())


def _terms(text: str) -> list[str]:
    hidden = stopwords()
    return [word for word in words(text)
            if len(word) > 1 and word not in hidden and not word.isdigit()]


@dataclass(frozen=True)
class Themes:
    labels: list[int]  # theme of each text, -1 when it has no term at all
    terms: list[list[str]]  # top terms of each theme
    sizes: list[float]  # weight of each theme


def theme_count(texts: int) -> int:
    """About √(n/2) themes, at most MAX_THEMES: a reader can take in that many."""
    return max(1, min(MAX_THEMES, round(math.sqrt(texts / 2))))


def themes(texts: Sequence[str], weights: Sequence[float] | None = None,
           count: int | None = None, seed: int = 0) -> Themes:
    """Each text's theme and every theme's top terms (same texts, same seed: same themes)."""
    vectorizer = TfidfVectorizer(tokenizer=_terms, lowercase=False, token_pattern=None,
                                 sublinear_tf=True, max_features=50_000,
                                 min_df=2 if len(texts) > 50 else 1, dtype=np.float32)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term in any text
        return Themes([-1] * len(texts), [], [])
    has_terms = np.asarray(matrix.getnnz(axis=1) > 0)
    rows = np.flatnonzero(has_terms)
    count = min(count or theme_count(len(rows)), len(rows))
    if count == 0:
        return Themes([-1] * len(texts), [], [])
    weight = np.ones(len(texts)) if weights is None else np.asarray(weights, float)
    model = MiniBatchKMeans(n_clusters=count, random_state=seed, n_init=3,
                            batch_size=4096).fit(matrix[rows], sample_weight=weight[rows])
    labels = np.full(len(texts), -1)
    labels[rows] = model.labels_
    vocabulary = vectorizer.get_feature_names_out()
    terms = [[str(vocabulary[index]) for index in np.argsort(-center)[:TOP_TERMS]
              if center[index] > 0] for center in model.cluster_centers_]
    sizes = [float(weight[labels == theme].sum()) for theme in range(count)]
    return Themes(labels.tolist(), terms, sizes)
