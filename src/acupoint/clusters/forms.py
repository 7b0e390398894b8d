"""Forms of the race pages; the rules themselves live in `actions`."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from acupoint.clusters.actions import DEFAULT_FUND
from acupoint.clusters.models import PeriodFigures, Task, TransformationCase


class AssessForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), required=False, coerce=int, empty_value=None,
        choices=[("", _("whole year")), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")])
    fund = forms.DecimalField(label=_("Reward fund (万元)"), min_value=Decimal(0),
                              decimal_places=2, initial=DEFAULT_FUND)
    use_yaml = forms.BooleanField(
        label=_("Use the framework text below instead of the fields above"), required=False)
    framework = forms.CharField(label=_("Framework (YAML)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 16, "class": "code"}))

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("use_yaml") and not (cleaned.get("framework") or "").strip():
            self.add_error("framework", _("Paste the framework, or compute from the fields."))
        return cleaned


class ReportForm(forms.ModelForm):
    class Meta:
        model = PeriodFigures
        fields = ["period", "invention_patents", "innovation_platforms", "signed_investment",
                  "actual_investment"]


class TaskUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices)
    note = forms.CharField(label=_("Progress"), max_length=500, required=False)


class CaseUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TransformationCase.Status.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), initial=datetime.date.today,
                              widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Title"), max_length=200)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False)
    decisions = forms.CharField(
        label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One task per line: decision | owner (a department, a district or a "
                    "cluster code) | deadline (YYYY-MM-DD)."))


def parse_decisions(text: str, clusters: dict, districts: dict) -> list:
    """Lines of ``decision | owner | deadline`` as tasks; every bad line is named."""
    from acupoint.clusters.actions import Decided

    decided, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or not parts[0]:
            errors.append(_("Line %(n)d: write decision | owner | deadline.") % {"n": number})
            continue
        decision, owner, deadline_text = parts
        try:
            deadline = datetime.date.fromisoformat(deadline_text)
        except ValueError:
            errors.append(_("Line %(n)d: “%(text)s” is not a date (YYYY-MM-DD).")
                          % {"n": number, "text": deadline_text})
            continue
        if not owner:
            errors.append(_("Line %(n)d: name the owner.") % {"n": number})
            continue
        cluster = clusters.get(owner)
        district = districts.get(owner)
        decided.append(Decided(decision, deadline, cluster=cluster,
                               district_id=district.pk if district else (
                                   cluster.district_id if cluster else None),
                               department="" if cluster or district else owner))
    if errors:
        raise forms.ValidationError(errors)
    return decided
