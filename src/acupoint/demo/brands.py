"""The demo city's brand selections, one in each state, walked through the same actions a
bureau uses: last year's 新一代"青岛金花" awarded, this year's 青岛名牌 on public vote, and this
year's 青岛优品 taking entries (submitted, recommended by the district, reviewed by experts).
Brands and scores are illustrative (示例数据)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction

from acupoint.brands import actions
from acupoint.brands.models import Brand, Category, Entry, Programme, Selection
from acupoint.cultivation.evaluation import profiles
from acupoint.demo.loader import demo_enterprise
from acupoint.policies.models import PolicyFact
from acupoint.registry.models import Enterprise

WORDS = ("海", "澳", "琴", "崂", "蓝", "信", "瑞", "鼎", "泰", "华", "嘉", "润")
SUFFIXES = {Category.CONSUMER: "牌", Category.PRODUCTION: "", Category.SERVICE: "服务"}
PER_SELECTION = 9


def _candidates(day: dt.date, count: int) -> list[Enterprise]:
    """Firms that pass every programme's floors: certified, with revenue above 3,000 万元,
    the demo enterprise first so that its user sees its own entry."""
    certified = PolicyFact.objects.filter(name="quality_certified", value=True).values(
        "enterprise_id")
    pool = list(Enterprise.objects.filter(pk__in=certified, above_scale=True)
                .order_by("credit_code")[:count * 4])
    own = demo_enterprise()
    if own in pool:
        pool.remove(own)
        pool.insert(0, own)
    revenue = profiles([firm.pk for firm in pool], day)
    return [firm for firm in pool if (revenue[firm.pk].get("revenue") or 0) >= 3_000][:count]


def _brand(rng: np.random.Generator, firm: Enterprise, index: int) -> Brand:
    category = (Category.CONSUMER, Category.PRODUCTION)[index % 2]
    name = "".join(rng.choice(WORDS, size=2)) + SUFFIXES[category] + f"{index + 1:02d}"
    brand, _ = Brand.objects.get_or_create(enterprise=firm, name=name,
                                           defaults={"category": category})
    return brand


@transaction.atomic
def seed(bureau, today: dt.date | None = None, seed: int = 2021) -> int:
    """Once (the selections are unique by programme and year), with ``bureau`` acting for the
    bureau and the districts; returns the entries made."""
    today = today or dt.date.today()
    if Entry.objects.exists():
        return 0
    rng = np.random.default_rng(seed)
    firms = _candidates(today, PER_SELECTION * 3)
    if len(firms) < PER_SELECTION * 3:
        return 0
    brands = [_brand(rng, firm, index) for index, firm in enumerate(firms)]
    awarded = _selection(Programme.GOLDEN_FLOWER, today.year - 1)
    voting = _selection(Programme.FAMOUS, today.year)
    taking = _selection(Programme.PREMIUM, today.year)
    made = 0
    for selection, chosen in ((awarded, brands[:PER_SELECTION]),
                              (voting, brands[PER_SELECTION:PER_SELECTION * 2]),
                              (taking, brands[PER_SELECTION * 2:])):
        entries = [actions.do_enter(None, selection, brand, today) for brand in chosen]
        made += len(entries)
        if selection is taking:  # a third each: submitted, recommended, reviewed
            for entry in entries[3:]:
                actions.do_recommend_entry(bureau, entry, "符合申报条件（示例）")
            for entry in entries[6:]:
                actions.do_review_entry(bureau, entry, round(float(rng.uniform(70, 95)), 1))
            continue
        for entry in entries:
            actions.do_recommend_entry(bureau, entry, "符合申报条件（示例）")
            actions.do_review_entry(bureau, entry, round(float(rng.uniform(70, 95)), 1))
        shortlist = entries[:6]
        if selection is voting:
            actions.do_open_vote(bureau, selection, shortlist, today, today + dt.timedelta(days=14))
        else:
            closed = today - dt.timedelta(days=200)
            actions.do_open_vote(bureau, selection, shortlist, closed - dt.timedelta(days=14),
                                 closed)
            actions.do_award(bureau, selection, shortlist[:3], day=closed + dt.timedelta(days=1),
                             valid_until=closed.replace(year=closed.year + 3),
                             document="示例认定文件")
    return made


def _selection(programme: str, year: int) -> Selection:
    return Selection.objects.get_or_create(programme=programme, year=year)[0]
