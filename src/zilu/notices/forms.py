"""Forms of the notice pages. Rules live in the actions (zilu.notices.intake); forms only shape the input, so a field
left empty reaches the action and comes back with the same message the API gives."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zilu.core.forms import MultipleFileField
from zilu.notices.models import Notice


def _choices(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class NoticeForm(forms.Form):
    member = forms.CharField(
        label=_("Member number of the member concerned"),
        max_length=20,
        required=False,
        help_text=_("As shown in the member registry, e.g. CP-2026-0001."),
    )
    location = forms.CharField(
        label=_("Web address of the content"),
        max_length=1000,
        required=False,
        help_text=_("It must be on one of the member's registered websites."),
    )
    work = forms.CharField(label=_("The work or subject matter of the right"), max_length=300, required=False)
    right = forms.ChoiceField(label=_("Right"), choices=_choices(Notice.Right.choices), required=False)
    description = forms.CharField(
        label=_("How the content infringes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    holder_kind = forms.ChoiceField(
        label=_("Kind of right holder"), choices=_choices(Notice.HolderKind.choices), required=False
    )
    holder_name = forms.CharField(label=_("Right holder's real name"), max_length=200, required=False)
    holder_id_number = forms.CharField(
        label=_("Resident ID number or unified social credit code"), max_length=30, required=False
    )
    holder_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    holder_email = forms.CharField(label=_("E-mail (optional)"), max_length=254, required=False)
    holder_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    proof = MultipleFileField(label=_("Proof of rights and of the infringement (PDF or images)"), required=False)
    signature = forms.CharField(label=_("Signed by (your name)"), max_length=200, required=False)
    accept_liability = forms.BooleanField(
        label=_("I confirm that this notice is true and that I answer for any harm a wrong notice causes (Civil Code "
                "art. 1195 para. 3)."),
        required=False,
    )  # fmt: skip


class MeasureForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure taken"), choices=Notice.Measure.choices)
    forwarding = forms.ChoiceField(label=_("Forwarding"), choices=Notice.Forwarding.choices)
    user_ref = forms.CharField(
        label=_("The user's account in your system (kept from the sender)"), max_length=200, required=False
    )
    note = forms.CharField(
        label=_("Note (the sender reads it)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why you take no measure"), widget=forms.Textarea(attrs={"rows": 3}))


class DeclarationForm(forms.Form):
    name = forms.CharField(label=_("User's real name"), max_length=200)
    contact = forms.CharField(label=_("User's contact"), max_length=200)
    address = forms.CharField(label=_("User's address"), max_length=300)
    declaration = forms.CharField(label=_("Declaration of non-infringement"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = MultipleFileField(label=_("Preliminary evidence of non-infringement"), required=True)


class ActionForm(forms.Form):
    action = forms.ChoiceField(label=_("What you did"), choices=Notice.Action.choices)
    authority = forms.CharField(label=_("Department or court"), max_length=200)
    reference = forms.CharField(label=_("Reference (case number)"), max_length=200, required=False)
    proof = MultipleFileField(label=_("Proof (acceptance notice, receipt)"), required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
