"""State changes of the registry; each runs in one transaction and leaves an audit entry."""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from acupoint.accounts import scoping
from acupoint.accounts.audit import record
from acupoint.registry import calendar, geometry
from acupoint.registry.importing import load
from acupoint.registry.importing.problems import Problem
from acupoint.registry.importing.reading import Sheet, UnreadableFile, open_table
from acupoint.registry.importing.validate import ValidatedFile, validate_sheets
from acupoint.registry.models import CalendarDay, Cluster, District, ImportBatch, Park
from acupoint.registry.selectors import import_lookups
from acupoint.registry.signals import import_finished
from acupoint.site.database import retried
from acupoint.site.logs import new_reference

logger = logging.getLogger(__name__)


def do_queue_import(acting_user, upload: UploadedFile, source: str = "") -> ImportBatch:
    """Keep an uploaded file for the background worker and record its batch as importing;
    the page follows the batch while the worker reads the file."""
    if not scoping.may_import(acting_user):
        raise PermissionDenied(_("Your role may not import data."))
    folder = settings.VAR_DIR / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with stored.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            user=acting_user, file_name=upload.name[:255], source=(source or upload.name)[:100],
            status=ImportBatch.Status.RUNNING, upload=str(stored))
        record(acting_user, "registry.import_queued", batch,
               after={"file": batch.file_name, "bytes": upload.size})
        transaction.on_commit(lambda: _enqueue(batch.pk))
    return batch


def _enqueue(batch_id: int) -> None:
    from acupoint.registry.tasks import import_file

    import_file.enqueue(batch_id)


def run_queued_import(batch_id: int) -> ImportBatch:
    """The worker's part: read a kept upload into the registry, reporting the rows read, and
    remove the file whatever happens."""
    batch = ImportBatch.objects.get(pk=batch_id)
    path = Path(batch.upload)

    def progress(rows: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(progress_rows=rows)

    try:
        retried(lambda: do_import_file(batch.user, path, original_name=batch.file_name,
                                       source=batch.source, progress=progress, batch=batch))
    except Exception:  # the batch tells the user; the log keeps the traceback
        reference = new_reference()
        logger.exception("import batch %s failed", batch_id, extra={"ref": reference})
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.REJECTED,
            errors=[Problem(None, "", "import_failed", {"ref": reference}).as_dict()])
    finally:
        path.unlink(missing_ok=True)
        ImportBatch.objects.filter(pk=batch_id).update(upload="")
    return ImportBatch.objects.get(pk=batch_id)


def do_import_file(acting_user, path: Path, *, original_name: str | None = None,
                   source: str = "", progress: Callable[[int], None] | None = None,
                   batch: ImportBatch | None = None) -> ImportBatch:
    """Validate the whole file; land every row or none. The batch (a new one, or the one a
    queued upload recorded) records either outcome."""
    if acting_user is not None and not scoping.may_import(acting_user):
        raise PermissionDenied(_("Your role may not import data."))
    started = time.perf_counter()
    file_name = original_name or Path(path).name
    allowed = scoping.import_districts(acting_user) if acting_user is not None else None
    validated = ValidatedFile()
    sha256 = ""
    try:
        table = open_table(Path(path), file_name)
        sheets = table.sheets if progress is None else _reporting(table.sheets, progress)
        validated = validate_sheets(sheets, import_lookups(allowed))
        sha256 = table.sha256
    except UnreadableFile as error:
        validated.error(Problem(None, "", error.code, error.params))

    with transaction.atomic():
        batch = batch or ImportBatch(user=acting_user)
        batch.file_name, batch.file_sha256 = file_name[:255], sha256
        batch.source, batch.rows = (source or file_name)[:100], validated.rows
        batch.progress_rows = validated.rows
        batch.status = (ImportBatch.Status.LANDED if validated.ok
                        else ImportBatch.Status.REJECTED)
        batch.errors = [problem.as_dict() for problem in validated.errors]
        batch.warnings = [problem.as_dict() for problem in validated.warnings]
        batch.save()
        if validated.ok:
            counts = load.write(validated, batch.pk, batch.source)
            for name, value in vars(counts).items():
                setattr(batch, name, value)
        batch.seconds = round(time.perf_counter() - started, 3)
        batch.save()
        record(acting_user, "registry.import", batch, after={
            "status": batch.status, "rows": batch.rows, "errors": len(validated.errors),
            "enterprises_created": batch.enterprises_created,
            "enterprises_updated": batch.enterprises_updated,
            "annual_created": batch.annual_created, "annual_updated": batch.annual_updated,
        })
        finished = batch.pk
        transaction.on_commit(lambda: import_finished.send(ImportBatch, batch_id=finished))
    return batch


