"""Abuse controls of the public reporting channel: a rate limit per address, an offline CAPTCHA after the first few
reports of a day, and duplicate detection.

The CAPTCHA is the kernel's offline one (:mod:`zilu.core.captcha`): an arithmetic question in Chinese numerals, signed,
good for ten minutes and for one answer only; it stops scripted floods, not a determined human, which the rate limit
caps.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from zilu.core import captcha
from zilu.core.errors import Throttled, ValidationFailed

_SALT = "zilu.reports.captcha"
CAPTCHA_MAX_AGE = captcha.MAX_AGE


@dataclass(frozen=True)
class Client:
    """Who is submitting, as far as abuse controls care: the address and the CAPTCHA answer, if any."""

    address: str = ""
    captcha_token: str = ""
    captcha_answer: str = ""

    @property
    def key(self) -> str:
        """A hash of the address (the raw address is not stored with the report)."""
        return hashlib.sha256(("zilu-report:" + self.address).encode()).hexdigest() if self.address else ""


def _count(key: str, window: int) -> int:
    cache.add(key, 0, window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def check_rate(client: Client) -> None:
    """Count one submission attempt from this address; refuse beyond ``ZILU_REPORT_RATE_LIMIT`` an hour."""
    limit = int(settings.ZILU_REPORT_RATE_LIMIT)
    if limit <= 0 or not client.address:
        return
    if _count("zilu:report:hour:" + client.key, 3600) > limit:
        raise Throttled(_("Too many reports from your network in the last hour. Please try again later."))


def _accepted_key(client: Client) -> str:
    return "zilu:report:day:" + client.key


def captcha_required(client: Client) -> bool:
    """Whether this address has already had ``ZILU_REPORT_CAPTCHA_AFTER`` reports accepted today."""
    after = int(settings.ZILU_REPORT_CAPTCHA_AFTER)
    if after < 0 or not client.address:  # no address: made on the server (the demo, a command), not over HTTP
        return False
    return int(cache.get(_accepted_key(client)) or 0) >= after


def record_accepted(client: Client) -> None:
    _count(_accepted_key(client), 86400)


def new_challenge() -> tuple[str, str]:
    """A (token, question) pair (see :mod:`zilu.core.captcha`)."""
    return captcha.new_challenge(_SALT)


def _captcha_error(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, errors=[{"field": "captcha_answer", "reason": message, "code": code}])


def check_captcha(client: Client) -> None:
    """Refuse the submission unless it carries a right, fresh and unused answer (only when one is required)."""
    if not captcha_required(client):
        return
    error = captcha.verify(_SALT, client.captcha_token, client.captcha_answer)
    if error == captcha.MISSING:
        raise _captcha_error(_("Please answer the check question: you have sent several reports today."), error)
    if error == captcha.INVALID:
        raise _captcha_error(
            _("The check question has expired or the answer is not a number. Please answer a new question."), error
        )
    if error == captcha.WRONG:
        raise _captcha_error(_("The answer to the check question is wrong."), error)
    if error == captcha.USED:
        raise _captcha_error(_("This check question has already been used. Please answer a new question."), error)


# --- duplicates ----------------------------------------------------------------------------------------------------

_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Text folded for comparison: NFKC, lower case, no spaces, punctuation or symbols."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).lower())


def fingerprint(text: str) -> str:
    return hashlib.sha256(normalise(text).encode()).hexdigest()


def shingles(text: str, size: int = 3) -> frozenset[str]:
    folded = normalise(text)
    if len(folded) <= size:
        return frozenset({folded}) if folded else frozenset()
    return frozenset(folded[i : i + size] for i in range(len(folded) - size + 1))


def jaccard(sa: frozenset[str], sb: frozenset[str]) -> float:
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' character trigrams (1.0 for texts equal after folding)."""
    return jaccard(shingles(a), shingles(b))


def check_lookup_rate(client: Client) -> None:
    """At most 30 lookups per address and hour: the code is long, and guessing it should stay hopeless."""
    if client.address and _count("zilu:report:lookup:" + client.key, 3600) > 30:
        raise Throttled(_("Too many lookups from your network in the last hour. Please try again later."))
