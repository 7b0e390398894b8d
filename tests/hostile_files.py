"""Spreadsheets built to hurt a reader: tiny files that unpack or expand to gigabytes."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import xlsxwriter


def far_cell_xlsx(path: Path, declared: bool = True) -> Path:
    """A workbook whose only cells are A1 and XFD1048576: a reader that allocates the range
    between them asks for half a terabyte. Without ``declared`` the sheet names no
    dimension, so only its cells tell."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("企业")
    sheet.write("A1", "统一社会信用代码")
    sheet.write("XFD1048576", 1)
    workbook.close()
    if not declared:
        _rewrite(path, "xl/worksheets/sheet1.xml",
                 lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    return path


def padded_xlsx(path: Path, megabytes: int) -> Path:
    """A small valid workbook carrying a part that unpacks to ``megabytes`` of zeros."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet().write("A1", "统一社会信用代码")
    workbook.close()
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (megabytes << 20))
    return path


def repeated_ods(path: Path, rows: int = 1_000_000, columns: int = 16_384) -> Path:
    """An OpenDocument sheet of one number repeated across ``columns`` and down ``rows``."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="企业">'
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell office:value-type="float" office:value="1"'
        f' table:number-columns-repeated="{columns}"/></table:table-row>'
        '</table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def _rewrite(path: Path, part: str, change) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
