"""Every column the registry imports and exports: its unit, its names in Chinese and English,
and the header spellings offices actually use. One table, read by the importer, the exporter,
the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Unit:
    code: str
    label: str
    # Header spellings of this unit and of the ones convertible to it, with the factor that
    # converts a value in that unit into this one.
    spellings: dict[str, float] = field(default_factory=dict)


WAN_YUAN = Unit(
    "万元",
    "万元",
    {"万元": 1.0, "元": 1e-4, "亿元": 1e4, "千元": 0.1, "10kyuan": 1.0, "yuan": 1e-4},
)
MU = Unit(
    "亩",
    "亩",
    {
        "亩": 1.0,
        "mu": 1.0,
        "平方米": 1 / 666.6667,
        "㎡": 1 / 666.6667,
        "m2": 1 / 666.6667,
        "公顷": 15.0,
        "ha": 15.0,
    },
)
TCE = Unit(
    "吨标准煤",
    "tce",
    {
        "吨标准煤": 1.0,
        "吨标煤": 1.0,
        "tce": 1.0,
        "万吨标准煤": 1e4,
        "千克标准煤": 1e-3,
        "kgce": 1e-3,
    },
)
EMISSION = Unit("当量", "当量", {"当量": 1.0, "污染当量": 1.0, "equivalent": 1.0})
PERSONS = Unit("人", "人", {"人": 1.0, "persons": 1.0, "万人": 1e4})
KWH = Unit("千瓦时", "kWh", {"千瓦时": 1.0, "kwh": 1.0, "万千瓦时": 1e4, "万kwh": 1e4,
                             "兆瓦时": 1e3, "mwh": 1e3})
CUBIC_METRES = Unit("立方米", "m³", {"立方米": 1.0, "m3": 1.0, "m³": 1.0, "万立方米": 1e4,
                                   "万m3": 1e4, "吨": 1.0})
DEGREES = Unit("度", "°", {"度": 1.0, "°": 1.0, "deg": 1.0})


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    aliases: tuple[str, ...]
    unit: Unit | None = None
    kind: str = "number"  # number | integer | text | date | bool | year
    minimum: float | None = None
    # A value above this in the declared unit is implausible for one enterprise (10 万亿元 of
    # revenue): most likely the file holds 元 under a 万元 header. Warned, not refused.
    implausible_above: float | None = None


ENTERPRISE_COLUMNS: tuple[Column, ...] = (
    Column(
        "credit_code",
        _("Unified social credit code"),
        (
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "credit code",
            "unified social credit code",
            "uscc",
        ),
        kind="text",
    ),
    Column(
        "name",
        _("Enterprise name"),
        ("企业名称", "单位名称", "单位详细名称", "企业", "name", "enterprise name", "enterprise"),
        kind="text",
    ),
    Column(
        "district",
        _("District"),
        ("区市", "所属区市", "所在区市", "区(市)", "区县", "所属区县", "district"),
        kind="text",
    ),
    Column("park", _("Park"), ("园区", "所属园区", "park"), kind="text"),
    Column("cluster", _("Cluster"), ("集聚区", "所属集聚区", "产业集聚区", "cluster"), kind="text"),
    Column(
        "industry_code",
        _("Industry code"),
        (
            "行业代码",
            "国民经济行业代码",
            "行业类别代码",
            "国民经济行业分类代码",
            "行业分类代码",
            "industry code",
            "industry",
        ),
        kind="text",
    ),
    Column(
        "above_scale",
        _("Above designated size"),
        ("是否规上", "是否规上企业", "规上企业", "规模以上", "above scale", "above_scale"),
        kind="bool",
    ),
    Column(
        "founded",
        _("Founding date"),
        ("成立日期", "成立时间", "注册日期", "founded", "founding date"),
        kind="date",
    ),
    Column(
        "above_scale_since",
        _("Year it became above designated size"),
        ("纳入规上年份", "规上年份", "上规年份", "升规年份", "纳入规模以上年份",
         "above scale since", "above_scale_since"),
        kind="year",
    ),
    Column(
        "land_mu",
        _("Land area"),
        ("用地面积", "占地面积", "土地面积", "实际用地面积", "land area", "land", "land_mu"),
        unit=MU,
        minimum=0.0,
    ),
    Column("lon", _("Longitude"), ("经度", "longitude", "lon", "lng"), unit=DEGREES, kind="number"),
    Column("lat", _("Latitude"), ("纬度", "latitude", "lat"), unit=DEGREES, kind="number"),
)

YEAR_COLUMN = Column("year", _("Year"), ("年度", "年份", "统计年度", "year"), kind="year")

ANNUAL_COLUMNS: tuple[Column, ...] = (
    Column(
        "revenue",
        _("Revenue"),
        ("营业收入", "主营业务收入", "销售收入", "营业总收入", "revenue", "sales"),
        unit=WAN_YUAN,
        minimum=0.0,
        implausible_above=1e8,
    ),
    Column(
        "tax",
        _("Tax paid"),
        ("税收", "实缴税金", "税收实际贡献", "实缴税收", "纳税额", "tax", "tax paid"),
        unit=WAN_YUAN,
        implausible_above=1e7,
    ),
    Column(
        "value_added",
        _("Industrial value added"),
        ("工业增加值", "增加值", "value added", "industrial value added", "value_added"),
        unit=WAN_YUAN,
        implausible_above=5e7,
    ),
    Column(
        "energy_tce",
        _("Energy use"),
        ("综合能耗", "能源消费量", "综合能源消费量", "能耗", "energy", "energy use", "energy_tce"),
        unit=TCE,
        minimum=0.0,
    ),
    Column(
        "emissions",
        _("Pollutant emissions"),
        (
            "污染物排放当量",
            "污染物排放",
            "主要污染物排放量",
            "排放当量",
            "emissions",
            "pollutant emissions",
        ),
        unit=EMISSION,
        minimum=0.0,
    ),
    Column(
        "rd_spend",
        _("R&D spending"),
        (
            "研发经费",
            "研发经费支出",
            "r&d经费支出",
            "研发投入",
            "研究与试验发展经费支出",
            "r&d spending",
            "rd",
            "rd_spend",
        ),
        unit=WAN_YUAN,
        minimum=0.0,
        implausible_above=1e7,
    ),
    Column(
        "employees",
        _("Employees"),
        ("从业人员", "从业人员数", "年平均职工人数", "职工人数", "从业人员期末人数", "employees"),
        unit=PERSONS,
        kind="integer",
        minimum=0.0,
    ),
    Column(
        "fixed_asset_investment",
        _("Fixed-asset investment"),
        ("固定资产投资", "固定资产投资额", "fixed asset investment", "fixed_asset_investment"),
        unit=WAN_YUAN,
        minimum=0.0,
        implausible_above=5e7,
    ),
    Column(
        "equipment_investment",
        _("Equipment investment"),
        ("设备投资", "设备购置投资", "设备投资额", "equipment investment", "equipment_investment"),
        unit=WAN_YUAN,
        minimum=0.0,
        implausible_above=5e7,
    ),
    Column(
        "exports",
        _("Exports"),
        ("出口额", "出口交货值", "出口", "exports"),
        unit=WAN_YUAN,
        minimum=0.0,
        implausible_above=5e7,
    ),
)

# What the yearly per-mu evaluation (亩均效益评价) reads besides the figures above: consumption
# that differentiated prices apply to, the land-use tax that reliefs reduce, and the facts
# that veto a class or keep a firm out of the evaluation.
TRIAGE_COLUMNS: tuple[Column, ...] = (
    Column("electricity_kwh", _("Electricity use"),
           ("用电量", "年用电量", "电力消费量", "electricity", "electricity_kwh"), unit=KWH,
           minimum=0.0),
    Column("gas_m3", _("Natural gas use"),
           ("用气量", "天然气用量", "天然气消费量", "gas", "gas_m3"), unit=CUBIC_METRES,
           minimum=0.0),
    Column("water_m3", _("Water use"), ("用水量", "年用水量", "water", "water_m3"),
           unit=CUBIC_METRES, minimum=0.0),
    Column("land_use_tax", _("Urban land-use tax"),
           ("城镇土地使用税", "土地使用税", "land use tax", "land_use_tax"), unit=WAN_YUAN,
           minimum=0.0),
    Column("major_accident", _("Major safety or environmental accident"),
           ("重大安全环保事故", "发生重大安全环保事故", "重大事故", "major accident",
            "major_accident"), kind="bool"),
    Column("energy_target_missed", _("Energy-saving target missed"),
           ("未完成节能目标", "节能目标未完成", "energy target missed", "energy_target_missed"),
           kind="bool"),
    Column("under_construction", _("Under construction"),
           ("在建", "在建项目", "under construction", "under_construction"), kind="bool"),
    Column("land_unused", _("Land not yet in use"),
           ("土地未投入使用", "用地未投产", "land unused", "land_unused"), kind="bool"),
)
ANNUAL_COLUMNS = (*ANNUAL_COLUMNS, *TRIAGE_COLUMNS)

ANNUAL_MEASURES = tuple(column.code for column in ANNUAL_COLUMNS)
ALL_COLUMNS = (*ENTERPRISE_COLUMNS, YEAR_COLUMN, *ANNUAL_COLUMNS)
BY_CODE = {column.code: column for column in ALL_COLUMNS}
