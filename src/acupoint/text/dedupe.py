"""Duplicate and near-duplicate texts grouped, so that a mass campaign is answered once.

Identical texts (after dropping spaces and punctuation) fall together first; each distinct
one is compared by MinHash over character shingles (Chinese needs no word boundaries for
that) with locality-sensitive hashing (datasketch) against the first text of every group so
far, and joins the most senior group whose estimated Jaccard similarity reaches the
threshold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from acupoint.text.segment import normalised

SHINGLE = 3
PERMUTATIONS = 64
THRESHOLD = 0.7


def _shingles(text: str) -> set[bytes]:
    if len(text) <= SHINGLE:
        return {text.encode()}
    return {text[start:start + SHINGLE].encode() for start in range(len(text) - SHINGLE + 1)}


def duplicate_groups(texts: Sequence[str], threshold: float = THRESHOLD) -> list[int]:
    """For each text, the position of the first text of its group (itself when alone)."""
    keys = [normalised(text) for text in texts]
    first_of: dict[str, int] = {}
    for position, key in enumerate(keys):
        first_of.setdefault(key, position)
    distinct = [position for key, position in first_of.items() if key]
    signatures = dict(zip(distinct, MinHash.bulk(
        (_shingles(keys[position]) for position in distinct), num_perm=PERMUTATIONS),
        strict=True))
    # Each distinct text is compared with the first text of every group found so far (the
    # only ones indexed): a campaign of thousands costs one lookup per text, not all pairs.
    index = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS)
    leader_of: dict[int, int] = {}
    for position, signature in signatures.items():
        similar = [other for other in index.query(signature)
                   if signature.jaccard(signatures[other]) >= threshold]
        if similar:
            leader_of[position] = min(similar)
        else:
            leader_of[position] = position
            index.insert(position, signature, check_duplication=False)
    return [leader_of.get(first_of[key], first_of[key]) for key in keys]


def text_key(text: str) -> str:
    """What makes two texts the same comment (spaces and punctuation aside), as a short key a
    unique constraint can hold."""
    return hashlib.sha256(normalised(text).encode()).hexdigest()


def signature(text: str) -> bytes:
    """The MinHash of one text, stored with it so that a new text is compared with every
    group at once (``first_similar``) instead of regrouping them all."""
    minhash = MinHash(num_perm=PERMUTATIONS)
    minhash.update_batch(list(_shingles(normalised(text))))
    return minhash.hashvalues.astype(np.uint32).tobytes()


def first_similar(text: str, candidates: Sequence[tuple[int, bytes]],
                  threshold: float = THRESHOLD) -> int | None:
    """Of ``candidates`` (id, signature), in order, the first whose estimated Jaccard
    similarity with ``text`` reaches the threshold (identical texts always do)."""
    if not candidates or not normalised(text):
        return None
    own = np.frombuffer(signature(text), np.uint32)
    matrix = np.frombuffer(b"".join(item[1] for item in candidates), np.uint32).reshape(
        len(candidates), PERMUTATIONS)
    similar = np.flatnonzero((matrix == own).mean(axis=1) >= threshold)
    return candidates[similar[0]][0] if len(similar) else None
