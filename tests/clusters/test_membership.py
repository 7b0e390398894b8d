"""Cluster membership by point in polygon, explicit assignment, and what does not add up."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acupoint.clusters.membership import Site, assign, overlaps


def square(lon: float, lat: float, size: float) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size],
            [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


BOUNDARIES = {"JM": square(120.0, 36.0, 0.1), "LX": square(120.5, 36.0, 0.1),
              "HD": square(120.05, 36.05, 0.1)}  # HD overlaps the north-east of JM


def test_members_by_boundary_explicit_first_and_the_rest_reported():
    sites = [Site("inside-jm", 120.02, 36.02), Site("inside-lx", 120.55, 36.05),
             Site("both", 120.08, 36.08), Site("outside", 121.0, 37.0),
             Site("assigned", 121.0, 37.0), Site("no-site", None, None),
             Site("assigned-elsewhere", 120.02, 36.02)]
    result = assign(BOUNDARIES, sites, explicit={"assigned": "LX",
                                                 "assigned-elsewhere": "LX"})
    assert result.cluster_of == {"inside-jm": "JM", "inside-lx": "LX", "assigned": "LX",
                                 "assigned-elsewhere": "LX"}
    assert result.ambiguous == ["both"] and result.inside["both"] == ["HD", "JM"]
    assert result.outside == ["outside"] and result.without_site == ["no-site"]
    assert result.disagreements == [("assigned-elsewhere", "LX", ["JM"])]


def test_overlapping_boundaries_are_reported_with_their_shared_area():
    found = overlaps(BOUNDARIES)
    assert [(item.first, item.second) for item in found] == [("HD", "JM")]
    # 0.05° × 0.05° near 36°N: about 4.5 km × 5.6 km
    assert found[0].area_km2 == pytest.approx(25.0, rel=0.05)
    touching = {"A": square(120.0, 36.0, 0.1), "B": square(120.1, 36.0, 0.1)}
    assert overlaps(touching) == []


def test_open_or_self_intersecting_boundaries_are_refused_by_name():
    bowtie = {"type": "Polygon", "coordinates": [[[120, 36], [120.1, 36.1], [120.1, 36],
                                                  [120, 36.1], [120, 36]]]}
    open_ring = {"type": "Polygon", "coordinates": [[[120, 36], [120.1, 36], [120.1, 36.1]]]}
    with pytest.raises(ValueError) as refused:
        assign({"OK": square(120, 36, 0.1), "BOW": bowtie, "OPEN": open_ring},
               [Site("a", 120.05, 36.05)])
    message = str(refused.value)
    assert "BOW" in message and "OPEN" in message and "OK:" not in message


@given(st.lists(st.tuples(st.floats(119.9, 120.7), st.floats(35.95, 36.2)), max_size=60))
def test_every_firm_lands_in_exactly_one_report(points):
    sites = [Site(str(index), lon, lat) for index, (lon, lat) in enumerate(points)]
    result = assign(BOUNDARIES, sites)
    buckets = [set(result.cluster_of), set(result.ambiguous), set(result.outside),
               set(result.without_site)]
    assert sum(len(bucket) for bucket in buckets) == len(sites)
    assert set().union(*buckets) == {site.key for site in sites}
    for key, code in result.cluster_of.items():
        assert result.inside[key] == [code]
