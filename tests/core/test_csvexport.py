"""The one CSV writer of every export: UTF-8 with a BOM, formula cells neutralised, numbers and dates as they are."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy

from zilu.core.csvexport import CONTENT_TYPE, csv_response, neutralise, render

BOM = "\ufeff"


def parse(text: str) -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil.example","点我")', '\'=HYPERLINK("http://evil.example","点我")'),
        ("+86 10 1234", "'+86 10 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-3", "'-3"),  # text that looks like a negative number is still text
        ("a=b", "a=b"),  # only the first character counts
        (" =1", " =1"),
        ("昌平区互联网行业自律公约", "昌平区互联网行业自律公约"),
        ("'already quoted", "'already quoted"),
        ("", ""),
        (None, ""),
        (0, "0"),
        (42, "42"),
        (-3, "-3"),  # an int is a number, not a formula
        (-1.5, "-1.5"),
        (Decimal("-2.50"), "-2.50"),
        (True, "True"),
        (False, "False"),
        (date(2026, 1, 5), "2026-01-05"),
        (datetime(2026, 1, 5, 9, 30, tzinfo=UTC), "2026-01-05T09:30:00+00:00"),
        (gettext_lazy("=lazy"), "'=lazy"),
    ],
)
def test_neutralise(value, cell):
    assert neutralise(value) == cell


def test_render_sequences_in_the_header_order():
    text = render(["name", "count", "when"], [["=1+1", -3, date(2026, 1, 5)], ["公司", None, None]])
    assert text.startswith(BOM)
    assert parse(text) == [["name", "count", "when"], ["'=1+1", "-3", "2026-01-05"], ["公司", "", ""]]
    assert "\n-3," not in text and ",-3," in text  # the negative int is written unquoted


def test_render_mappings_by_the_header_missing_keys_empty_extra_keys_ignored():
    rows = [{"b": "@x", "a": 1, "ignored": "=secret"}, {"a": "-"}]
    assert parse(render(["a", "b"], rows)) == [["a", "b"], ["1", "'@x"], ["'-", ""]]
    assert "secret" not in render(["a", "b"], rows)


def test_render_mixed_rows_generators_and_quoting():
    def rows():
        yield {"a": "x,y", "b": 'say "hi"'}
        yield ("line\nbreak", "\r\nCRLF")

    text = render(("a", "b"), rows())
    assert parse(text) == [["a", "b"], ["x,y", 'say "hi"'], ["line\nbreak", "'\r\nCRLF"]]


def test_render_neutralises_the_header_too():
    assert parse(render(["=a", "b"], []))[0] == ["'=a", "b"]


def test_render_with_no_rows_is_the_header_alone():
    assert render(["a", "b"], []) == BOM + "a,b\r\n"


def test_csv_response():
    response = csv_response("x.csv", ["a"], [["=1"], ["中文"]])
    assert response["Content-Type"] == CONTENT_TYPE == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert not response.has_header("Cache-Control")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert parse(response.content.decode("utf-8")) == [["a"], ["'=1"], ["中文"]]


def test_csv_response_private_and_extra_headers():
    response = csv_response("y.csv", ["a"], [], private=True, headers={"X-Content-SHA256": "ab" * 32})
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-SHA256"] == "ab" * 32
