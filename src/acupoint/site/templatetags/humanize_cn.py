"""Number formats bureau staff read: thousands separators, 万元 shown as 亿元."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from acupoint.site.engine_messages import translated

register = template.Library()


@register.filter
def thousands(value) -> str:
    """A figure with thousands separators; yes/no facts as 是/否."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"


@register.filter
def yi(value_wan) -> str:
    """A 万元 amount as 亿元 with two decimals."""
    if value_wan is None:
        return "—"
    return f"{float(value_wan) / 1e4:,.2f}"


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent), for tables keyed by class."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def percent(value, digits: int = 0) -> str:
    return "—" if value is None else f"{value * 100:.{int(digits)}f}%"


@register.filter
def subtract(value, other):
    return None if value is None or other is None else value - other


@register.filter
def engine_message(value: str) -> str:
    """An engine message (one per line) in the reader's language, its place kept."""
    return "\n".join(translated(line) for line in str(value or "").splitlines() if line.strip())
