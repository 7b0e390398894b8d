"""Forms of the policy pages; parsing and checking a policy file is the action's job."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from acupoint.policies.models import (
    CHAIN_CHOICES,
    LEVEL_CHOICES,
    MODE_CHOICES,
    SUPPORT_CHOICES,
    Application,
)
from acupoint.site.forms import IndustryCodeInput, InlineForm, IsoDateInput

ANY = [("", _("Any"))]
MAX_POLICY_FILE = 200_000


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=ANY + LEVEL_CHOICES, required=False)
    chain = forms.ChoiceField(label=_("Chain link"), choices=ANY + CHAIN_CHOICES,
                              required=False)
    support = forms.ChoiceField(label=_("Support type"), choices=ANY + SUPPORT_CHOICES,
                                required=False)
    mode = forms.ChoiceField(label=_("Application mode"), choices=ANY + MODE_CHOICES,
                             required=False)
    industry = forms.RegexField(label=_("Industry (class code or name)"), regex=r"^\d{2,4}$",
                                required=False, max_length=4, widget=IndustryCodeInput)


class PolicyFileForm(forms.Form):
    text = forms.CharField(label=_("Policy file (YAML)"), widget=forms.Textarea(
        attrs={"rows": 28, "spellcheck": "false", "class": "code"}),
        max_length=MAX_POLICY_FILE, required=False)
    upload = forms.FileField(label=_("or upload a .yaml file"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if upload:
            if upload.size > MAX_POLICY_FILE:
                raise forms.ValidationError(_("The file is larger than 200 KB."))
            raw = upload.read()
            try:
                data["text"] = raw.decode("utf-8")
            except UnicodeDecodeError:
                data["text"] = raw.decode("gb18030", errors="replace")
        if not data.get("text", "").strip():
            raise forms.ValidationError(_("Paste a policy file or upload one."))
        return data


class SimulationForm(forms.Form):
    text = PolicyFileForm.base_fields["text"]
    day = forms.DateField(label=_("As of"), required=False)


class RatingForm(InlineForm):
    score = forms.TypedChoiceField(label=_("Usefulness"), coerce=int,
                                   choices=[(n, "★" * n) for n in range(5, 0, -1)])
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class FactForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput, max_length=60)
    value = forms.CharField(label=_("Value"), max_length=100)


class ApplicationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(
        attrs={"placeholder": _("Enterprise, credit code or clause")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("All")), ("submitted", _("to decide")), ("approved", _("approved, to pay")),
        ("paid", _("paid")), ("rejected", _("rejected"))])
    policy = forms.ChoiceField(label=_("Policy"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    since = forms.DateField(label=_("Submitted from"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("to"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, documents=(), districts=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = [("", _("All"))] + [
            (document.policy_id, document.title) for document in documents]
        self.fields["district"].choices = [("", _("All"))] + [
            (district.code, district.name) for district in districts]


class DecisionForm(InlineForm):
    status = forms.ChoiceField(label=_("Decision"), choices=[
        (Application.Status.APPROVED, _("approve")), (Application.Status.REJECTED, _("reject")),
        (Application.Status.PAID, _("paid"))])
    on = forms.DateField(label=_("Date"), widget=IsoDateInput)
    amount = forms.FloatField(label=_("Amount (万元)"), required=False, min_value=0)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
