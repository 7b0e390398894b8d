"""What changed between two versions of a draft: clause by clause, and within a clause
character by character. Chinese is compared a character at a time; a run of Latin letters
or digits (500, GB/T) counts as one unit, so that 500→1000 reads as one change, not three."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

_UNITS = re.compile(r"[A-Za-z0-9.%/]+|\s+|.", re.S)
SAME, ADDED, REMOVED, CHANGED = "same", "added", "removed", "changed"


@dataclass(frozen=True)
class Piece:
    """A run of text that is equal, inserted or deleted."""

    op: str  # "equal", "insert", "delete"
    text: str


@dataclass(frozen=True)
class ClauseChange:
    key: str
    status: str  # SAME, ADDED, REMOVED, CHANGED
    pieces: list[Piece]


def _units(text: str) -> list[str]:
    return _UNITS.findall(text)


def text_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn ``old`` into ``new`` (a replacement is a deletion, then an
    insertion)."""
    before, after = _units(old), _units(new)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, low, high, new_low, new_high in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("equal", "".join(before[low:high])))
            continue
        if high > low:
            pieces.append(Piece("delete", "".join(before[low:high])))
        if new_high > new_low:
            pieces.append(Piece("insert", "".join(after[new_low:new_high])))
    return pieces


def version_diff(old: Mapping[str, str], new: Mapping[str, str]) -> list[ClauseChange]:
    """Every clause of either version, in the new version's order (removed ones where they
    stood), with its status and pieces. Clauses are matched by their key."""
    changes: list[ClauseChange] = []
    old_keys = list(old)
    placed = 0
    for key, text in new.items():
        if key in old:
            # Removed clauses that stood before this one in the old version come first.
            position = old_keys.index(key)
            for removed in old_keys[placed:position]:
                if removed not in new:
                    changes.append(ClauseChange(removed, REMOVED,
                                                [Piece("delete", old[removed])]))
            placed = max(placed, position + 1)
            status = SAME if old[key] == text else CHANGED
            changes.append(ClauseChange(key, status, text_diff(old[key], text)))
        else:
            changes.append(ClauseChange(key, ADDED, [Piece("insert", text)]))
    for removed in old_keys[placed:]:
        if removed not in new:
            changes.append(ClauseChange(removed, REMOVED, [Piece("delete", old[removed])]))
    return changes
