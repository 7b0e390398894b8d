"""The demo city's places: the 10 real districts of Qingdao and 14 synthetic clusters in the
city's "956" industry fields. Names of districts are real; clusters, boundaries and every
enterprise are synthetic."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DemoDistrict:
    code: str
    name: str
    name_en: str
    lon: float
    lat: float
    weight: float  # share of the city's industrial enterprises
    aliases: tuple[str, ...] = ()


DISTRICTS: tuple[DemoDistrict, ...] = (
    DemoDistrict("370202", "市南", "Shinan", 120.38, 36.07, 0.03),
    DemoDistrict("370203", "市北", "Shibei", 120.37, 36.10, 0.05),
    DemoDistrict("370211", "黄岛", "Huangdao", 120.05, 35.92, 0.22, ("西海岸新区", "西海岸")),
    DemoDistrict("370212", "崂山", "Laoshan", 120.48, 36.12, 0.06),
    DemoDistrict("370213", "李沧", "Licang", 120.43, 36.16, 0.06),
    DemoDistrict("370214", "城阳", "Chengyang", 120.39, 36.31, 0.13),
    DemoDistrict("370215", "即墨", "Jimo", 120.45, 36.39, 0.14),
    DemoDistrict("370281", "胶州", "Jiaozhou", 120.03, 36.27, 0.13),
    DemoDistrict("370283", "平度", "Pingdu", 119.96, 36.78, 0.10),
    DemoDistrict("370285", "莱西", "Laixi", 120.52, 36.88, 0.08),
)


@dataclass(frozen=True)
class DemoZone:
    """A function zone that publishes its own class lists, within a district; ``share`` of
    that district's firms outside the clusters stand in it. The codes are local identifiers,
    not administrative codes."""

    code: str
    name: str
    name_en: str
    district: str
    share: float


ZONES: tuple[DemoZone, ...] = (
    DemoZone("ZONE-GX", "青岛高新区", "Qingdao Hi-tech Zone", "城阳", 0.25),
    DemoZone("ZONE-BS", "前湾保税港区", "Qianwan Bonded Port Area", "黄岛", 0.12),
)


@dataclass(frozen=True)
class DemoCluster:
    code: str
    name: str
    district: str
    field: str
    leading: tuple[str, ...]
    offset: tuple[float, float]  # from the district centre, degrees
    radius_km: float
    management_body: str
    creation_plan: bool = True
    development_plan: bool = True
    # Members use land this many times more intensively than the city's other firms, and this
    # share of them is on the cluster's leading chain: between them they decide which
    # clusters meet the creation standards.
    density: float = 8.0
    focus: float = 0.85


CLUSTERS: tuple[DemoCluster, ...] = (
    DemoCluster("QD01", "即墨汽车制造产业集聚区", "即墨", "汽车制造", ("36",), (0.03, -0.02), 3.5,
                "即墨汽车产业新城管委会", density=22.4),
    DemoCluster("QD02", "莱西新能源汽车产业集聚区", "莱西", "汽车制造", ("3612", "367"),
                (-0.03, 0.02), 3.0, "莱西经济开发区管委会", density=14.4),
    DemoCluster("QD03", "平度南村家电产业功能区", "平度", "智能家电", ("385",), (0.10, -0.22),
                1.9, "南村镇家电产业功能区服务中心", density=16.0),
    DemoCluster("QD04", "西海岸船舶海工装备产业集聚区", "黄岛", "海洋装备", ("373",), (0.18, 0.02),
                3.2, "海洋高新区管委会", density=17.6),
    DemoCluster("QD05", "城阳轨道交通装备产业集聚区", "城阳", "轨道交通装备", ("371",),
                (-0.04, 0.01), 2.6, "城阳轨道交通产业示范区管委会", density=15.2),
    DemoCluster("QD06", "崂山微电子产业集聚区", "崂山", "微电子", ("397", "398"), (0.01, 0.02),
                1.8, "崂山科技城管理办公室", density=22.4),
    DemoCluster("QD07", "李沧物联网产业集聚区", "李沧", "物联网", ("392", "396", "4011"),
                (0.01, -0.01), 1.6, "", True, False),
    DemoCluster("QD08", "胶州工业机器人产业集聚区", "胶州", "工业机器人", ("3491", "4011"),
                (0.05, -0.03), 2.2, "胶州湾工业园管委会", density=17.6),
    DemoCluster("QD09", "西海岸生物医药产业集聚区", "黄岛", "生物医药", ("27",), (-0.05, 0.06),
                2.4, "国际生态健康城管委会", density=16.0),
    DemoCluster("QD10", "城阳食品饮料产业集聚区", "城阳", "食品饮料", ("14", "15"), (0.05, 0.04),
                2.1, "城阳食品工业园服务中心", False, True),
    DemoCluster("QD11", "胶州新材料产业集聚区", "胶州", "新材料", ("265", "398"), (-0.06, 0.04),
                2.0, "胶州经济技术开发区管委会", density=12.8, focus=0.35),
    DemoCluster("QD12", "平度明村橡胶产业集聚区", "平度", "新材料", ("291",), (-0.12, 0.05), 1.7,
                "明村镇化工产业园服务中心", density=3.0),
    DemoCluster("QD13", "即墨纺织服装产业集聚区", "即墨", "纺织服装", ("17", "18"), (-0.05, 0.04),
                2.3, "即墨服装产业园管委会", density=4.0),
    DemoCluster("QD14", "西海岸增材制造产业集聚区", "黄岛", "增材制造", ("3493", "34"),
                (0.02, -0.07), 1.5, "西海岸智能制造产业园服务中心", density=13.6),
)

KM_PER_DEGREE_LAT = 111.2


def district(name: str) -> DemoDistrict:
    return next(item for item in DISTRICTS if item.name == name)


def cluster_centre(cluster: DemoCluster) -> tuple[float, float]:
    home = district(cluster.district)
    return home.lon + cluster.offset[0], home.lat + cluster.offset[1]


def cluster_polygon(cluster: DemoCluster, rng: np.random.Generator) -> dict:
    """A star-shaped (hence simple) polygon of 10–14 vertices around the cluster's centre."""
    lon, lat = cluster_centre(cluster)
    vertices = int(rng.integers(10, 15))
    angles = np.sort(rng.uniform(0, 2 * np.pi, vertices))
    radii = cluster.radius_km * rng.uniform(0.65, 1.0, vertices)
    dlat = radii * np.sin(angles) / KM_PER_DEGREE_LAT
    dlon = radii * np.cos(angles) / (KM_PER_DEGREE_LAT * np.cos(np.radians(lat)))
    ring = [[round(lon + x, 6), round(lat + y, 6)] for x, y in zip(dlon, dlat, strict=True)]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}
