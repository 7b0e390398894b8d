"""Forms of the registry pages."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from acupoint.registry.importing.reading import ACCEPTED_SUFFIXES
from acupoint.registry.selectors import SIZE_CHOICES
from acupoint.site.forms import IndustryField


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name or credit code")}))
    district = forms.ChoiceField(label=_("District"), required=False)
    cluster = forms.ChoiceField(label=_("Cluster"), required=False)
    industry = IndustryField(label=_("Industry"), required=False)
    size = forms.ChoiceField(label=_("Size"), required=False, choices=SIZE_CHOICES)

    def __init__(self, *args, districts=(), clusters=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("All"))] + [(d.code, d.name) for d in districts]
        self.fields["cluster"].choices = [("", _("All"))] + [(c.code, c.name) for c in clusters]


class TableFileField(forms.FileField):
    """An uploaded table the importers read (CSV, Excel, Parquet), refused by its name
    otherwise."""

    def validate(self, value) -> None:
        super().validate(value)
        if value and Path(value.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(_("Accepted files: %(suffixes)s") % {
                "suffixes": ", ".join(sorted(ACCEPTED_SUFFIXES))})


class ImportForm(forms.Form):
    file = TableFileField(label=_("File (.csv, .xlsx, .xls, .parquet)"))
    source = forms.CharField(label=_("Source"), required=False, max_length=100,
                             help_text=_("Where the figures come from, e.g. 税务局 2024 年报."))


class CalendarForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    text = forms.CharField(label=_("Holidays and make-up working days"), max_length=5_000,
                           widget=forms.Textarea(attrs={"rows": 12}), help_text=_(
                               "One line each, as in the State Council's notice: "
                               "“2027-02-06 至 2027-02-12 休 春节” or “2027-02-14 班”."))
