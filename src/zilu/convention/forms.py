"""Forms for managing convention versions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zilu.core.forms import MultipleFileField


class ImportVersionForm(forms.Form):
    """Paste or upload the text of a convention version."""

    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), required=False)
    file = forms.FileField(label=_("…or a UTF-8 text file"), required=False)
    effective_date = forms.DateField(
        label=_("Effective date"),
        required=False,
        help_text=_("Leave empty to use the signing date (签约时间) in the text."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > 1024 * 1024:
                raise forms.ValidationError({"file": _("The file is larger than 1 MB.")})
            try:
                cleaned["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError({"file": _("The file is not UTF-8 text.")}) from exc
            cleaned["source_name"] = upload.name
        if not cleaned.get("text", "").strip():
            raise forms.ValidationError(_("Paste the text or choose a file."))
        return cleaned


class PublishForm(forms.Form):
    """Publish a draft, optionally recording an earlier publication date."""

    published_on = forms.DateField(
        label=_("Publication date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class WithdrawForm(forms.Form):
    """Withdraw a draft, with a reason."""

    reason = forms.CharField(label=_("Reason"), max_length=1000)


class AttachForm(forms.Form):
    """Attach scans of the signed original."""

    files = MultipleFileField(label=_("Signed copy (PDF or image)"))
