"""A cluster's figures as a reader sees them: the indicator's name and unit from the shipped
frameworks, yes or no for a standard's flags; never the variable behind it."""

from __future__ import annotations

from functools import cache

from django.utils.translation import gettext as _

from acupoint.clusters import assessing
from acupoint.engine.spec import resolved_data

FLAGS = {"has_management_body", "has_creation_plan", "has_development_plan", "boundary_valid"}
FRAMEWORKS = ("creation_2019.yaml", "demonstration_base.yaml", "race_2019.yaml")


@cache
def _names() -> dict[str, tuple[str, str]]:
    """Each indicator's (name, unit) in the shipped cluster frameworks."""
    names: dict[str, tuple[str, str]] = {}
    for file in FRAMEWORKS:
        for item in resolved_data(assessing.SPECS / file).get("indicators", []):
            names.setdefault(item["code"], (item.get("name", item["code"]),
                                            item.get("unit", "")))
    return names


def figure(name: str, value: float | None) -> str:
    """「亩均税收 14.37 万元/亩·年」, 「发展规划：有」."""
    labels = {"has_management_body": _("management body"),
              "has_creation_plan": _("creation plan"),
              "has_development_plan": _("development plan"),
              "boundary_valid": _("defined boundary"),
              "tax_per_m2": _("tax per square metre")}
    if name in FLAGS:
        return f"{labels[name]}：{_('yes') if value else _('no')}"
    label, unit = _names().get(name, (labels.get(name, name), "元/平方米·年"
                                      if name == "tax_per_m2" else ""))
    if value is None:
        return f"{label} —"
    if unit == "%":
        return f"{label} {value * 100:.1f}%"
    return f"{label} {value:,.2f} {unit}".rstrip()
