"""How a title reads on the pages: the rung's name under the rules of its day (创新型中小企业
until 2026-03-31, 科技和创新型中小企业 from 2026-04-01) and the body that grants it."""

from __future__ import annotations

import datetime as dt

from django import template

from acupoint.cultivation.actions import recogniser
from acupoint.cultivation.evaluation import in_force
from acupoint.cultivation.models import RUNG_NAMES

register = template.Library()


@register.filter
def rung_name(rung: str, day: dt.date | None = None) -> str:
    spec = in_force(rung, day) if day else None
    return spec.rung.name if spec else RUNG_NAMES.get(rung, rung)


@register.filter
def granted_by(rung: str, day: dt.date) -> str:
    return recogniser(rung, day)[1]


@register.filter
def city_grants(rung: str, day: dt.date) -> bool:
    return recogniser(rung, day)[0] == "city"
