"""The race framework as an official edits it: labelled numbers in their units (weights in
per cent, scores, clusters, 万元), checked before anything is computed; the YAML stays for the
analyst who asks for it."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The framework's own parameters, in words; whole numbers where they count clusters or periods.
PARAMETERS = {
    "yellow_bottom": (gettext_lazy("Yellow cards: the last N clusters of the race"), int),
    "exit_after": (gettext_lazy("Exit after N consecutive yellow cards"), int),
    "reward_threshold": (gettext_lazy("Lowest score that shares in the reward fund"), float),
}
TOLERANCE = 0.01  # per cent: weights are typed to two decimals


class FrameworkForm(forms.Form):
    """One field per figure an official may change: the parameters, every weight (in per cent
    of its pillar or of the total), the lowest score of each class and each reward's cap."""

    def __init__(self, *args, framework: dict[str, Any], **kwargs) -> None:
        kwargs.setdefault("prefix", "framework")
        super().__init__(*args, **kwargs)
        self.source = framework
        names = {item["code"]: item.get("name", item["code"])
                 for item in framework.get("aggregates", [])}
        self.groups: dict[str, list[str]] = {}
        for key, value in (framework.get("params") or {}).items():
            label, kind = PARAMETERS.get(key, (key, float))
            field = forms.IntegerField if kind is int else forms.FloatField
            self.fields[f"param:{key}"] = field(label=label, initial=value, min_value=0)
        for item in [*framework.get("aggregates", []), *framework.get("indicators", [])]:
            parent = item.get("parent")
            if parent is None or item.get("weight") is None:
                continue
            key = f"weight:{item['code']}"
            self.fields[key] = forms.FloatField(
                label=_("%(name)s, weight within %(parent)s (%%)") % {
                    "name": item.get("name", item["code"]), "parent": names.get(parent, parent)},
                initial=round(item["weight"] * 100, 2), min_value=0, max_value=100)
            self.groups.setdefault(parent, []).append(key)
        for level in (framework.get("classes") or {}).get("levels", []):
            if level.get("min_score") is not None:
                self.fields[f"class:{level['name']}"] = forms.FloatField(
                    label=_("Lowest score for %(label)s") % {
                        "label": level.get("label", level["name"])},
                    initial=level["min_score"], min_value=0, max_value=100)
        for item in framework.get("consequences", []):
            if item.get("cap") is not None:
                self.fields[f"cap:{item['name']}"] = forms.FloatField(
                    label=_("%(label)s: most one cluster receives (万元)") % {
                        "label": item.get("label", item["name"])},
                    initial=item["cap"], min_value=0)
        self.group_names = names

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for parent, keys in self.groups.items():
            values = [cleaned.get(key) for key in keys]
            if any(value is None for value in values):
                continue
            total = sum(values)
            if abs(total - 100) > TOLERANCE:
                self.add_error(keys[0], _(
                    "The weights within %(parent)s add up to %(total)s%%; they must add up "
                    "to 100%%.") % {"parent": self.group_names.get(parent, parent),
                                    "total": f"{total:g}"})
        levels = [(key, cleaned.get(key)) for key in self.fields if key.startswith("class:")]
        scores = [value for _key, value in levels if value is not None]
        if scores != sorted(scores, reverse=True):
            self.add_error(levels[0][0], _("Each class needs a lower score than the one "
                                           "above it."))
        return cleaned

    def framework(self) -> dict[str, Any]:
        """The framework with the typed figures in place."""
        edited = copy.deepcopy(self.source)
        data = self.cleaned_data
        for key in edited.get("params") or {}:
            edited["params"][key] = data[f"param:{key}"]
        for item in [*edited.get("aggregates", []), *edited.get("indicators", [])]:
            if f"weight:{item['code']}" in data:
                item["weight"] = round(data[f"weight:{item['code']}"] / 100, 6)
        for level in (edited.get("classes") or {}).get("levels", []):
            if f"class:{level['name']}" in data:
                level["min_score"] = data[f"class:{level['name']}"]
        for item in edited.get("consequences", []):
            if f"cap:{item['name']}" in data:
                item["cap"] = data[f"cap:{item['name']}"]
        return edited


def as_text(framework: dict[str, Any]) -> str:
    """The framework as the YAML the engine reads and the assessment keeps."""
    return yaml.safe_dump(framework, allow_unicode=True, sort_keys=False, width=100)
