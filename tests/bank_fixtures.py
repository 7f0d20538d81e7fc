"""Fixtures shared by the bank and review tests (imported by their conftest.py): a per-test signing key, a fresh
screener, API-key clients, English messages."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django.utils import translation

from zilu.banks.service import reset_screener
from zilu.core import signing
from zilu.core.actions import do_create_api_key


@pytest.fixture(autouse=True)
def _fresh_banks(settings, tmp_path):
    """Each test signs with its own key and builds its own screener (versions restart with the database)."""
    settings.ZILU_BANKS_SIGNING_KEY = str(tmp_path / "signing-key.pem")
    settings.LANGUAGE_CODE = "en"
    signing._keys.clear()
    reset_screener()
    with translation.override("en"):
        yield
    reset_screener()


@pytest.fixture
def key_for(users):
    """``key_for("member")``: a client that authenticates with an API key of that member representative."""

    counter = itertools.count()

    def make(role: str) -> Client:
        client = Client()
        token = do_create_api_key(users[role], f"system {next(counter)}").token
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return make
