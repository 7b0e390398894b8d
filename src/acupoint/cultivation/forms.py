"""Forms of the cultivation pages; the checks that matter are the actions'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from acupoint.cultivation.evaluation import ladder
from acupoint.cultivation.models import RUNG_CHOICES
from acupoint.registry.forms import TableFileField

DATA_FIELDS = ["niche_years", "main_revenue", "main_revenue_prev", "main_revenue_prev2",
               "net_profit", "debt_ratio", "rd_staff", "ip_high_value", "ip_class_i_own",
               "ip_class_i", "ip_class_i_used", "ip_class_ii", "invention_patents",
               "rd_centre_level", "digital_level", "quality_items", "market_share",
               "product_field", "equity_raised_2y"]


class DataForm(forms.Form):
    """The data the criteria read, as text: the action types and checks each one."""

    def __init__(self, *args, initial_values: dict | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        variables = ladder().catalogue.variables
        for name in DATA_FIELDS:
            variable = variables[name]
            unit = f"（{variable.unit}）" if variable.unit else ""
            self.fields[name] = forms.CharField(label=f"{variable.label}{unit}", required=False,
                                                max_length=40)
            if initial_values and initial_values.get(name) is not None:
                self.fields[name].initial = initial_values[name]


class ApplyForm(forms.Form):
    rung = forms.ChoiceField(label=_("Rung"), choices=RUNG_CHOICES)
    # Set by the warning's button: the firm applies knowing which criteria it fails today.
    acknowledged = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RecommendForm(forms.Form):
    recommend = forms.ChoiceField(label=_("Recommendation"), choices=[
        ("yes", _("Recommend")), ("no", _("Do not recommend"))])
    note = forms.CharField(label=_("Note"), required=False, max_length=2_000,
                           widget=forms.TextInput(attrs={"placeholder": _("Reason")}))


class ScoreForm(forms.Form):
    score = forms.FloatField(label=_("Expert score"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Note"), required=False, max_length=2_000)


def city_rungs() -> list[tuple[str, str]]:
    """The titles the city grants itself: only these go on the city's public notice."""
    granted = {spec.rung.rung for spec in ladder().specs if spec.rung.recognised_by == "city"}
    return [(code, name) for code, name in RUNG_CHOICES if code in granted]


class NoticeForm(forms.Form):
    rung = forms.ChoiceField(label=_("Rung"), choices=city_rungs)
    title = forms.CharField(label=_("Title of the list"), max_length=200)
    days = forms.IntegerField(label=_("Notice period (days)"), min_value=1, max_value=30,
                              initial=5)


class OutcomeForm(forms.Form):
    """The recognising body's decision on a forwarded firm."""

    recognised = forms.ChoiceField(label=_("Decision"), choices=[
        ("yes", _("Recognised")), ("no", _("Not recognised"))])
    document = forms.CharField(label=_("Document number"), max_length=100,
                               widget=forms.TextInput(attrs={"placeholder": _(
                                   "e.g. 工信部企业函〔2025〕123号")}))
    day = forms.DateField(label=_("Date of the decision"),
                          widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2_000)


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("Objection"), max_length=4_000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    raised_by = forms.CharField(label=_("Raised by"), required=False, max_length=200)


class DataFileForm(forms.Form):
    file = TableFileField(label=_("Cultivation data (.xlsx, .xls or .csv)"))
