"""Forms of the project pages; the checks that matter (scope, district and cluster, dates)
are the model's and the actions'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from acupoint.engine.process import APPROVAL_STAGES
from acupoint.projects.models import STAGE_CHOICES, Department, FastTrack, Project
from acupoint.registry.forms import TableFileField
from acupoint.registry.models import Cluster, District


class DayInput(forms.DateInput):
    """The browser's date picker, which reads and writes ISO dates only."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ProjectForm(forms.ModelForm):
    methods = forms.MultipleChoiceField(label=_("Fast-track methods"), required=False,
                                        choices=FastTrack.choices,
                                        widget=forms.CheckboxSelectMultiple)
    first_contact = forms.DateField(label=_("First contact"), widget=DayInput(),
                                    help_text=_("A project enters the board with its first "
                                                "contact."))

    class Meta:
        model = Project
        fields = ["name", "investor", "industry_code", "planned_investment", "district",
                  "cluster", "land_parcel", "land_area_mu", "lead_department", "methods",
                  "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, districts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if districts is not None:
            self.fields["district"].queryset = District.objects.filter(pk__in=districts)
        self.fields["cluster"].queryset = Cluster.objects.select_related("district")
        self.fields["cluster"].label_from_instance = (
            lambda cluster: f"{cluster.name}（{cluster.district}）")
        if self.instance.pk:
            del self.fields["first_contact"]


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=STAGE_CHOICES)
    day = forms.DateField(label=_("Date"), widget=DayInput())
    department = forms.ModelChoiceField(label=_("Department"), required=False,
                                        queryset=Department.objects.all(),
                                        empty_label=_("(the stage's department)"))
    returned = forms.BooleanField(label=_("Returned to be redone"), required=False)
    documents = forms.CharField(label=_("Documents"), required=False, max_length=4_000,
                                widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("Document names or numbers, one per line."))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4_000,
                            widget=forms.Textarea(attrs={"rows": 2}))


APPROVAL_CHOICES = [(code, name) for code, name in STAGE_CHOICES if code in APPROVAL_STAGES]


class AcceptForm(forms.Form):
    """受理: a complete application accepted for an approval stage."""

    stage = forms.ChoiceField(label=_("Approval stage"), choices=APPROVAL_CHOICES)
    day = forms.DateField(label=_("Complete application accepted on"), widget=DayInput())


class ApprovalStepForm(forms.Form):
    """A step of an approval under review: a correction asked, the file completed, or the
    decision."""

    step = forms.ChoiceField(label=_("Step"), choices=[
        ("correction", _("Correction asked of the applicant (补正)")),
        ("corrected", _("File completed by the applicant")),
        ("decision", _("Decision (办结)"))])
    day = forms.DateField(label=_("Date"), widget=DayInput())
    note = forms.CharField(label=_("What was missing, or the document issued"), required=False,
                           max_length=300)


class RuleForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Responsible department"), required=False,
                                        queryset=Department.objects.all())
    limit_days = forms.IntegerField(label=_("Time limit (working days)"), required=False,
                                    min_value=1, max_value=1_000)


class CloseForm(forms.Form):
    day = forms.DateField(label=_("Closed on"), widget=DayInput())
    reason = forms.CharField(label=_("Reason"), max_length=500)


class LedgerForm(forms.Form):
    file = TableFileField(label=_("Project ledger (.xlsx, .xls or .csv)"), help_text=_(
        "The ledger export is the template: a sheet of projects (a row with a project number "
        "updates that project, one without creates a project) and a sheet of stage events."))
