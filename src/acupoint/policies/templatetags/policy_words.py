"""Data names as a reader sees them: the catalogue's label instead of the identifier."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from acupoint.engine.policy import Catalogue

register = template.Library()


@register.filter
def labels(names: Iterable[str], catalogue: Catalogue) -> list[str]:
    variables = catalogue.variables
    return [variables[name].label if name in variables else name for name in names]


@register.filter
def industry_name(code: str) -> str:
    """A GB/T 4754 code with its name: 13 农副食品加工业."""
    from acupoint.registry import industry

    name = industry.name(str(code))
    return f"{code} {name}" if name else str(code)
