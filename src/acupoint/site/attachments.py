"""Attachments judged by what they are, not by what they are called.

A file named report.pdf may be a web page with a script in it; served back, it would run in
the platform's name. An attachment is accepted only when its content is a PDF, an image, an
Excel or Word file or plain text, is stored under the name its content warrants, and is
always served as a download (views.attachment_response)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import puremagic
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

MAX_ATTACHMENT = 10 * 1024 * 1024
IMAGES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
          "image/webp": ".webp"}
# Legacy Office files share one container (OLE2); their own name says which they are.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OOXML = {"xl/workbook.xml": ".xlsx", "word/document.xml": ".docx"}
SAMPLE = 8192


def content_suffix(upload: UploadedFile) -> str | None:
    """The suffix the file's content warrants (.pdf, .png, .xlsx …), or None."""
    upload.seek(0)
    head = upload.read(SAMPLE)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(_OLE):
        suffix = Path(upload.name or "").suffix.lower()
        return suffix if suffix in (".xls", ".doc") else None
    if head.startswith(b"PK\x03\x04"):
        return _office_suffix(upload)
    try:
        found = puremagic.magic_string(head)
    except puremagic.PureError:
        found = []
    for match in found:
        if match.mime_type in IMAGES:
            return IMAGES[match.mime_type]
    return ".txt" if _plain_text(head) else None


def _office_suffix(upload: UploadedFile) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)
    return next((suffix for part, suffix in _OOXML.items() if part in names), None)


def _plain_text(head: bytes) -> bool:
    """Text a reader opens as text: UTF-8 or GB18030, no NUL, and not markup."""
    if b"\0" in head or head.lstrip().startswith(b"<"):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


class AttachmentField(forms.FileField):
    """An attachment of at most 10 MB whose content is one of the accepted kinds; it is
    renamed to the suffix its content warrants."""

    default_error_messages = {
        "too_large": _("An attachment may be at most 10 MB."),
        "kind": _("Attach a PDF, an image (PNG, JPEG, GIF, WebP), an Excel or Word file or "
                  "plain text; this file's content is none of them."),
    }

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if upload.size > MAX_ATTACHMENT:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        suffix = content_suffix(upload)
        if suffix is None:
            raise forms.ValidationError(self.error_messages["kind"], code="kind")
        upload.name = f"{Path(upload.name).stem[:80] or 'attachment'}{suffix}"
        return upload


def attachment_response(field_file) -> FileResponse:
    """An attachment as a download that a browser never renders in the page's place."""
    response = FileResponse(field_file.open("rb"), as_attachment=True,
                            filename=field_file.name.rsplit("/", 1)[-1])
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
