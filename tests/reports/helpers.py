"""Helpers of the reporting tests: submit through the API or the page, solve the offline CAPTCHA."""

from __future__ import annotations

import io
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

API = "/api/v1/reports"


def _png() -> bytes:
    """A real (decodable) PNG: evidence images are re-encoded to drop their metadata, so a fake one is refused."""
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


PNG = _png()
DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def report_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "category": "fraud",
        "target": "https://news.shop.example.com.cn/item/42",
        "description": "该页面以高额返利为诱饵诱导用户转账，属于典型的刷单诈骗。",
    }
    data.update(overrides)
    return data


def png(name: str = "shot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def submit_api(client: Client, files: list | None = None, **overrides: Any):
    data = report_data(**overrides)
    if files:
        data["files"] = files
    return client.post(API, data)


def submit_ok(client: Client, **overrides: Any) -> dict[str, Any]:
    response = submit_api(client, **overrides)
    assert response.status_code == 201, response.content
    return response.json()


def lookup_api(client: Client, number: str, code: str):
    return client.post(
        f"{API}/lookup", {"tracking_number": number, "lookup_code": code}, content_type="application/json"
    )


def _number(text: str) -> int:
    if text.startswith("十"):
        text = "一" + text
    if "十" in text:
        tens, _sep, units = text.partition("十")
        return DIGITS[tens] * 10 + (DIGITS[units] if units else 0)
    return DIGITS[text]


def solve(question: str) -> str:
    """The answer of a question like 二十三加七等于多少？"""
    match = re.fullmatch(r"(.+?)(加|减)(.+?)等于多少？", question)
    assert match, question
    a, b = _number(match.group(1)), _number(match.group(3))
    return str(a + b if match.group(2) == "加" else a - b)
