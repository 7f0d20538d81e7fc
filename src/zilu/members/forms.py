"""Forms of the membership pages. Rules live in the actions; forms only shape the input."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zilu.members.models import Kind, Member, Signature


class ApplicationForm(forms.Form):
    """Apply to join. Which fields are required depends on the kind of applicant (checked by the action)."""

    kind = forms.ChoiceField(label=_("Kind of applicant"), choices=Kind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Full name (unit or person)"), max_length=200)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=40, required=False)
    registered_address = forms.CharField(label=_("Registered address"), max_length=300, required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=100, required=False)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=100, required=False)
    resident_id = forms.CharField(label=_("Resident ID number (individuals)"), max_length=40, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40)
    statement = forms.CharField(
        label=_("Your work in the district's internet industry (individuals)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )
    # Internet access venues (Art. 13) only.
    venue_name = forms.CharField(label=_("Venue name (venues)"), max_length=200, required=False)
    venue_licence = forms.CharField(
        label=_("Internet culture business licence number (venues)"),
        max_length=60,
        required=False,
        help_text=_("e.g. 京网文〔2019〕1234-567号"),
    )
    venue_address = forms.CharField(label=_("Venue address (venues)"), max_length=300, required=False)
    venue_operator = forms.CharField(label=_("Venue operator (venues)"), max_length=100, required=False)


class ApproveForm(forms.Form):
    qualification_note = forms.CharField(
        label=_("Why the institution qualifies (required when registered outside Changping)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class RequestInfoForm(forms.Form):
    request = forms.CharField(label=_("Information needed"), widget=forms.Textarea(attrs={"rows": 3}))


class SignForm(forms.Form):
    """Sign the version in force. The hash of the text shown is posted back and checked by the action."""

    convention_sha256 = forms.CharField(widget=forms.HiddenInput)
    has_read = forms.BooleanField(label=_("I have read the convention above and agree to abide by it."))
    signer_name = forms.CharField(label=_("Signer's name"), max_length=100)
    signer_capacity = forms.ChoiceField(label=_("Signing as"), choices=Signature.Capacity.choices)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40)
    signed_on = forms.DateField(label=_("Signing date"), widget=forms.DateInput(attrs={"type": "date"}))
    seal = forms.FileField(label=_("Image of the unit's seal (PNG or JPEG, up to 2 MB)"), required=False)
    delegation_letter = forms.FileField(label=_("Letter of authorisation (delegates only)"), required=False)

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["signed_on"].initial = timezone.localdate()
        if kind == Kind.INDIVIDUAL:
            self.fields["signer_capacity"].choices = [(Signature.Capacity.SELF, Signature.Capacity.SELF.label)]
            del self.fields["seal"]
            del self.fields["delegation_letter"]
        else:
            self.fields["signer_capacity"].choices = [
                (c.value, c.label) for c in (Signature.Capacity.LEGAL_REPRESENTATIVE, Signature.Capacity.DELEGATE)
            ]


class WithdrawForm(forms.Form):
    effective_on = forms.DateField(label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label=_("We withdraw from the convention and notify the executing body."))


class RegistrySearchForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Member.Status.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Kind.choices])


class VenueAssessmentForm(forms.Form):
    """A venue's self-assessment (Art. 13): three figures and one answer per item of ``VENUE_ITEMS``."""

    opening_hours = forms.CharField(label=_("Opening hours"), max_length=20, help_text=_("e.g. 08:00-24:00"))
    session_limit_minutes = forms.IntegerField(
        label=_("Continuous-use limit (minutes, 0 if none)"), min_value=0, max_value=24 * 60
    )
    filtering_system = forms.CharField(label=_("Content filtering system on the terminals"), max_length=200)

    def __init__(self, *args: object, **kwargs: object) -> None:
        from zilu.members.venues import VENUE_ITEMS

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = [("yes", _("Yes")), ("partly", _("Partly")), ("no", _("No"))]
        for item in VENUE_ITEMS:
            self.fields[f"answer_{item.code}"] = forms.ChoiceField(
                label=f"{item.code}. {item.text}", choices=choices, widget=forms.RadioSelect
            )
            self.fields[f"note_{item.code}"] = forms.CharField(
                label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 1})
            )

    def payload(self) -> dict[str, object]:
        """The cleaned data in the action's shape (answers keyed by item code)."""
        from zilu.members.venues import VENUE_ITEMS

        data = self.cleaned_data
        return {
            "opening_hours": data["opening_hours"],
            "session_limit_minutes": data["session_limit_minutes"],
            "filtering_system": data["filtering_system"],
            "answers": {
                i.code: {"answer": data[f"answer_{i.code}"], "note": data.get(f"note_{i.code}", "")}
                for i in VENUE_ITEMS
            },
        }


class VenueReviewForm(forms.Form):
    note = forms.CharField(label=_("Note to the venue"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BulletinForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=10, help_text=_("e.g. 2026Q4, 2026-11 or 2026"))
    corrects = forms.IntegerField(label=_("Corrects bulletin No."), required=False, min_value=1)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    interim = forms.BooleanField(
        label=_("Interim: the period that is still running, as it stands today"), required=False
    )
