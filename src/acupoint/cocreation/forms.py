"""Forms of the co-creation pages; the checks that matter are the actions'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from acupoint.cocreation.models import (
    CATEGORY_CHOICES,
    TEXT_LENGTH,
    Comment,
    Demand,
    Round,
)
from acupoint.policies.models import CHAIN_CHOICES, SIDE_CHOICES, SUPPORT_CHOICES
from acupoint.site.attachments import AttachmentField
from acupoint.site.forms import IndustryField, InlineForm


class DemandForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    text = forms.CharField(label=_("What do you need?"), widget=forms.Textarea(
        attrs={"rows": 6}), max_length=TEXT_LENGTH)
    category = forms.ChoiceField(label=_("Category"), choices=CATEGORY_CHOICES)
    chain = forms.ChoiceField(label=_("Chain link"), choices=[("", "—"), *CHAIN_CHOICES],
                              required=False)
    industry = IndustryField(label=_("Industry"), required=False, sections=False)
    measure = forms.CharField(label=_("Measure wanted"), max_length=200, required=False)
    attachment = AttachmentField(label=_("Attachment (PDF, image, Excel, Word or text)"),
                                 required=False)


class ReviewForm(InlineForm):
    """The bureau's answer to a demand; the clause that answers it is chosen from the latest
    version of each draft by article and title."""

    status = forms.ChoiceField(label=_("Status"), choices=Demand.Status.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2_000)
    clause = forms.ChoiceField(label=_("Draft clause that answers it"), required=False)
    merged_into = forms.IntegerField(label=_("Merged with demand no."), required=False)

    def __init__(self, *args, drafts=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—")]
        for draft in drafts:
            version = draft.latest()
            if version is None:
                continue
            choices.append((draft.title, [(f"{draft.policy_id}/{clause.key}",
                                           f"{clause.article} {clause.title}")
                                          for clause in version.clauses.all()]))
        self.fields["clause"].choices = choices


class DraftForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    policy_id = forms.SlugField(label=_("Policy id"), max_length=60)
    issuer = forms.CharField(label=_("Issuer"), max_length=200, initial="青岛市工业和信息化局")
    author = forms.CharField(label=_("Invite to write the first draft (user name)"),
                             required=False, max_length=150)


class ClauseForm(forms.Form):
    key = forms.SlugField(label=_("Clause id"), max_length=60)
    article = forms.CharField(label=_("Article"), max_length=60)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=TEXT_LENGTH)
    chain = forms.ChoiceField(label=_("Chain link"), choices=CHAIN_CHOICES)
    side = forms.ChoiceField(label=_("Side"), choices=SIDE_CHOICES)
    support = forms.ChoiceField(label=_("Support type"), choices=SUPPORT_CHOICES)


ClauseFormSet = forms.formset_factory(ClauseForm, extra=1, can_delete=True)


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Round.Kind.choices)
    opens = forms.DateField(label=_("Opens"), widget=forms.DateInput(attrs={"type": "date"}))
    closes = forms.DateField(label=_("Closes"), widget=forms.DateInput(attrs={"type": "date"}))
    public = forms.BooleanField(label=_("Open to the public"), required=False)
    invited = forms.CharField(label=_("Invited participants (user names, one per line)"),
                              widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CommentForm(forms.Form):
    clause = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=TEXT_LENGTH + 1, required=False)
    quote = forms.CharField(label=_("Passage you comment on (optional, copied from the "
                                    "clause)"), required=False, max_length=500)


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(label=_("Answer"), choices=Comment.Decision.choices)
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_LENGTH)


class PeerForm(forms.Form):
    city = forms.CharField(label=_("City"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}),
                           required=False, max_length=500_000)
    upload = forms.FileField(label=_("or a .docx / .txt file"), required=False)
