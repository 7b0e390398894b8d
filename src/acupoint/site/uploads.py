"""An uploaded file on disk for the length of an import: the readers open files by path."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile


@contextmanager
def saved_upload(upload: UploadedFile) -> Iterator[Path]:
    """The upload written to a temporary file that keeps its suffix (the readers choose by
    it), removed afterwards."""
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        yield Path(handle.name)
