"""The parser's errors worded for the staff pages, in the site's language (the parser itself stays Django-free)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zilu.convention.parser import ConventionParseError


def describe(exc: ConventionParseError) -> str:
    """“Line N: what is wrong”, translated; unknown codes fall back to the parser's English wording."""
    templates = {
        "numeral": _("“%(text)s” is not a Chinese numeral."),
        "empty_text": _("The text is empty: it has no title and no chapters."),
        "title_missing": _("The first line must be the title of the convention."),
        "no_chapters": _("There are no chapters: a heading such as “第一章 总则” is expected."),
        "article_before_chapter": _("An article comes before the first chapter."),
        "preamble": _("Only the title may come before the first chapter."),
        "empty_article": _("%(article)s is empty."),
        "empty_chapter": _("%(chapter)s has no articles."),
        "after_signature": _("The heading “%(heading)s” comes after the signature block (line %(signature_line)s)."),
        "chapter_order": _("Chapters must be numbered without gaps: expected %(expected)s, found “%(got)s”."),
        "duplicate_article": _("%(article)s appears twice (first on line %(first_line)s)."),
        "article_order": _("Article numbers must not skip or go back: expected %(expected)s, found %(got)s."),
        "text_before_article": _("%(chapter)s has text before its first article."),
        "item_order": _("The items of %(article)s are out of order: expected %(expected)s, found %(got)s."),
        "item_first": _("%(article)s must open with a paragraph, not an item."),
        "empty_item": _("Item %(item)s of %(article)s is empty."),
    }
    template = templates.get(exc.code)
    reason = template % exc.params if template else exc.message
    return _("Line %(line)s: %(reason)s") % {"line": exc.line, "reason": reason}
