"""Shared set-up of the notices tests: a complete notice, files, and the steps through the API."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.members.helpers import make_resident_id

API = "/api/v1/notices"
LOCATION = "https://video.example.com.cn/v/12345"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HOLDER_ID = make_resident_id(7)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (20, 90, 200)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


def pdf(name: str = "copyright-certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name: str = "evidence.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def notice_form(**overrides: Any) -> dict[str, Any]:
    """A complete notice as multipart fields (without the proof files)."""
    data: dict[str, Any] = {
        "member": "CP-2026-0001",
        "location": LOCATION,
        "work": "纪录片《长城脚下》",
        "right": "copyright",
        "description": "该视频完整搬运了我方享有著作权的纪录片，未经许可向公众提供。",
        "holder_kind": "person",
        "holder_name": "王小明",
        "holder_id_number": HOLDER_ID,
        "holder_phone": "13800138000",
        "holder_email": "wang@example.invalid",
        "holder_address": "北京市昌平区回龙观东大街1号",
        "signature": "王小明",
        "accept_liability": "true",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def file_notice(c: Client, *, proof: list | None = None, **overrides: Any) -> Any:
    """POST a notice (multipart); returns the response."""
    data = notice_form(**overrides)
    data["proof"] = [pdf()] if proof is None else proof
    return c.post(API, data)


def filed(c: Client, **overrides: Any) -> dict[str, Any]:
    response = file_notice(c, **overrides)
    assert response.status_code == 201, response.content
    return response.json()


def post_json(c: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return c.post(path, body or {}, content_type="application/json")


def declaration_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "李四",
        "contact": "13900139000",
        "address": "北京市海淀区中关村大街27号",
        "declaration": "该视频为本人自行拍摄的原创作品，不构成侵权。",
        "evidence": [png("raw-footage.png")],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
