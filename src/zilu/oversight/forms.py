"""Forms of the oversight pages. Rules live in the actions; forms only shape the input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zilu.core.forms import MultipleFileField
from zilu.oversight.models import Complaint


class ComplaintForm(forms.Form):
    target = forms.ChoiceField(label=_("The complaint is about"), choices=Complaint.Target.choices)
    target_reference = forms.CharField(
        label=_("Decision, case or link concerned"),
        max_length=500,
        help_text=_("The reference of the decision or case, or a link to it on this site."),
    )
    staff_named = forms.CharField(label=_("Staff member concerned (if any)"), max_length=200, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 6}))
    request = forms.CharField(label=_("What you ask for"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    discloses_identity = forms.BooleanField(
        label=_("I consent to the executing body learning that my member filed this complaint"),
        required=False,
        help_text=_("Without this consent the executing body is never told who complained."),
    )
    evidence = MultipleFileField(label=_("Evidence (PDF, images or text)"), required=False)


class EvidenceForm(forms.Form):
    files = MultipleFileField(label=_("Add evidence"), required=True)


class ExplainForm(forms.Form):
    questions = forms.CharField(
        label=_("What the executing body must answer"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ConcludeForm(forms.Form):
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 5}))
    corrections = forms.CharField(
        label=_("Corrections required of the executing body"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 6}))
