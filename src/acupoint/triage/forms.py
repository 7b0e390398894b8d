"""Forms of the triage pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from acupoint.registry.selectors import SIZE_CHOICES
from acupoint.site.attachments import AttachmentField
from acupoint.site.forms import IndustryField


class StartRunForm(forms.Form):
    spec = forms.ChoiceField(label=_("Spec"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    district = forms.ChoiceField(label=_("Scope"), required=False)

    def __init__(self, *args, specs: dict[str, str] | None = None, districts=(),
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["spec"].choices = list((specs or {}).items())
        self.fields["district"].choices = [("", _("Whole city"))] + [
            (d.code, d.name) for d in districts]


class RankingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name or credit code")}))
    district = forms.ChoiceField(label=_("District"), required=False)
    industry = IndustryField(label=_("Industry"), required=False)
    grade = forms.ChoiceField(label=_("Class"), required=False)
    size = forms.ChoiceField(label=_("Size"), required=False, choices=SIZE_CHOICES)
    priority = forms.ChoiceField(label=_("Priority list"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("rank", _("Rank")), ("-rank", _("Rank, lowest first")),
        ("position", _("Position in unit")), ("robustness", _("Least robust first")),
        ("district", _("District"))])

    def __init__(self, *args, districts=(), grades=(), priority_lists=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = [("", _("All"))] + [
            (item["name"], item["label"]) for item in priority_lists]
        self.fields["district"].choices = [("", _("All"))] + [(d.code, d.name) for d in districts]
        self.fields["grade"].choices = [("", _("All"))] + [(g, g) for g in grades]


class AppealForm(forms.Form):
    field = forms.ChoiceField(label=_("Figure in dispute"))
    claimed_value = forms.FloatField(label=_("Correct value"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)
    attachment = AttachmentField(label=_("Attachment (PDF, image, Excel, Word or text)"),
                                 required=False)

    def __init__(self, *args, fields=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = list((fields or {}).items())



class ResolveAppealForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("accept", _("Accept: correct the figure and publish a new version")),
        ("reject", _("Reject"))])
    corrected_value = forms.FloatField(label=_("Corrected value (default: the value claimed)"),
                                       required=False)
    answer = forms.CharField(label=_("Answer to the enterprise"),
                             widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    # Set by the preview's confirm button: accepting publishes only after the analyst has
    # seen which firms would change class.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def needs_preview(self) -> bool:
        return self.cleaned_data["decision"] == "accept" and not self.cleaned_data["confirmed"]


PERCENT_KINDS = ("weights", "quotas")  # typed in per cent, stored as shares


class WhatIfForm(forms.Form):
    """One field per weight, quota share and benchmark of the run's spec; weights and quota
    shares are typed in per cent."""

    def __init__(self, *args, current: dict[str, dict[str, float]], names: dict[str, str],
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in (("weights", _("Weight (%)")), ("quotas", _("Quota share (%)")),
                            ("benchmarks", _("Benchmark"))):
            for code, value in current[kind].items():
                percent = kind in PERCENT_KINDS
                self.fields[f"{kind}:{code}"] = forms.FloatField(
                    label=f"{label} · {names.get(code, code)}",
                    initial=round(value * 100, 6) if percent else value, min_value=0,
                    max_value=100 if kind == "quotas" else None)

    def edits(self) -> dict[str, dict[str, float]]:
        chosen: dict[str, dict[str, float]] = {"weights": {}, "quotas": {}, "benchmarks": {}}
        for key, value in self.cleaned_data.items():
            kind, code = key.split(":", 1)
            chosen[kind][code] = value / 100 if kind in PERCENT_KINDS else value
        return chosen
