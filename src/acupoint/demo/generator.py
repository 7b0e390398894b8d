"""Synthetic demo city: enterprises with heavy-tailed, correlated figures, and their blemishes.

Everything is drawn with NumPy from one seed, column by column, so a million enterprises take
seconds and the same seed always gives the same city. Every file says it is synthetic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import shapely

from acupoint.demo.geography import CLUSTERS, DISTRICTS, ZONES, cluster_polygon
from acupoint.registry import industry
from acupoint.registry.credit_code import ALPHABET, WEIGHTS

SYNTHETIC_NOTE = "合成演示数据，非真实企业 / SYNTHETIC DEMO DATA — not real enterprises"
ABOVE_SCALE_REVENUE = 2000.0  # 万元, the national threshold for 规上工业企业

ENTERPRISE_HEADERS = {
    "credit_code": "统一社会信用代码", "name": "企业名称", "district": "区市", "park": "园区",
    "cluster": "集聚区", "industry_code": "行业代码", "above_scale": "是否规上",
    "founded": "成立日期", "above_scale_since": "纳入规上年份", "land_mu": "用地面积(亩)",
    "lon": "经度", "lat": "纬度",
}
ANNUAL_HEADERS = {
    "credit_code": "统一社会信用代码", "year": "年度", "revenue": "营业收入(万元)",
    "tax": "税收(万元)", "value_added": "工业增加值(万元)", "energy_tce": "综合能耗(吨标准煤)",
    "emissions": "污染物排放当量", "rd_spend": "研发经费支出(万元)", "employees": "从业人员(人)",
    "fixed_asset_investment": "固定资产投资(万元)", "equipment_investment": "设备投资(万元)",
    "exports": "出口交货值(万元)", "electricity_kwh": "用电量(千瓦时)", "gas_m3": "用气量(立方米)",
    "water_m3": "用水量(立方米)", "land_use_tax": "城镇土地使用税(万元)",
    "major_accident": "发生重大安全环保事故", "energy_target_missed": "未完成节能目标",
    "under_construction": "在建", "land_unused": "土地未投入使用",
}
# Yes/no facts of a year, with how often they are true (an under-construction firm is also one
# founded that year).
_FLAGS = {"major_accident": 0.005, "energy_target_missed": 0.02, "under_construction": 0.003,
          "land_unused": 0.003}

_NAME_HEADS = list("海瑞华恒信德泰丰盛鑫宏达源博诚远金润康隆佳益兴明安荣昌凯宇嘉鼎汇")
_NAME_TAILS = list("通利科新力创腾星辉达宝昊峰航晟锐景成泽祥和铭智尚")
# Divisions whose energy per unit of revenue is high (chemicals, minerals, metals, rubber).
_ENERGY_HEAVY = {"25", "26", "28", "29", "30", "31", "32", "22"}
_TECH_DIVISIONS = {"27", "34", "35", "36", "37", "38", "39", "40"}


@dataclass
class DemoCity:
    geography: dict
    enterprises: pa.Table
    annual: pa.Table


def _manufacturing_classes() -> list[str]:
    return [item.code for item in industry.table().values()
            if item.level == "class" and industry.section(item.code) == "C"]


def _classes_under(prefix: str, classes: list[str]) -> list[str]:
    return [code for code in classes if code.startswith(prefix)]


def credit_codes(rng: np.random.Generator, district_codes: np.ndarray) -> np.ndarray:
    """Valid GB 32100-2015 codes: 9 (enterprise) 1 (company), the district, a serial, check."""
    count = len(district_codes)
    lookup = {char: index for index, char in enumerate(ALPHABET)}
    head = np.empty((count, 17), dtype=np.int64)
    head[:, 0] = lookup["9"]
    head[:, 1] = lookup["1"]
    for position in range(6):
        head[:, 2 + position] = np.array([lookup[code[position]] for code in district_codes])
    head[:, 8:] = rng.integers(0, len(ALPHABET), size=(count, 9))
    check = (31 - (head @ np.array(WEIGHTS)) % 31) % 31
    letters = np.array(list(ALPHABET))
    chars = np.concatenate([letters[head], letters[check][:, None]], axis=1)
    return np.ascontiguousarray(chars).view("<U18").ravel()


def _unique_codes(rng: np.random.Generator, district_codes: np.ndarray) -> np.ndarray:
    codes = credit_codes(rng, district_codes)
    _, first = np.unique(codes, return_index=True)
    duplicated = np.setdiff1d(np.arange(len(codes)), first)
    while len(duplicated):
        codes[duplicated] = credit_codes(rng, district_codes[duplicated])
        _, first = np.unique(codes, return_index=True)
        duplicated = np.setdiff1d(np.arange(len(codes)), first)
    return codes


def geography(rng: np.random.Generator) -> dict:
    clusters = []
    for cluster in CLUSTERS:
        clusters.append({
            "code": cluster.code, "name": cluster.name, "district": cluster.district,
            "field": cluster.field, "leading_industries": list(cluster.leading),
            "boundary": cluster_polygon(cluster, rng), "management_body": cluster.management_body,
            "has_creation_plan": cluster.creation_plan,
            "has_development_plan": cluster.development_plan,
        })
    parks = [{"name": f"{item.name}{suffix}", "district": item.name}
             for item in DISTRICTS for suffix in ("经济开发区", "工业园")]
    return {
        "synthetic": True, "note": SYNTHETIC_NOTE,
        "districts": [{"code": d.code, "name": d.name, "name_en": d.name_en,
                       "aliases": list(d.aliases)} for d in DISTRICTS]
        + [{"code": zone.code, "name": zone.name, "name_en": zone.name_en,
            "parent": zone.district} for zone in ZONES],
        "parks": parks, "clusters": clusters,
    }


def generate(enterprises: int = 20_000, years: tuple[int, int] = (2019, 2024),
             seed: int = 2019) -> DemoCity:
    rng = np.random.default_rng(seed)
    geo = geography(rng)
    n = enterprises
    classes = _manufacturing_classes()

    weights = np.array([d.weight for d in DISTRICTS])
    district_index = rng.choice(len(DISTRICTS), size=n, p=weights / weights.sum())
    district_names = np.array([d.name for d in DISTRICTS])[district_index]
    district_codes = np.array([d.code for d in DISTRICTS])[district_index]
    centres = np.array([[d.lon, d.lat] for d in DISTRICTS])[district_index]

    industry_codes = rng.choice(classes, size=n)
    cluster_names = np.full(n, "", dtype=object)
    density = np.ones(n)
    lon = centres[:, 0] + rng.normal(0, 0.06, n)
    lat = centres[:, 1] + rng.normal(0, 0.045, n)
    for spec, cluster in zip(CLUSTERS, geo["clusters"], strict=True):
        in_district = np.flatnonzero((district_names == spec.district) & (cluster_names == ""))
        members = in_district[rng.random(len(in_district)) < 0.45 / _clusters_in(spec.district)]
        cluster_names[members] = spec.name
        leading = [code for prefix in spec.leading for code in _classes_under(prefix, classes)]
        density[members] = spec.density
        on_chain = members[rng.random(len(members)) < spec.focus]
        industry_codes[on_chain] = rng.choice(leading, size=len(on_chain))
        lon[members], lat[members] = _points_in(cluster["boundary"], len(members), rng)

    park_names = np.where(rng.random(n) < 0.5, "经济开发区", "工业园")
    park = np.where((cluster_names == "") & (rng.random(n) < 0.4),
                    np.char.add(district_names.astype(str), park_names.astype(str)), "")
    # Firms in a function zone are evaluated in the zone, not in the district around it
    # (drawn apart, so that the rest of the city is the same with or without zones).
    unit_names = district_names.astype(object)
    zone_draw = np.random.default_rng(seed + 2).random(n)
    for zone in ZONES:
        inside = (district_names == zone.district) & (cluster_names == "") & (park == "")
        unit_names[inside & (zone_draw < zone.share)] = zone.name

    founded_year = np.clip(np.round(2024 - rng.gamma(2.0, 7.0, n)), 1980, 2024).astype(int)
    founded = (np.array([f"{y}-01-01" for y in founded_year], dtype="datetime64[D]")
               + rng.integers(0, 365, n).astype("timedelta64[D]"))

    division = np.array([code[:2] for code in industry_codes])
    heavy = np.isin(division, list(_ENERGY_HEAVY))
    tech = np.isin(division, list(_TECH_DIVISIONS))

    # One latent size drives revenue, land, staff and investment: correlated, heavy-tailed.
    size = rng.normal(0, 1, n)
    revenue_base = np.exp(np.log(900) + 1.55 * size + rng.standard_t(4, n) * 0.15)
    land = np.maximum(np.exp(np.log(18) + 0.62 * 1.55 * size + rng.normal(0, 0.55, n)) / density,
                      0.1)
    staff = np.maximum(3, np.round(np.exp(np.log(45) + 0.7 * 1.55 * size + rng.normal(0, 0.4, n))))
    tax_rate = rng.beta(2.2, 45, n) * np.where(heavy, 0.8, 1.0)
    va_rate = rng.beta(5, 14, n)
    energy_intensity = np.exp(rng.normal(np.where(heavy, np.log(0.35), np.log(0.05)), 0.6))
    emission_factor = np.exp(rng.normal(np.where(heavy, np.log(3.0), np.log(0.8)), 0.7))
    rd_ratio = np.where(rng.random(n) < np.where(tech, 0.25, 0.5), 0.0,
                        np.exp(rng.normal(np.where(tech, np.log(0.035), np.log(0.015)), 0.6)))
    exporter = rng.random(n) < 0.35
    export_share = np.where(exporter, rng.beta(1.5, 3.0, n), 0.0)
    growth_trend = rng.normal(0.06, 0.08, n)

    # The bureau names the cluster of about a third of the members in the file; the others
    # are members because their site lies inside the boundary.
    named = np.where(np.random.default_rng(seed + 1).random(n) < 0.35, cluster_names, "")
    codes = _unique_codes(rng, district_codes)
    names = _names(rng, n, industry_codes)
    above_scale = revenue_base >= ABOVE_SCALE_REVENUE
    flip = rng.random(n) < 0.01
    above_scale = np.where(flip, ~above_scale, above_scale)
    # The year each above-scale firm entered the statistics; about one in twelve did so in the
    # last two years (新升规: never D in the evaluation).
    last = max(years)
    settled = founded_year + np.floor(rng.random(n) * np.maximum(0, last - 2 - founded_year))
    recent = rng.random(n) < 0.08
    since = np.where(recent, last - rng.integers(0, 2, n), np.minimum(settled, last))
    since = np.maximum(np.maximum(since, founded_year), 1998).astype(int)  # 规上 statistics

    enterprise_table = pa.table({
        "credit_code": codes, "name": names, "district": unit_names.astype(str),
        "park": pa.array(park, pa.string()), "cluster": pa.array(named.astype(str)),
        "industry_code": industry_codes, "above_scale": np.where(above_scale, "是", "否"),
        "founded": pa.array(founded),
        "above_scale_since": pa.array(since, pa.int32(), mask=~above_scale),
        "land_mu": np.round(land, 2),
        "lon": np.round(lon, 6), "lat": np.round(lat, 6),
    })
    annual = _annual(rng, years, founded_year, revenue_base, growth_trend, staff, tax_rate,
                     va_rate, energy_intensity, emission_factor, rd_ratio, export_share, codes,
                     land)
    return DemoCity(geo, _blemish_enterprises(rng, enterprise_table), annual)


def _clusters_in(district_name: str) -> int:
    return sum(1 for cluster in CLUSTERS if cluster.district == district_name)


def _points_in(polygon: dict, count: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    shape = shapely.geometry.shape(polygon)
    min_x, min_y, max_x, max_y = shape.bounds
    xs, ys = np.empty(0), np.empty(0)
    while len(xs) < count:
        x = rng.uniform(min_x, max_x, count * 2)
        y = rng.uniform(min_y, max_y, count * 2)
        inside = shapely.contains_xy(shape, x, y)
        xs, ys = np.concatenate([xs, x[inside]]), np.concatenate([ys, y[inside]])
    return xs[:count], ys[:count]


def _names(rng: np.random.Generator, n: int, industry_codes: np.ndarray) -> np.ndarray:
    heads = rng.choice(_NAME_HEADS, size=(n, 2))
    tails = rng.choice(_NAME_TAILS, size=n)
    trade = {code: _trade_word(code) for code in set(industry_codes.tolist())}
    serial = rng.integers(0, 1000, n)
    return np.array([
        f"青岛{a}{b}{t}{trade[code]}有限公司" if s % 7 else f"青岛{a}{t}{trade[code]}股份有限公司"
        for a, b, t, code, s in zip(heads[:, 0], heads[:, 1], tails, industry_codes, serial,
                                    strict=True)])


def _trade_word(code: str) -> str:
    name = industry.name(code).replace("制造", "").replace("及", "")
    return name[:4] if name else "工业"


def _annual(rng, years, founded_year, revenue_base, growth_trend, staff, tax_rate, va_rate,
            energy_intensity, emission_factor, rd_ratio, export_share, codes, land) -> pa.Table:
    first, last = years
    frames = []
    level = np.ones(len(codes))
    kwh_per_tce = rng.uniform(2000, 8000, len(codes))
    gas_per_tce = rng.uniform(20, 300, len(codes))
    land_tax_rate = rng.choice([3.0, 4.0, 6.0, 9.0], len(codes))  # 元/㎡·年 by land grade
    for year in range(last, first - 1, -1):
        alive = founded_year <= year
        shock = -0.07 if year == 2020 else 0.0
        revenue = revenue_base * level * np.exp(rng.normal(0, 0.08, len(codes)))
        investment = revenue * np.exp(rng.normal(np.log(0.08), 0.9, len(codes)))
        # A new industrial project invests several times its early revenue while it builds.
        young = year - founded_year < 3
        investment = np.where(young, revenue * np.exp(rng.normal(np.log(4.0), 0.4, len(codes))),
                              investment)
        frame = {
            "credit_code": codes[alive], "year": np.full(alive.sum(), year, dtype=np.int32),
            "revenue": revenue[alive],
            "tax": revenue[alive] * tax_rate[alive] * np.exp(rng.normal(0, 0.2, alive.sum())),
            "value_added": revenue[alive] * va_rate[alive],
            "energy_tce": revenue[alive] * energy_intensity[alive],
            "emissions": revenue[alive] * energy_intensity[alive] * emission_factor[alive],
            "rd_spend": revenue[alive] * rd_ratio[alive],
            "employees": np.maximum(1, np.round(staff[alive] * level[alive] ** 0.5)),
            "fixed_asset_investment": investment[alive],
            "equipment_investment": investment[alive] * rng.beta(4, 5, alive.sum()),
            "exports": revenue[alive] * export_share[alive],
            "electricity_kwh": revenue[alive] * energy_intensity[alive] * kwh_per_tce[alive],
            "gas_m3": revenue[alive] * energy_intensity[alive] * gas_per_tce[alive],
            "water_m3": staff[alive] * rng.uniform(20, 80, alive.sum()),
            "land_use_tax": land[alive] * 666.67 * land_tax_rate[alive] / 1e4,
        }
        for flag, rate in _FLAGS.items():
            frame[flag] = rng.random(alive.sum()) < rate
        frame["under_construction"] |= founded_year[alive] == year
        frames.append(frame)
        level = level / np.exp(growth_trend + shock + rng.normal(0, 0.1, len(codes)))
    columns = {key: np.concatenate([frame[key] for frame in reversed(frames)])
               for key in frames[0]}
    for key in ANNUAL_HEADERS:
        if key not in ("credit_code", "year", "employees", *_FLAGS):
            columns[key] = np.round(columns[key], 2)
    columns["employees"] = columns["employees"].astype(np.int64)
    return _blemish_annual(rng, columns)


def _blemish_annual(rng: np.random.Generator, columns: dict) -> pa.Table:
    """Gaps, outliers and a few impossible figures, as real reporting has."""
    rows = len(columns["year"])
    arrays = {}
    for key, values in columns.items():
        if key in ("credit_code", "year"):
            arrays[key] = pa.array(values)
            continue
        if key in _FLAGS:
            arrays[key] = pa.array(np.where(values, "是", "否"))
            continue
        values = values.astype(float)
        missing_rate = 0.03 if key in ("energy_tce", "emissions", "rd_spend") else 0.005
        outliers = rng.random(rows) < 0.002
        values = np.where(outliers, values * rng.choice([0.01, 30.0], rows), values)
        if key == "tax":  # tax above revenue: impossible, yet found in real files
            impossible = rng.random(rows) < 0.0005
            values = np.where(impossible, columns["revenue"] * 1.3, values)
        mask = rng.random(rows) < missing_rate
        if key == "employees":
            values = np.where(rng.random(rows) < 0.0005, 0.0, values)
            arrays[key] = pa.array(values.astype(np.int64), mask=mask)
        else:
            arrays[key] = pa.array(np.round(values, 2), mask=mask)
    return pa.table(arrays)


def _blemish_enterprises(rng: np.random.Generator, table: pa.Table) -> pa.Table:
    rows = table.num_rows
    land = table["land_mu"].to_numpy()
    outliers = rng.random(rows) < 0.002
    land = np.where(outliers, land * 50, land)
    return table.set_column(table.schema.get_field_index("land_mu"), "land_mu",
                            pa.array(np.round(land, 2), mask=rng.random(rows) < 0.01))


def write(city: DemoCity, out: Path, file_format: str = "csv") -> list[Path]:
    """Write geography.json, enterprises and annual data (CSV with Chinese headers, or Parquet)."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "geography.json"]
    written[0].write_text(json.dumps(city.geography, ensure_ascii=False, indent=1),
                          encoding="utf-8")
    for name, table, headers in (("enterprises", city.enterprises, ENTERPRISE_HEADERS),
                                 ("annual", city.annual, ANNUAL_HEADERS)):
        renamed = table.rename_columns([headers[column] for column in table.column_names])
        if file_format == "parquet":
            path = out / f"{name}.parquet"
            metadata = {b"acupoint.synthetic": b"true", b"acupoint.note": SYNTHETIC_NOTE.encode()}
            pq.write_table(renamed.replace_schema_metadata(metadata), path,
                           compression="zstd")
        else:
            path = out / f"{name}.csv"
            with path.open("wb") as handle:
                handle.write(f"{SYNTHETIC_NOTE}\n".encode())
                pacsv.write_csv(renamed, handle)
        written.append(path)
    readme = out / "README.txt"
    readme.write_text(f"{SYNTHETIC_NOTE}\nGenerated by `acupoint demo-data`.\n", encoding="utf-8")
    written.append(readme)
    return written
