"""Word reports: a document whose fonts show Chinese, and charts rendered to PNG from the same
Vega-Lite specs the pages embed.

vl-convert draws Chinese text as empty boxes unless a CJK font is registered, so the font
folders of the machine (Debian's fonts-noto-cjk) and ACUPOINT_FONT_DIR are registered once.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype",
             "/usr/share/fonts/opentype")


@cache
def _fonts_registered() -> None:
    import vl_convert

    extra = os.environ.get("ACUPOINT_FONT_DIR")
    for folder in (*([extra] if extra else []), *FONT_DIRS):
        if Path(folder).is_dir():
            vl_convert.register_font_directory(folder)


def png(spec: dict, width: int = 600, scale: float = 2.0) -> bytes:
    """A PNG of ``spec``; a width that follows the page's container becomes ``width`` pixels."""
    import vl_convert

    _fonts_registered()
    fixed = {**spec, "width": width} if spec.get("width") == "container" else spec
    config = fixed.get("config", {})
    fixed = {**fixed, "config": {**config, "font": "Noto Sans CJK SC"}}
    return vl_convert.vegalite_to_png(fixed, scale=scale)


def word_document():
    """A new Word document whose styles name an East Asian font: Word falls back to a font
    without Chinese glyphs otherwise."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[style_name]
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
    return document
