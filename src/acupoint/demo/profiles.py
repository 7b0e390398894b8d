"""Synthetic enterprise profiles in the policy catalogue's columns, for benchmarks and tests.

Every value is drawn so that each shipped clause has firms on both sides of its thresholds and
some with data missing; nothing here describes a real enterprise.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from acupoint.engine.policy import Catalogue

DISTRICTS = ("市南", "市北", "李沧", "崂山", "黄岛", "城阳", "即墨", "胶州", "平度", "莱西")
INDUSTRIES = ("3612", "3670", "3660", "3841", "3911", "3922", "2614", "1311", "1522", "3461")
LEVELS = {
    "triage_class": ("A", "B", "C", "D"),
    "srdi_level": ("city", "provincial", "national"),
    "demo_project_level": ("national", "provincial"),
    "rd_centre_level": ("national", "provincial", "city"),
    "smart_factory_level": ("provincial", "city"),
    "green_factory_level": ("national", "provincial"),
}


def synthetic_profiles(size: int, catalogue: Catalogue, seed: int = 2019,
                       missing: float = 0.05) -> pa.Table:
    """``size`` profiles; each datum is missing with probability ``missing``."""
    rng = np.random.default_rng(seed)
    columns: dict[str, pa.Array] = {
        "credit_code": pa.array([f"9137020{index:011d}" for index in range(size)]),
    }
    revenue = rng.lognormal(8.5, 1.5, size)
    for name, variable in catalogue.variables.items():
        if variable.formula:
            continue
        values = _draw(name, variable.kind, variable.source, revenue, rng, size)
        mask = rng.uniform(size=size) < missing
        columns[name] = pa.array(values, mask=mask)
    return pa.table(columns)


def _draw(name: str, kind: str, source: str, revenue: np.ndarray,
          rng: np.random.Generator, size: int) -> np.ndarray:
    if name == "district":
        return rng.choice(DISTRICTS, size)
    if name == "industry":
        return rng.choice(INDUSTRIES, size)
    if name == "cluster":
        return np.array([f"QD{number:02d}" for number in rng.integers(1, 15, size)])
    if name in LEVELS:
        return rng.choice(LEVELS[name], size)
    if kind == "date":
        days = rng.integers(0, 15 * 365, size)
        return (np.datetime64("2010-01-01") + days.astype("timedelta64[D]")).astype(str)
    if name == "year":
        return rng.integers(2021, 2026, size)
    if kind == "bool":
        # Registry flags are common; the policy tags (NEV maker, H2 station…) are rare.
        share = 0.3 if name in ("above_scale", "major_accident") else 0.05
        return rng.uniform(size=size) < share
    if name == "revenue":
        return revenue
    if name == "revenue_prev":
        return revenue / rng.uniform(0.8, 1.4, size)
    if name in ("rd_spend",):
        return revenue * rng.uniform(0, 0.08, size)
    if name in ("vehicle_sales_prev", "fcev_sales_prev"):
        return rng.lognormal(9, 1, size)
    if name in ("vehicle_sales", "fcev_sales"):
        return rng.lognormal(9, 1, size) * rng.uniform(0.8, 1.5, size)
    if name == "h2_retail_price":
        return rng.uniform(28, 42, size)
    if name in ("age_years", "years_to_production", "h2_station_years", "years_in_d"):
        return rng.integers(0, 8, size).astype(int if kind == "integer" else float)
    # Most enterprises have none of what a fact counts (patents, exhibitions, hydrogen sold).
    present = rng.uniform(size=size) < (0.15 if source == "fact" else 1.0)
    if kind == "integer":
        return np.where(present, rng.integers(1, 200, size), 0)
    return np.where(present, revenue * rng.uniform(0, 0.3, size), 0.0)
