"""The audit of the shipped specs (``acupoint specs audit``): every number's mark, file by
file, so that a bureau sees which values are local placeholders it must set itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

from acupoint.engine.problems import nearest_line
from acupoint.engine.provenance import KeyPath, Kind, Mark, audit
from acupoint.engine.spec import read_text, read_yaml

SPECS = Path(__file__).resolve().parent.parent / "specs"


@dataclass(frozen=True)
class SpecAudit:
    """One spec file's numbers: their marks, and any number without one."""

    file: str
    kind: Kind
    marks: list[Mark]
    unmarked: list[tuple[KeyPath, str, int | None]]

    @property
    def placeholders(self) -> list[Mark]:
        return [mark for mark in self.marks if mark.kind == "placeholder"]


def kind_of(path: PurePath) -> Kind:
    """How a shipped spec file is read: by the folder it lies in."""
    parts = set(path.parts)
    return "policy" if "policies" in parts else "rung" if "cultivation" in parts \
        else "scorecard"


def spec_files(root: Path = SPECS) -> list[Path]:
    """Every spec under ``root``: policy files and rungs (not their variable catalogues),
    triage and cluster specs."""
    return sorted(path for path in root.rglob("*.yaml") if path.name != "variables.yaml")


def audit_files(paths: Iterable[Path], root: Path = SPECS) -> list[SpecAudit]:
    """Each file audited as written (a file that ``extends:`` another, for its own numbers)."""
    audits = []
    for path in paths:
        data, lines = read_yaml(read_text(path), str(path))
        result = audit(data, kind_of(path), lines)
        name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        audits.append(SpecAudit(name, kind_of(path), result.marks, [
            (key, value, nearest_line(lines, key)) for key, value in result.unmarked]))
    return audits
