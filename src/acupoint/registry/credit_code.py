"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet (digits and capitals without I, O, Z, S, V);
the last one is a check character computed from the first 17 with fixed weights.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {char: index for index, char in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(raw: object) -> str:
    """Upper-case and strip the spaces and full-width characters that spreadsheets add."""
    text = str(raw or "").strip().upper()
    return text.translate(_FULL_WIDTH).replace(" ", "").replace("-", "")


_FULL_WIDTH = {ord(char): ord(char) - 0xFEE0 for char in
               "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"}


def problem(code: str) -> str | None:
    """None when `code` is valid, otherwise the reason: 'length', 'character' or 'check'."""
    if len(code) != 18:
        return "length"
    if any(char not in _VALUE for char in code):
        return "character"
    if check_character(code[:17]) != code[17]:
        return "check"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None
