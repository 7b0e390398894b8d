"""Report downloads: a writer fills a temporary file, and the response streams and closes it."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO

from django.http import FileResponse


def file_response(write: Callable[[IO[bytes]], None], filename: str) -> FileResponse:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename)
