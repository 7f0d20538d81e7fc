"""Forms of the kernel: throttled login, API key creation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from zilu.core import captcha, throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form. After repeated failures for an account it asks a CAPTCHA question before checking the password;
    only this account from this address (or an address trying many accounts) is locked (see ``core.throttle``)."""

    CAPTCHA_PURPOSE = "zilu.core.login"

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again."),
        "captcha_required": _("After several failed attempts for this account, please answer the check question."),
        "captcha_wrong": _("The answer to the check question is wrong, or the question has expired. Please answer "
                           "the new question."),
    }  # fmt: skip

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        if self.is_bound and throttle.state(self.data.get("username") or "", request) == throttle.CAPTCHA:
            self._add_captcha_fields()

    def _add_captcha_fields(self) -> None:
        if "captcha_answer" not in self.fields:
            self.fields["captcha_token"] = forms.CharField(widget=forms.HiddenInput, required=False)
            self.fields["captcha_answer"] = forms.CharField(label=_("Check question"), required=False, max_length=10)

    def _new_question(self) -> None:
        """Show a fresh question with the re-rendered form (a bound form shows its data, so replace it there)."""
        self._add_captcha_fields()
        token, question = captcha.new_challenge(self.CAPTCHA_PURPOSE)
        data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict
        data["captcha_token"], data["captcha_answer"] = token, ""
        self.data = data
        self.fields["captcha_answer"].label = question
        self._bound_fields_cache.pop("captcha_answer", None)  # type: ignore[attr-defined]  # keeps the old label

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        current = throttle.state(username, self.request)
        if current == throttle.LOCKED:
            minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled", params={"minutes": minutes})
        if current == throttle.CAPTCHA:
            error = captcha.verify(
                self.CAPTCHA_PURPOSE, self.data.get("captcha_token") or "", self.data.get("captcha_answer") or ""
            )
            if error is not None:
                self._new_question()
                code = "captcha_required" if error == captcha.MISSING else "captcha_wrong"
                raise forms.ValidationError(self.error_messages[code], code=code)
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, self.request)
            if throttle.state(username, self.request) == throttle.CAPTCHA:
                self._new_question()
            raise
        throttle.reset(username, self.request)
        return cleaned


class ApiKeyForm(forms.Form):
    """Name a new API key."""

    name = forms.CharField(label=_("Key name"), max_length=100, help_text=_("e.g. “Publishing pipeline”"))


class RegistrationForm(forms.Form):
    """Create a public account."""

    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), help_text=_("Decisions and notices are sent here."))
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field accepting several files (Django's documented recipe); cleans to a list, ``[]`` when empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []
