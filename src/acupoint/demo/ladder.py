"""The demo city's cultivation data: the figures the ladder's criteria read for a few hundred
manufacturers, the titles some of them hold (a few about to expire), and an open brand
selection. All of it is illustrative and says so (source 示例数据)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction

from acupoint.accounts.audit import record
from acupoint.brands.models import Programme, Selection
from acupoint.cultivation.models import Title
from acupoint.demo.loader import demo_enterprise
from acupoint.policies.models import PolicyFact
from acupoint.registry.models import AnnualData, Enterprise

SOURCE = "示例数据"
LEVELS = ["none", "none", "below", "city", "city", "provincial", "national"]
FIELDS = ["gap", "basic", "other", "other"]


def _data(rng: np.random.Generator, revenue: float | None) -> dict:
    share = float(rng.uniform(0.55, 0.98))
    main = round((revenue or float(rng.uniform(800, 20_000))) * share, 1)
    growth = float(rng.normal(0.08, 0.08))
    class_i = int(rng.poisson(2))
    return {
        "niche_years": int(rng.integers(1, 16)), "main_revenue": main,
        "main_revenue_prev": round(main / (1 + growth), 1),
        "main_revenue_prev2": round(main / (1 + growth) ** 2, 1),
        "net_profit": round(main * float(rng.normal(0.06, 0.04)), 1),
        "debt_ratio": round(float(rng.uniform(0.2, 0.85)), 3),
        "ip_high_value": int(rng.random() < 0.15), "ip_class_i_own": int(rng.random() < 0.4),
        "ip_class_i": class_i, "ip_class_i_used": min(class_i, int(rng.poisson(1))),
        "ip_class_ii": int(rng.poisson(4)), "invention_patents": class_i,
        "utility_models": int(rng.poisson(6)), "software_copyrights": int(rng.poisson(2)),
        "standards_led": int(rng.random() < 0.1),
        "rd_centre_level": str(rng.choice(LEVELS)), "digital_level": int(rng.integers(1, 5)),
        "quality_items": int(rng.integers(0, 4)), "quality_certified": bool(rng.random() < 0.7),
        "own_brand": bool(rng.random() < 0.5), "core_information_system": bool(rng.random() < 0.6),
        "market_share": round(float(rng.beta(1.2, 12)), 3),
        "market_rank_china": int(rng.integers(1, 30)),
        "market_rank_world": int(rng.integers(1, 60)),
        "product_field": str(rng.choice(FIELDS)), "emerging_catalogue": bool(rng.random() < 0.35),
        "distinctive_points": int(rng.integers(3, 16)), "equity_raised_2y": 0,
        "equity_raised_3y": float(rng.choice([0, 0, 0, 300, 800])),
        "customer_share_3y": round(float(rng.uniform(0.02, 0.4)), 3),
        "profit_cagr_2y": round(float(rng.normal(0.1, 0.15)), 3),
    }


@transaction.atomic
def seed(count: int = 300, today: dt.date | None = None, seed: int = 2022) -> int:
    """Once: data for ``count`` above-scale manufacturers (and the demo enterprise), titles
    for some of them, and an open 青岛优品 selection."""
    if Title.objects.exists():
        return 0
    today = today or dt.date.today()
    rng = np.random.default_rng(seed)
    firms = list(Enterprise.objects.filter(above_scale=True, industry_code__startswith="3")
                 .order_by("credit_code")[:count])
    own = demo_enterprise()
    if own is not None and own not in firms:
        firms.append(own)
    latest = {}
    for enterprise_id, revenue in (AnnualData.objects.filter(enterprise__in=firms)
                                   .order_by("year").values_list("enterprise_id", "revenue")):
        latest[enterprise_id] = revenue
    facts, titles = [], []
    for firm in firms:
        for name, value in _data(rng, latest.get(firm.pk)).items():
            facts.append(PolicyFact(enterprise=firm, name=name, value=value, source=SOURCE))
        draw = rng.random()
        if draw < 0.35:
            granted = today - dt.timedelta(days=int(rng.integers(30, 1_000)))
            rung = "srdi_sme" if draw < 0.12 else "innovative_sme"
            titles.append(Title(enterprise=firm, rung=rung, granted=granted,
                                expires=granted.replace(year=granted.year + 3), source=SOURCE,
                                document="示例认定文件"))
        if draw < 0.02:
            granted = today - dt.timedelta(days=int(rng.integers(100, 900)))
            titles.append(Title(enterprise=firm, rung="little_giant", granted=granted,
                                expires=granted.replace(year=granted.year + 3), source=SOURCE,
                                document="示例认定文件"))
    PolicyFact.objects.filter(enterprise__in=firms,
                              name__in={fact.name for fact in facts}).delete()
    PolicyFact.objects.bulk_create(facts, batch_size=5_000)
    Title.objects.bulk_create(titles)
    Selection.objects.get_or_create(programme=Programme.PREMIUM, year=today.year)
    record(None, "cultivation.demo", object_type="cultivation.Title",
           after={"firms": len(firms), "titles": len(titles)})
    return len(firms)
