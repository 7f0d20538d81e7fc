"""Policies map labels, severities and forms to suggestions, mask hits, and load from JSON or TOML."""

from __future__ import annotations

import json

import pytest

from tests.screening.helpers import BANK
from zilu.screening import Evasion, Policy, PolicyError, Screener


def test_label_patterns_most_specific_wins():
    policy = Policy(labels={"*": "review", "pii.*": "pass", "pii.mobile": "block", "drugs": "block"})
    assert policy.suggest(("pii.mobile",), 2) == "block"
    assert policy.suggest(("pii.email",), 2) == "pass"
    assert policy.suggest(("porn",), 1) == "review"
    assert policy.suggest(("porn", "drugs"), 1) == "block"  # the strictest of the labels


def test_severities_then_default():
    policy = Policy(labels={}, severities={3: "block", 2: "review"}, default="pass")
    assert policy.suggest(("x",), 3) == "block"
    assert policy.suggest(("x",), 2) == "review"
    assert policy.suggest(("x",), 1) == "pass"


def test_forms_cap_the_suggestion():
    policy = Policy(labels={"drugs": "block"}, form_caps={"homophone": "review", "pinyin": "pass"})
    assert policy.suggest(("drugs",), 3, "exact") == "block"
    assert policy.suggest(("drugs",), 3, "homophone") == "review"
    assert policy.suggest(("drugs",), 3, "pinyin") == "pass"


def test_verdict_is_the_strictest_hit():
    screener = Screener(BANK)
    assert screener.screen("今天天气很好").suggestion == "pass"
    assert screener.screen("大麻").suggestion == "review"  # severity 2
    assert screener.screen("冰毒").suggestion == "block"  # severity 3
    assert screener.screen("冰读").suggestion == "review"  # homophone capped
    assert screener.screen("大麻 13800138000").labels == ("drugs", "pii.mobile")


def test_masking_keeps_offsets_and_length():
    screener = Screener(BANK, Policy(mask=("pii.*", "drugs")))
    text = "出售冰 毒，电话13800138000，the av film"
    verdict = screener.screen(text, title="冰毒")
    assert verdict.masked_text == "出售***，电话***********，the av film"
    assert len(verdict.masked_text) == len(text)
    assert verdict.masked_title == "**"
    assert Screener(BANK, Policy(mask=("*",), mask_char="□")).screen("the av film").masked_text == "the □□ film"
    assert Screener(BANK).screen("冰毒").masked_text is None  # no masking asked for


def test_from_dict_and_files(tmp_path):
    data = {
        "labels": {"drugs": "block", "pii.*": "pass"},
        "severities": {"1": "pass", "3": "block"},
        "default": "review",
        "mask": True,
        "evasion": {"pinyin": False, "max_gap": 2},
        "max_chars": 1000,
    }
    policy = Policy.from_dict(data)
    assert policy.severities == {1: "pass", 3: "block"}
    assert policy.mask == ("*",)
    assert policy.evasion == Evasion(pinyin=False, max_gap=2)
    assert Policy.from_dict(policy.to_dict()) == policy
    (tmp_path / "p.json").write_text(json.dumps(data))
    assert Policy.from_file(tmp_path / "p.json") == policy
    (tmp_path / "p.toml").write_text(
        'default = "review"\nmask = true\nmax_chars = 1000\n[labels]\ndrugs = "block"\n"pii.*" = "pass"\n'
        '[severities]\n1 = "pass"\n3 = "block"\n[evasion]\npinyin = false\nmax_gap = 2\n'
    )
    assert Policy.from_file(tmp_path / "p.toml") == policy


@pytest.mark.parametrize(
    "data",
    [
        {"lables": {}},
        {"default": "maybe"},
        {"labels": {"x": "deny"}},
        {"evasion": {"pinyn": True}},
        {"evasion": {"pinyin": "yes"}},
        {"max_chars": "10"},
        {"max_chars": True},
        {"mask_char": "**"},
        {"form_caps": {"fuzzy": "pass"}},
        {"severities": {"high": "block"}},
    ],
)
def test_bad_policies_are_refused(data):
    with pytest.raises(PolicyError):
        Policy.from_dict(data)


def test_unreadable_policy_file(tmp_path):
    with pytest.raises(PolicyError):
        Policy.from_file(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(PolicyError):
        Policy.from_file(tmp_path / "bad.json")
