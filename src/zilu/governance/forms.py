"""Forms of convention governance: amendment proposals, votes, annexes and interpretations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zilu.governance.models import Ballot


class AmendmentForm(forms.Form):
    """Propose an amendment: the whole amended text (edit, insert or delete articles and items), with reasons."""

    title = forms.CharField(label=_("Title"), max_length=200)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}))
    text = forms.CharField(
        label=_("Amended text"),
        widget=forms.Textarea(attrs={"rows": 30, "class": "convention-text"}),
        help_text=_("The whole text of the convention as amended: edit, insert or delete articles and items."),
    )


class OpenVoteForm(forms.Form):
    """Staff open the vote of the member units, until a closing time."""

    closes_at = forms.DateTimeField(
        label=_("Vote closes at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class BallotForm(forms.Form):
    """A member unit's vote."""

    choice = forms.ChoiceField(label=_("Your unit's vote"), choices=Ballot.Choice.choices, widget=forms.RadioSelect)


class AnnexForm(forms.Form):
    """Propose a sub-sector self-discipline agreement (Art. 24)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    sector = forms.CharField(label=_("Sub-sector"), max_length=100)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 20}))


class InterpretationForm(forms.Form):
    """Publish an interpretation of an article (Art. 25)."""

    article = forms.IntegerField(label=_("Article number"), min_value=1)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}))
