"""A policy text split into its numbered parts: 第X章, 第X条, 一、, （一）, 1., （1）, ①.

Chinese policy documents number their parts in a fixed hierarchy; a part runs from its number
to the next number of the same or a higher level. Numbers often follow each other inside one
paragraph (…给予奖励。（二）对…), so a paragraph is cut before a number that follows the end
of a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HAN = "零〇一二两三四五六七八九十百千"
# Level, pattern of the number at the start of a part, in hierarchy order.
LEVELS: list[tuple[str, re.Pattern[str]]] = [
    ("章", re.compile(rf"第[{_HAN}\d]+章")),
    ("条", re.compile(rf"第[{_HAN}\d]+条")),
    ("一、", re.compile(rf"[{_HAN}]+、")),
    ("（一）", re.compile(rf"[（(][{_HAN}]+[）)]")),
    ("1.", re.compile(r"\d{1,2}(?:[、．]|\.(?!\d))")),
    ("（1）", re.compile(r"[（(]\d{1,2}[）)]")),
    ("①", re.compile(r"[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]")),
]
_ANY_NUMBER = "|".join(f"(?:{pattern.pattern})" for _, pattern in LEVELS[1:])
# A number inside a paragraph starts a part only right after the end of a sentence.
_INLINE = re.compile(rf"(?<=[。；;：:！!？?])\s*(?=(?:{_ANY_NUMBER}))")
_SENTENCE_END = re.compile(r"[。；;！!？?]")
HEADING_LENGTH = 40


@dataclass
class Part:
    """One numbered part: its level, its number, the numbers above it, and its own text."""

    level: int
    number: str
    parents: tuple[str, ...]
    heading: str = ""
    lines: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The full reference, e.g. 第三条（二）."""
        return "".join(number.rstrip("、.．") for number in (*self.parents, self.number))

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


def _numbered(line: str) -> tuple[int, str, str] | None:
    for level, (_, pattern) in enumerate(LEVELS):
        found = pattern.match(line)
        if found:
            return level, found.group(0), line[found.end():].strip()
    return None


def _lines(text: str) -> list[str]:
    lines = []
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        paragraph = paragraph.strip().replace("\u3000", " ")
        if paragraph:
            lines.extend(piece.strip() for piece in _INLINE.split(paragraph) if piece.strip())
    return lines


def split_parts(text: str) -> tuple[str, list[Part]]:
    """The preamble (text before the first number) and every numbered part, in order."""
    preamble: list[str] = []
    parts: list[Part] = []
    stack: list[Part] = []
    for line in _lines(text):
        numbered = _numbered(line)
        if numbered is None:
            (stack[-1].lines if stack else preamble).append(line)
            continue
        level, number, rest = numbered
        while stack and stack[-1].level >= level:
            stack.pop()
        part = Part(level, number, tuple(item.number for item in stack))
        if rest:
            part.lines.append(rest)
        parts.append(part)
        stack.append(part)
    for index, part in enumerate(parts):
        # A short first line without a sentence in it, over more text or parts of its own,
        # is a heading.
        first = part.lines[0] if part.lines else ""
        has_children = index + 1 < len(parts) and parts[index + 1].level > part.level
        if (first and len(first) <= HEADING_LENGTH and not _SENTENCE_END.search(first)
                and (has_children or len(part.lines) > 1)):
            part.heading = part.lines.pop(0)
    return "\n".join(preamble), parts


def clauses(text: str) -> list[Part]:
    """The parts that say something of their own (a heading alone is not a clause)."""
    return [part for part in split_parts(text)[1] if part.text]
