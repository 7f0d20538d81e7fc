"""An offline CAPTCHA: an arithmetic question written in Chinese numerals, signed with the site's key
(django.core.signing), good for ten minutes and for one answer only (the nonce is burnt in the shared cache).

It needs no third-party service, so it works on an intranet deployment; it stops scripted floods, not a determined
human, which the rate limits and lock-outs around it cap. Used by the public report form (after a few reports a day)
and by sign-in (after repeated failures for an account, instead of locking its owner out).
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

from django.core import signing
from django.core.cache import cache

MAX_AGE = 600
_DIGITS = "零一二三四五六七八九十"

#: What :func:`verify` answers: None for a right, fresh, unused answer, else one of these codes.
MISSING, INVALID, WRONG, USED = "captcha_required", "captcha_invalid", "captcha_wrong", "captcha_used"


def _numeral(n: int) -> str:
    if n <= 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + _DIGITS[n - 10]
    return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")


def _answer_hash(answer: int, nonce: str) -> str:
    return hashlib.sha256(f"{nonce}:{answer}".encode()).hexdigest()


def new_challenge(purpose: str) -> tuple[str, str]:
    """A (token, question) pair for ``purpose`` (a token is good for its purpose only). The question is in Chinese
    numerals; the answer is typed in Arabic digits (full-width digits are accepted)."""
    a, b = secrets.randbelow(40) + 5, secrets.randbelow(9) + 1
    plus = secrets.randbelow(2) == 0
    answer = a + b if plus else a - b
    nonce = secrets.token_hex(8)
    token = signing.dumps({"n": nonce, "h": _answer_hash(answer, nonce)}, salt=purpose, compress=True)
    question = f"{_numeral(a)}{'加' if plus else '减'}{_numeral(b)}等于多少？"
    return token, question


def verify(purpose: str, token: str, answer: str) -> str | None:
    """None if ``answer`` rightly answers the question of ``token`` (which is then used up), else the error code."""
    if not token or not (answer or "").strip():
        return MISSING
    try:
        data = signing.loads(token, salt=purpose, max_age=MAX_AGE)
        number = int(unicodedata.normalize("NFKC", answer).strip())
    except (signing.BadSignature, ValueError, TypeError):
        return INVALID
    if not secrets.compare_digest(_answer_hash(number, str(data.get("n"))), str(data.get("h"))):
        return WRONG
    if not cache.add(f"zilu:captcha:{purpose}:{data.get('n')}", 1, MAX_AGE + 60):
        return USED
    return None


__all__ = ["INVALID", "MAX_AGE", "MISSING", "USED", "WRONG", "new_challenge", "verify"]
