"""The demo city is deterministic, realistic in shape and marked synthetic everywhere."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import shapely

from acupoint.demo.generator import SYNTHETIC_NOTE, generate, write
from acupoint.registry import credit_code, industry
from acupoint.registry.geometry import boundary_problem


def test_same_seed_same_city_other_seed_other_city():
    first, again, other = generate(300, seed=3), generate(300, seed=3), generate(300, seed=4)
    assert first.enterprises.equals(again.enterprises) and first.annual.equals(again.annual)
    assert not first.enterprises.equals(other.enterprises)


def test_codes_are_valid_and_unique_and_industries_exist():
    city = generate(2000, seed=1)
    codes = city.enterprises["credit_code"].to_pylist()
    assert len(set(codes)) == len(codes)
    assert all(credit_code.is_valid(code) for code in codes)
    assert all(industry.lookup(code) for code in city.enterprises["industry_code"].to_pylist())


def test_figures_are_heavy_tailed_correlated_and_blemished():
    city = generate(5000, years=(2023, 2024), seed=2)
    latest = city.annual.filter(pc.equal(city.annual["year"], 2024))
    revenue = np.array(latest["revenue"].to_pylist(), dtype=float)
    employees = np.array(latest["employees"].to_pylist(), dtype=float)
    ok = ~np.isnan(revenue) & ~np.isnan(employees) & (revenue > 0) & (employees > 0)
    top_share = np.sort(revenue[ok])[-len(revenue) // 10:].sum() / revenue[ok].sum()
    assert top_share > 0.5, "top 10% of firms should hold most revenue"
    assert np.corrcoef(np.log(revenue[ok]), np.log(employees[ok]))[0, 1] > 0.6
    above = pc.mean(pc.equal(city.enterprises["above_scale"], "是")).as_py()
    assert 0.15 < above < 0.45
    assert latest["energy_tce"].null_count > 0
    whole_tax = np.array(city.annual["tax"].to_pylist(), dtype=float)
    whole_revenue = np.array(city.annual["revenue"].to_pylist(), dtype=float)
    assert np.nansum(whole_tax > whole_revenue) > 0


def test_clusters_hold_their_members(tmp_path):
    city = generate(3000, seed=5)
    clusters = city.geography["clusters"]
    districts = city.geography["districts"]
    assert len(clusters) == 14 and len([item for item in districts if "parent" not in item]) == 10
    for cluster in clusters:
        assert boundary_problem(cluster["boundary"]) is None
        members = city.enterprises.filter(pc.equal(city.enterprises["cluster"], cluster["name"]))
        inside = shapely.contains_xy(shapely.geometry.shape(cluster["boundary"]),
                                     members["lon"].to_numpy(), members["lat"].to_numpy())
        assert members.num_rows > 0 and inside.all()


def test_every_file_says_it_is_synthetic(tmp_path):
    city = generate(100, seed=6)
    for path in write(city, tmp_path / "csv"):
        if path.suffix == ".json":
            assert json.loads(path.read_text(encoding="utf-8"))["synthetic"] is True
        else:
            assert path.read_text(encoding="utf-8").splitlines()[0] == SYNTHETIC_NOTE
    for path in write(city, tmp_path / "pq", "parquet"):
        if path.suffix == ".parquet":
            assert pq.read_schema(path).metadata[b"acupoint.synthetic"] == b"true"


def test_function_zones_are_units_of_their_own_within_a_district():
    city = generate(3000, seed=5)
    zones = [item for item in city.geography["districts"] if item.get("parent")]
    assert {zone["parent"] for zone in zones} == {"城阳", "黄岛"}
    units = city.enterprises["district"].to_pylist()
    for zone in zones:
        assert units.count(zone["name"]) > 20
