"""Override files: a district's spec that changes a base spec without copying it.

An override names its base with ``extends:`` and says only what differs. Mappings merge key
by key; lists of named items (indicators by ``code``; gates, adjustments, streaks and
consequences by ``name``) merge item by item — an item with a known name is patched, a new one
is added, ``remove: true`` drops one; other lists (class levels, ``groups``) are replaced whole.
"""

from __future__ import annotations

import copy
from typing import Any

KEYED_LISTS = {"indicators": "code", "aggregates": "code", "gates": "name",
               "adjustments": "name", "streaks": "name", "consequences": "name"}


class LayeringError(ValueError):
    """An override that cannot be applied to its base (e.g. removing an unknown indicator)."""


def layer(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """The base spec's mapping with the override applied; neither argument is changed."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if key == "extends":
            continue
        if key in KEYED_LISTS and isinstance(value, list):
            merged[key] = _merge_items(key, merged.get(key, []), value)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_mappings(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _merge_mappings(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_mappings(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _merge_items(key: str, base: list[Any], override: list[Any]) -> list[Any]:
    name_key = KEYED_LISTS[key]
    items = [copy.deepcopy(item) for item in base]
    positions = {item.get(name_key): index for index, item in enumerate(items)
                 if isinstance(item, dict) and item.get(name_key)}
    removed: set[int] = set()
    for item in override:
        if not isinstance(item, dict):
            items.append(copy.deepcopy(item))
            continue
        name, remove = item.get(name_key), bool(item.get("remove"))
        fields = {field: copy.deepcopy(value) for field, value in item.items() if field != "remove"}
        if name is None or name not in positions:
            if remove:
                raise LayeringError(f"{key}: cannot remove '{name}', the base has no such item")
            items.append(fields)
        elif remove:
            removed.add(positions[name])
        else:
            items[positions[name]] = {**items[positions[name]], **fields}
    return [item for index, item in enumerate(items) if index not in removed]
