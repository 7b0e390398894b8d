"""Project histories as process-mining event logs: XES (IEEE 1849) and OCEL 2.0 JSON, so that
pm4py, ProM or Celonis can find where projects wait and loop."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from acupoint.engine.process import NAMES, Event

CHINA = dt.timezone(dt.timedelta(hours=8))
_EXTENSIONS = [("Concept", "concept"), ("Time", "time"), ("Organizational", "org"),
               ("Lifecycle", "lifecycle")]


@dataclass(frozen=True)
class Trace:
    """One project: its id, its attributes (district, industry…) and its stage events."""

    case: str
    events: list[Event]
    attributes: Mapping[str, str] = field(default_factory=dict)


def _timestamp(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(9), tzinfo=CHINA).isoformat(timespec="milliseconds")


def _lifecycle(event: Event) -> str:
    return "ate_abort" if event.returned else "complete"


def write_xes(traces: Iterable[Trace], path: str | Path | IO[bytes]) -> None:
    log = ET.Element("log", {"xes.version": "1.0", "xes.features": "nested-attributes",
                             "xmlns": "http://www.xes-standard.org/"})
    for name, prefix in _EXTENSIONS:
        ET.SubElement(log, "extension", {
            "name": name, "prefix": prefix,
            "uri": f"http://www.xes-standard.org/{prefix}.xesext"})
    ET.SubElement(log, "classifier", {"name": "Activity", "keys": "concept:name"})
    for trace in traces:
        node = ET.SubElement(log, "trace")
        ET.SubElement(node, "string", {"key": "concept:name", "value": trace.case})
        for key, value in trace.attributes.items():
            ET.SubElement(node, "string", {"key": key, "value": str(value)})
        for event in sorted(trace.events, key=lambda item: item.day):
            item = ET.SubElement(node, "event")
            ET.SubElement(item, "string", {"key": "concept:name",
                                           "value": NAMES.get(event.stage, event.stage)})
            ET.SubElement(item, "date", {"key": "time:timestamp",
                                         "value": _timestamp(event.day)})
            ET.SubElement(item, "string", {"key": "lifecycle:transition",
                                           "value": _lifecycle(event)})
            if event.department:
                ET.SubElement(item, "string", {"key": "org:resource",
                                               "value": event.department})
    ET.ElementTree(log).write(path, encoding="utf-8", xml_declaration=True)


def ocel(traces: Iterable[Trace]) -> dict:
    """OCEL 2.0 (JSON): projects and departments as objects, each stage event related to its
    project and to the department that handled it."""
    traces = list(traces)
    attribute_names = sorted({key for trace in traces for key in trace.attributes})
    departments = sorted({event.department for trace in traces for event in trace.events
                          if event.department})
    stages = sorted({NAMES.get(event.stage, event.stage) for trace in traces
                     for event in trace.events})
    epoch = "1970-01-01T00:00:00+00:00"
    events, number = [], 0
    for trace in traces:
        for event in sorted(trace.events, key=lambda item: item.day):
            number += 1
            related = [{"objectId": trace.case, "qualifier": "project"}]
            if event.department:
                related.append({"objectId": f"department:{event.department}",
                                "qualifier": "handled by"})
            events.append({"id": f"e{number}", "type": NAMES.get(event.stage, event.stage),
                           "time": _timestamp(event.day),
                           "attributes": [{"name": "returned", "value": event.returned}],
                           "relationships": related})
    return {
        "objectTypes": [
            {"name": "project", "attributes": [{"name": name, "type": "string"}
                                               for name in attribute_names]},
            {"name": "department", "attributes": []}],
        "eventTypes": [{"name": stage, "attributes": [{"name": "returned",
                                                       "type": "boolean"}]}
                       for stage in stages],
        "objects": [
            *({"id": trace.case, "type": "project",
               "attributes": [{"name": key, "time": epoch, "value": str(value)}
                              for key, value in trace.attributes.items()],
               "relationships": []} for trace in traces),
            *({"id": f"department:{name}", "type": "department", "attributes": [],
               "relationships": []} for name in departments)],
        "events": events,
    }


def write_ocel(traces: Iterable[Trace], target: str | Path | IO[bytes]) -> None:
    """OCEL 2.0 JSON to a path or a binary file."""
    data = json.dumps(ocel(traces), ensure_ascii=False, indent=1).encode("utf-8")
    if isinstance(target, (str, Path)):
        Path(target).write_bytes(data)
    else:
        target.write(data)