def _reporting(sheets: list[Sheet], progress: Callable[[int], None],
               every: int = 10_000) -> list[Sheet]:
    """The sheets, reporting the rows read across all of them every ``every`` rows."""
    count = itertools.count(1)

    def counted(rows: Iterator[list]) -> Iterator[list]:
        for row in rows:
            number = next(count)
            if number % every == 0:
                progress(number)
            yield row
    return [(name, counted(rows)) for name, rows in sheets]


def do_load_geography(acting_user, geography: dict) -> dict[str, int]:
    """Create or update districts, parks and clusters from a geography document
    (the format `acupoint demo-data` writes); boundaries are checked and measured."""
    if acting_user is not None and not scoping.may_administer(acting_user):
        raise PermissionDenied(_("Only a bureau administrator may change districts and clusters."))
    counts = {"districts": 0, "parks": 0, "clusters": 0}
    with transaction.atomic():
        districts = {}
        # Districts first, then the function zones that lie within them.
        items = sorted(geography.get("districts", []), key=lambda item: bool(item.get("parent")))
        for item in items:
            parent = districts[item["parent"]] if item.get("parent") else None
            district, _created = District.objects.update_or_create(
                code=item["code"], defaults={
                    "name": item["name"], "name_en": item.get("name_en", ""),
                    "aliases": item.get("aliases", []), "sort_order": counts["districts"],
                    "kind": District.Kind.ZONE if parent else District.Kind.DISTRICT,
                    "parent": parent})
            districts[district.name] = district
            counts["districts"] += 1
        for item in geography.get("parks", []):
            Park.objects.update_or_create(name=item["name"], defaults={
                "district": districts[item["district"]]})
            counts["parks"] += 1
        for item in geography.get("clusters", []):
            cluster = Cluster.objects.filter(code=item["code"]).first() or Cluster(
                code=item["code"])
            for name in ("name", "field", "leading_industries", "boundary", "management_body",
                         "has_creation_plan", "has_development_plan"):
                setattr(cluster, name, item.get(name, getattr(cluster, name)))
            cluster.district = districts[item["district"]]
            cluster.area_km2 = (round(geometry.area_km2(cluster.boundary), 3)
                                if cluster.boundary else None)
            cluster.full_clean()
            cluster.save()
            counts["clusters"] += 1
        record(acting_user, "registry.load_geography", object_type="registry.Geography",
               after=counts)
    return counts


def do_enter_calendar(acting_user, year: int, text: str) -> int:
    """Replace a year's entered holiday schedule with the days ``text`` names; nothing is kept
    from a text with any problem, and every problem is listed by line."""
    scoping.require_bureau(acting_user, _("Only the bureau enters holiday schedules."))
    entries, problems = calendar.parse(year, text)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        before = calendar.as_text(year)
        CalendarDay.objects.filter(day__year=year).delete()
        CalendarDay.objects.bulk_create([CalendarDay(day=entry.day, working=entry.working,
                                                     note=entry.note) for entry in entries])
        record(acting_user, "registry.calendar", object_type="registry.CalendarDay",
               object_id=str(year), before={"schedule": before},
               after={"schedule": calendar.as_text(year)})
    calendar.sync(force=True)
    return len(entries)
