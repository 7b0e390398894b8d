"""Units of policy amounts and variables: parsed, multiplied, compared and converted.

A unit is a product of named base units with integer powers (``元/kg`` is 元¹·kg⁻¹). Sums
and comparisons need equal units; a plain number takes the unit of what it meets, so
``min(0.2 * equipment_investment, 1000)`` stays in 万元. Converting between units of one
family (元, 万元, 亿元) is explicit: ``convert(x, '元', '万元')``.
"""

from __future__ import annotations

from collections.abc import Mapping

# Each family's units as multiples of its first member.
FAMILIES: dict[str, dict[str, float]] = {
    "money": {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8},
    "area": {"平方米": 1.0, "亩": 666.6667, "公顷": 1e4, "平方公里": 1e6},
    "energy": {"千瓦时": 1.0, "kWh": 1.0, "万千瓦时": 1e4},
    "mass": {"kg": 1.0, "吨": 1e3},
    "people": {"人": 1.0, "万人": 1e4},
}
_FAMILY_OF = {unit: name for name, members in FAMILIES.items() for unit in members}

Unit = tuple[tuple[str, int], ...]
DIMENSIONLESS: Unit = ()


class UnitError(ValueError):
    pass


def parse_unit(text: str) -> Unit:
    """``万元``, ``元/kg``, ``元/千瓦时``, ``%`` and ``''`` (a ratio, a count, a flag)."""
    text = (text or "").strip()
    if text in ("", "%", "比率", "个", "项", "年", "次", "家", "辆"):
        return DIMENSIONLESS
    numerator, _, denominator = text.partition("/")
    powers: dict[str, int] = {}
    for sign, part in ((1, numerator), (-1, denominator)):
        for name in filter(None, (item.strip() for item in part.split("·"))):
            powers[name] = powers.get(name, 0) + sign
    return _normal(powers)


def _normal(powers: Mapping[str, int]) -> Unit:
    return tuple(sorted((name, power) for name, power in powers.items() if power))


def multiply(left: Unit, right: Unit, sign: int = 1) -> Unit:
    powers = dict(left)
    for name, power in right:
        powers[name] = powers.get(name, 0) + sign * power
    return _normal(powers)


def show(unit: Unit) -> str:
    if not unit:
        return "(no unit)"
    top = "·".join(name if power == 1 else f"{name}^{power}" for name, power in unit if power > 0)
    bottom = "·".join(name if power == -1 else f"{name}^{-power}"
                      for name, power in unit if power < 0)
    return f"{top or '1'}/{bottom}" if bottom else top


def factor(source: str, target: str) -> float:
    """What multiplies a value in ``source`` to give it in ``target`` (same family only)."""
    family = _FAMILY_OF.get(source)
    if family is None or _FAMILY_OF.get(target) != family:
        raise UnitError(f"cannot convert '{source}' to '{target}'")
    members = FAMILIES[family]
    return members[source] / members[target]


def same_family(left: Unit, right: Unit) -> bool:
    """Whether two single units differ only by scale (元 and 万元), i.e. need a conversion."""
    if len(left) != 1 or len(right) != 1 or left[0][1] != right[0][1]:
        return False
    family = _FAMILY_OF.get(left[0][0])
    return family is not None and family == _FAMILY_OF.get(right[0][0])
