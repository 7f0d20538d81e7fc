"""The parser's errors reach the staff in Chinese, with the line number."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from tests.convention.helpers import V1_TEXT
from zilu.convention.parse_messages import describe
from zilu.convention.parser import ConventionParseError, parse_convention

BROKEN = {
    "empty_text": "",
    "title_missing": "第一章 总则\n\n第一条 甲。\n",
    "no_chapters": "标题\n\n第一条 甲。\n",
    "preamble": "标题\n\n前言\n\n第一章 总则\n\n第一条 甲。\n",
    "article_order": V1_TEXT.replace("第三条", "第四条", 1),
    "duplicate_article": V1_TEXT.replace("第三条", "第二条", 1),
    "chapter_order": V1_TEXT.replace("第二章", "第三章", 1),
    "item_order": V1_TEXT.replace("(二)", "(三)", 1),
}


@pytest.mark.parametrize(("code", "text"), BROKEN.items())
def test_every_parse_error_has_a_chinese_wording(code, text):
    with pytest.raises(ConventionParseError) as excinfo:
        parse_convention(text)
    assert excinfo.value.code == code
    with translation.override("zh-hans"):
        message = describe(excinfo.value)
    assert message.startswith(f"第 {excinfo.value.line} 行") or str(excinfo.value.line) in message
    assert re.search(r"[\u4e00-\u9fff]", message.replace("第一章", "").replace("第", ""))
    assert excinfo.value.message not in message  # the English wording is not what staff see


def test_every_code_the_parser_raises_is_worded():
    import inspect

    from zilu.convention import parse_messages, parser

    raised = set(re.findall(r'ConventionParseError\([^)]*?"([a-z_]+)"', inspect.getsource(parser), re.DOTALL))
    raised |= set(re.findall(r'msg, no, "([a-z_]+)"', inspect.getsource(parser)))
    worded = set(re.findall(r'"([a-z_]+)": _\(', inspect.getsource(parse_messages)))
    assert raised and raised <= worded, raised - worded


@pytest.mark.django_db
def test_staff_import_page_shows_the_error_in_chinese(client_for):
    response = client_for("staff").post("/staff/convention/", {"text": BROKEN["article_order"]})
    body = response.content.decode()
    assert "无法将该文本识别为公约" in body
    assert "条款编号不得跳号或倒序" in body
    assert "article numbers must not skip" not in body
