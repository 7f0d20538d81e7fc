"""Forms of the reporting channel. Field limits mirror the action's; the action re-checks everything."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zilu.core.forms import MultipleFileField
from zilu.members.models import Member
from zilu.reports.actions import EXPLANATION_LIMIT, OUTCOME_LIMIT
from zilu.reports.intake import LIMITS, MIN_DESCRIPTION
from zilu.reports.models import Category, Finding, ResponseAction


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What kind of information"), choices=[("", "—"), *Category.choices])
    member = forms.ModelChoiceField(
        label=_("Member concerned (if you know it)"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("I don't know / not a member"),
    )
    target = forms.CharField(
        label=_("Where is it? (web address or app name)"), max_length=LIMITS["target"], required=False
    )
    description = forms.CharField(
        label=_("Describe the information and why it is harmful"),
        widget=forms.Textarea(attrs={"rows": 6, "minlength": MIN_DESCRIPTION}),  # the browser checks what intake does
        max_length=LIMITS["description"],
    )
    files = MultipleFileField(label=_("Evidence (screenshots, PDF or video; up to 5 files of 10 MB)"), required=False)
    contact_name = forms.CharField(label=_("Your name (optional)"), max_length=LIMITS["contact_name"], required=False)
    contact_phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=LIMITS["contact_phone"],
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.CharField(
        label=_("Your e-mail (optional)"),
        max_length=LIMITS["contact_email"],
        required=False,
        help_text=_("We send one link to confirm it; once confirmed, you get an e-mail at each change of status."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    captcha_token = forms.CharField(widget=forms.HiddenInput, required=False)
    captcha_answer = forms.CharField(label=_("Check question"), max_length=10, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Member.objects.filter(status=Member.Status.ACTIVE).order_by("name")


class LookupForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=20)
    lookup_code = forms.CharField(label=_("Lookup code"), max_length=20)


class ResponseForm(forms.Form):
    action = forms.ChoiceField(label=_("What did you do?"), choices=ResponseAction.choices, widget=forms.RadioSelect)
    explanation = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 5}), max_length=EXPLANATION_LIMIT
    )
    files = MultipleFileField(label=_("Evidence (optional)"), required=False)


class AssignForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Member.objects.filter(status=Member.Status.ACTIVE).order_by("name")


class SendBackForm(forms.Form):
    reason = forms.CharField(label=_("What the member still has to do"), widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(forms.Form):
    finding = forms.ChoiceField(label=_("Finding"), choices=Finding.choices)
    public_outcome = forms.CharField(
        label=_("Outcome shown to the reporter and the public"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=OUTCOME_LIMIT,
    )
    note = forms.CharField(
        label=_("Verification note (executing body and member)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=EXPLANATION_LIMIT,
        required=False,
    )
