"""Which enterprises belong to which cluster: a site inside a cluster's boundary (point in
polygon), unless the bureau assigned the firm explicitly; and what does not add up —
boundaries that overlap, firms inside two boundaries, firms outside every boundary."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import shapely
from shapely.geometry import mapping, shape

from acupoint.registry.geometry import area_km2, boundary_problem


@dataclass(frozen=True)
class Site:
    key: str
    lon: float | None
    lat: float | None


@dataclass(frozen=True)
class Overlap:
    first: str
    second: str
    area_km2: float


@dataclass
class Membership:
    cluster_of: dict[str, str]  # firm → cluster, explicit assignment first, then the boundary
    explicit: set[str] = field(default_factory=set)
    inside: dict[str, list[str]] = field(default_factory=dict)  # firm → boundaries around it
    ambiguous: list[str] = field(default_factory=list)  # inside two boundaries, not assigned
    outside: list[str] = field(default_factory=list)  # a site in no boundary, not assigned
    without_site: list[str] = field(default_factory=list)
    overlaps: list[Overlap] = field(default_factory=list)
    disagreements: list[tuple[str, str, list[str]]] = field(default_factory=list)
    # (firm, cluster assigned, boundaries its site lies in) where the two differ


def overlaps(boundaries: Mapping[str, dict]) -> list[Overlap]:
    """Pairs of boundaries that share area (touching edges do not count)."""
    shapes = {code: shape(geojson) for code, geojson in boundaries.items()}
    found = []
    for first, second in combinations(sorted(shapes), 2):
        common = shapes[first].intersection(shapes[second])
        if not common.is_empty and common.area > 0 and common.geom_type in (
                "Polygon", "MultiPolygon"):
            found.append(Overlap(first, second, area_km2(mapping(common))))
    return found


def assign(boundaries: Mapping[str, dict], sites: Iterable[Site],
           explicit: Mapping[str, str] | None = None) -> Membership:
    """Members of every cluster. ``explicit`` (firm → cluster) overrides the boundaries.

    A boundary that is not a valid polygon (open, self-intersecting) is refused with every
    such cluster named, rather than silently giving wrong members."""
    problems = {code: problem for code, geojson in boundaries.items()
                if (problem := boundary_problem(geojson))}
    if problems:
        raise ValueError("; ".join(f"{code}: {problem}" for code, problem in
                                   sorted(problems.items())))
    explicit = dict(explicit or {})
    sites = list(sites)
    located = [site for site in sites if site.lon is not None and site.lat is not None]
    lons = np.array([site.lon for site in located], float)
    lats = np.array([site.lat for site in located], float)
    inside: dict[str, list[str]] = {}
    for code in sorted(boundaries):
        polygon = shape(boundaries[code])
        shapely.prepare(polygon)
        for index in np.flatnonzero(shapely.contains_xy(polygon, lons, lats)):
            inside.setdefault(located[index].key, []).append(code)
    result = Membership(cluster_of={}, explicit=set(explicit), inside=inside,
                        overlaps=overlaps(boundaries))
    for site in sites:
        around = inside.get(site.key, [])
        if site.key in explicit:
            result.cluster_of[site.key] = explicit[site.key]
            if around and explicit[site.key] not in around:
                result.disagreements.append((site.key, explicit[site.key], around))
        elif len(around) == 1:
            result.cluster_of[site.key] = around[0]
        elif len(around) > 1:
            result.ambiguous.append(site.key)
        elif site.lon is None or site.lat is None:
            result.without_site.append(site.key)
        else:
            result.outside.append(site.key)
    return result
