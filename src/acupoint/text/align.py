"""Which clauses of peer cities' policies say what a clause of our draft says.

Candidates come from character n-gram TF-IDF similarity (Chinese needs no word boundaries for
that); each candidate is confirmed by local alignment (the best-matching stretch of the longer
text, RapidFuzz's partial ratio), which also gives the two spans that correspond.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

from acupoint.text.segment import normalised

CANDIDATES = 5
MIN_CANDIDATE = 0.15
MIN_ALIGNMENT = 60.0


@dataclass(frozen=True)
class Text:
    key: str
    text: str


@dataclass(frozen=True)
class Alignment:
    """A draft clause and a peer clause that say the same thing, and where."""

    ours: str
    theirs: str
    similarity: float  # n-gram cosine, 0–1
    alignment: float  # local alignment score, 0–100
    our_span: tuple[int, int]
    their_span: tuple[int, int]


class Aligner:
    """A library of peer clauses, indexed once, to align any number of draft clauses."""

    def __init__(self, library: Sequence[Text]) -> None:
        self.library = list(library)
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3),
                                          sublinear_tf=True, dtype=np.float32)
        if self.library:
            self.matrix = self.vectorizer.fit_transform(
                [normalised(item.text) for item in self.library])

    def _confirmed(self, ours: Text, theirs: Text, similarity: float) -> Alignment | None:
        short, long_ = ours.text, theirs.text
        swapped = len(short) > len(long_)
        if swapped:
            short, long_ = long_, short
        found = fuzz.partial_ratio_alignment(short, long_, score_cutoff=MIN_ALIGNMENT)
        if found is None:
            return None
        short_span, long_span = (found.src_start, found.src_end), (found.dest_start,
                                                                   found.dest_end)
        our_span, their_span = (long_span, short_span) if swapped else (short_span, long_span)
        return Alignment(ours.key, theirs.key, similarity, found.score, our_span, their_span)

    def align(self, draft: Sequence[Text], candidates: int = CANDIDATES) -> list[Alignment]:
        """For every draft clause, the peer clauses that align with it, best first."""
        if not draft or not self.library:
            return []
        scores = (self.vectorizer.transform([normalised(item.text) for item in draft])
                  @ self.matrix.T).toarray()
        found = []
        for row, ours in enumerate(draft):
            best = np.argsort(-scores[row])[:candidates]
            for column in best:
                if scores[row, column] < MIN_CANDIDATE:
                    break
                alignment = self._confirmed(ours, self.library[column],
                                            float(scores[row, column]))
                if alignment is not None:
                    found.append(alignment)
        return found

    def unmatched(self, draft: Sequence[Text], candidates: int = 3) -> list[Text]:
        """The peer clauses that no draft clause aligns with: what peers offer and we lack."""
        if not self.library:
            return []
        if not draft:
            return list(self.library)
        ours = self.vectorizer.transform([normalised(item.text) for item in draft])
        scores = (self.matrix @ ours.T).toarray()
        lacking = []
        for row, theirs in enumerate(self.library):
            best = np.argsort(-scores[row])[:candidates]
            if not any(scores[row, column] >= MIN_CANDIDATE
                       and self._confirmed(draft[column], theirs, float(scores[row, column]))
                       for column in best):
                lacking.append(theirs)
        return lacking
