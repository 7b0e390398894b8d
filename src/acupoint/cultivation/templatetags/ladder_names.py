"""How a title reads on the pages: the rung's name under the rules of its day (创新型中小企业
until 2026-03-31, 科技和创新型中小企业 from 2026-04-01) and the body that grants it."""

from __future__ import annotations

import datetime as dt

from django import template

from acupoint.cultivation.actions import recogniser
from acupoint.cultivation.evaluation import name_on
from acupoint.engine.ladder import RungSpec, rung_placeholders
from acupoint.engine.provenance import described

register = template.Library()


@register.filter
def rung_name(rung: str, day: dt.date | None = None) -> str:
    return name_on(rung, day)


@register.filter
def placeholders(spec: RungSpec) -> list[str]:
    """The rung's values its document does not give, in words (待定参数)."""
    return described(rung_placeholders(spec))


@register.filter
def granted_by(rung: str, day: dt.date) -> str:
    return recogniser(rung, day)[1]


@register.filter
def city_grants(rung: str, day: dt.date) -> bool:
    return recogniser(rung, day)[0] == "city"
