"""The text of a .docx as its reader sees it: paragraphs and tables in document order, with
the numbers Word draws itself (automatic numbering) written out, so that the splitter sees
一、 and （一） whether they were typed or generated."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import IO

import cn2an
from docx import Document
from docx.oxml.ns import qn

_CHINESE_FORMATS = {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
                    "ideographTraditional", "taiwaneseCounting", "japaneseCounting"}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _format_number(value: int, format_name: str) -> str:
    if format_name in _CHINESE_FORMATS:
        return cn2an.an2cn(value)
    if format_name == "decimalEnclosedCircle" and value <= len(_CIRCLED):
        return _CIRCLED[value - 1]
    if format_name == "lowerLetter":
        return chr(ord("a") + (value - 1) % 26)
    if format_name == "upperLetter":
        return chr(ord("A") + (value - 1) % 26)
    if format_name == "bullet":
        return ""
    return str(value)


class _Numbering:
    """Word's list definitions: for a paragraph's (numId, ilvl), the label it shows."""

    def __init__(self, document) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = defaultdict(lambda: [0] * 9)
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {}
        for item in root.findall(qn("w:abstractNum")):
            abstract[item.get(qn("w:abstractNumId"))] = item
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            definition = abstract.get(ref.get(qn("w:val"))) if ref is not None else None
            if definition is None:
                continue
            for level in definition.findall(qn("w:lvl")):
                ilvl = int(level.get(qn("w:ilvl")))
                fmt, text, start = (level.find(qn(tag)) for tag in
                                    ("w:numFmt", "w:lvlText", "w:start"))
                self.levels[(num.get(qn("w:numId")), ilvl)] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    text.get(qn("w:val")) if text is not None else f"%{ilvl + 1}.",
                    int(start.get(qn("w:val"))) if start is not None else 1)

    def label(self, paragraph) -> str:
        numbering = _list_properties(paragraph)
        if numbering is None or numbering.numId is None:
            return ""
        num_id = str(numbering.numId.val)
        ilvl = int(numbering.ilvl.val) if numbering.ilvl is not None else 0
        if (num_id, ilvl) not in self.levels:
            return ""
        counters = self.counters[num_id]
        _, text, start = self.levels[(num_id, ilvl)]
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else start
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = 0
        for level in range(ilvl + 1):
            fmt, _, level_start = self.levels.get((num_id, level), ("decimal", "", 1))
            value = counters[level] or level_start
            text = text.replace(f"%{level + 1}", _format_number(value, fmt))
        return text


def _list_properties(paragraph):
    """The paragraph's list numbering, its own or its style's (List Number and the like)."""
    properties = paragraph._p.pPr
    if properties is not None and properties.numPr is not None:
        return properties.numPr
    style = paragraph.style
    while style is not None:
        style_properties = style.element.pPr
        if style_properties is not None and style_properties.numPr is not None:
            return style_properties.numPr
        style = style.base_style
    return None


def docx_text(source: str | Path | IO[bytes]) -> str:
    """Paragraphs (with their automatic numbers) and table rows (cells joined by " | ")."""
    document = Document(source)
    numbering = _Numbering(document)
    lines = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))
                if any(cells):
                    lines.append(" | ".join(cells))
        elif block.text.strip():
            lines.append(numbering.label(block) + block.text.strip())
    return "\n".join(lines)
