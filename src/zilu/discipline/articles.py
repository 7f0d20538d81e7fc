"""Citing the convention's articles in a case: ``"12"`` is Article 12, ``"12(5)"`` its item (五).

A case cites the version of the convention in force when it was opened; every reference must exist in that
version, and only the self-discipline clauses (the chapter 自律条款, Art. 6–17 in version 1) can be breached: the
other chapters set up the convention and its execution, they oblige no member. (A version without a chapter of that
title accepts any of its articles.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from zilu.convention.models import ConventionVersion
from zilu.convention.parser import to_cn_numeral
from zilu.core.errors import ValidationFailed

_REF = re.compile(r"^(?:第)?(\d{1,3})(?:条)?(?:[(（](\d{1,2})[)）])?$")
SELF_DISCIPLINE_CHAPTER = "自律条款"


def parse(raw: str | Iterable[str]) -> list[str]:
    """Normalised references from text (``12, 12(5)；17``) or a list; ValidationFailed names a malformed one."""
    parts = re.split(r"[,，;；、\s]+", raw) if isinstance(raw, str) else [str(p) for p in raw]
    refs: list[str] = []
    for part in filter(None, (p.strip() for p in parts)):
        match = _REF.match(part)
        if match is None:
            raise ValidationFailed(
                _("“%(ref)s” is not an article reference (write 12 or 12(5)).") % {"ref": part}, field="articles"
            )
        ref = match.group(1) + (f"({int(match.group(2))})" if match.group(2) else "")
        if ref not in refs:
            refs.append(ref)
    return refs


def check(refs: list[str], version: ConventionVersion | None) -> list[str]:
    """``refs`` if each names a self-discipline article (and item) of ``version``; ValidationFailed otherwise."""
    if version is None:
        raise ValidationFailed(_("No version of the convention is in force."), field="articles")
    if not refs:
        raise ValidationFailed(_("Cite at least one article of the convention that was breached."), field="articles")
    parsed = version.parsed
    chapters = {c.number: c.title for c in parsed.chapters}
    for ref in refs:
        number, _sep, item = ref.partition("(")
        try:
            article = parsed.article(int(number))
        except KeyError:
            raise ValidationFailed(
                _("Version %(v)d of the convention has no Article %(n)s.") % {"v": version.number, "n": number},
                field="articles",
            ) from None
        if SELF_DISCIPLINE_CHAPTER in chapters.values() and chapters.get(article.chapter) != SELF_DISCIPLINE_CHAPTER:
            raise ValidationFailed(
                _("Article %(n)s is not a self-discipline clause; a member cannot breach it.") % {"n": number},
                field="articles",
            )
        if item and int(item[:-1]) > len(article.items):
            raise ValidationFailed(
                _("Article %(n)s has no item %(i)s.") % {"n": number, "i": item[:-1]}, field="articles"
            )
    return refs


def label(refs: Iterable[str]) -> str:
    """As the convention cites them: ``第十二条第（五）项、第十七条``."""
    out = []
    for ref in refs:
        number, _sep, item = ref.partition("(")
        text = f"第{to_cn_numeral(int(number))}条"
        if item:
            text += f"第（{to_cn_numeral(int(item[:-1]))}）项"
        out.append(text)
    return "、".join(out)
