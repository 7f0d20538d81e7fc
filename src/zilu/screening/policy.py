"""Policies: configuration (JSON or TOML) that turns hits into a suggestion, masks, and sets the evasion switches.

A hit's suggestion comes from, in order:

1. ``labels``: label patterns (``"drugs"``, ``"pii.*"``, ``"*"``) to a suggestion; the most specific pattern that
   matches one of the hit's labels wins (an exact label beats ``pii.*``, which beats ``pii*`` and ``*``), and with
   several labels the strictest result counts;
2. otherwise ``severities``: the hit's severity (1 low, 2 medium, 3 high) to a suggestion;
3. otherwise ``default``.

``form_caps`` then caps it by how the term matched (by default a homophone match can ask for review, never a
block). The verdict's suggestion is the strictest of its hits' (``pass`` when there are none).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal, cast

from zilu.screening.errors import PolicyError

Suggestion = Literal["pass", "review", "block"]
SUGGESTIONS: tuple[Suggestion, ...] = ("pass", "review", "block")
RANK: dict[str, int] = {name: i for i, name in enumerate(SUGGESTIONS)}
FORMS = ("exact", "normalized", "pinyin", "homophone")


@dataclass(frozen=True)
class Evasion:
    """The evasion switches (all on by default) and their bounds; see docs/screening.md for what each costs."""

    case: bool = True  # Ａ/A -> a
    width: bool = True  # full-width and other compatibility forms (NFKC)
    traditional: bool = True  # 髮 -> 发 (OpenCC character table)
    confusables: bool = True  # Cyrillic а, Greek ο, ɡ, ó ... -> a, o, g, o (letters of other scripts that look Latin)
    digits: bool = True  # ①, ⑴, ０, 一, 壹 -> 1
    noise: bool = True  # symbols, spaces, emoji, zero-width characters between the characters of a term
    repeat: bool = True  # 冰冰毒毒 -> 冰毒
    pinyin: bool = True  # bingdu, bing du, BingDu for 冰毒
    homophone: bool = True  # 冰读 for 冰毒
    punctuation: bool = True  # 冰，毒 · 冰、毒 · 冰\n毒: clause punctuation or a line break between single characters
    spacers: bool = True  # 炸丨药 · 春〇药: glyph-like characters (strokes, radicals, 〇 口 卍) between characters
    split_chars: bool = True  # 氵每洛因 for 海洛因 (拆字: a character written as its components)
    pinyin_mix: bool = True  # 冰du · bing毒 · hai洛因: pinyin for some of a term's characters
    leet: bool = True  # p0rn · s3x · $ex · vi@gra · kiII · ⍺ss · p.o.r.n: stand-ins and separators inside Latin words
    precision: bool = True  # drop homophone and joined matches that are everyday words (幸福 is not 性福)
    max_gap: int = 4  # most noise characters (not counting invisible ones) between two characters of a term
    pinyin_max_chars: int = 4  # terms longer than this get no pinyin spelling
    pinyin_min_letters: int = 5  # shorter spellings (mama, made) collide with ordinary Latin words
    homophone_min_chars: int = 2  # terms shorter than this get no homophone matching

    def char_switches(self) -> dict[str, bool]:
        """The switches that shape the character table (keyword arguments of :func:`charmap.charmap`)."""
        return {
            "case": self.case,
            "width": self.width,
            "digits": self.digits,
            "trad": self.traditional,
            "noise": self.noise,
            "confusable": self.confusables,
        }


def _default_labels() -> dict[str, Suggestion]:
    return {"link.blocked": "block", "pii.*": "review"}


def _default_severities() -> dict[int, Suggestion]:
    return {1: "review", 2: "review", 3: "block"}


def _default_caps() -> dict[str, Suggestion]:
    return {"homophone": "review"}


@dataclass(frozen=True)
class Policy:
    """How hits become a suggestion, what is masked, and how the engine normalizes (see the module docstring)."""

    labels: Mapping[str, Suggestion] = field(default_factory=_default_labels)
    severities: Mapping[int, Suggestion] = field(default_factory=_default_severities)
    default: Suggestion = "review"
    form_caps: Mapping[str, Suggestion] = field(default_factory=_default_caps)
    mask: tuple[str, ...] = ()  # label patterns whose hits are masked; ("*",) masks every hit
    mask_char: str = "*"
    evasion: Evasion = field(default_factory=Evasion)
    context_window: int = 20  # characters either side in which a term's context term must appear
    max_chars: int = 2_000_000  # longest text or title accepted, in code points
    max_hits: int = 1000  # most hits a verdict lists (the verdict's suggestion and labels still count every hit)
    report_links: bool = False  # also report links that are not blocked (label "link.url")
    rumor_threshold: float = 0.5  # least score for a "rumor" hit (calibrated probability of restating a claim)
    clickbait: bool = True  # score the title of items that have one (the verdict's "clickbait")
    clickbait_threshold: float = 0.5  # least clickbait score for a "clickbait" hit on the title

    def __post_init__(self) -> None:
        mask: Any = self.mask
        if mask is True or isinstance(mask, str) or mask is False or mask is None:
            object.__setattr__(self, "mask", _mask_from(mask))
        for name, value in (("default", self.default), *self.labels.items(), *self.form_caps.items()):
            if value not in RANK:
                raise PolicyError(f"{name}: suggestion must be one of {', '.join(SUGGESTIONS)}, not {value!r}")
        for severity, value in self.severities.items():
            if value not in RANK:
                raise PolicyError(f"severity {severity}: unknown suggestion {value!r}")
        for form in self.form_caps:
            if form not in FORMS:
                raise PolicyError(f"form_caps: unknown form {form!r} (one of {', '.join(FORMS)})")
        if len(self.mask_char) != 1:
            raise PolicyError("mask_char must be exactly one character")
        if self.max_chars < 1 or self.max_hits < 1 or self.context_window < 0 or self.evasion.max_gap < 0:
            raise PolicyError("max_chars and max_hits must be positive, context_window and max_gap not negative")
        for name in ("rumor_threshold", "clickbait_threshold"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise PolicyError(f"{name} must be between 0 and 1")

    # ------------------------------------------------------------------ decisions

    def suggest(self, labels: tuple[str, ...], severity: int, form: str | None = None) -> Suggestion:
        """The suggestion for one hit with these labels, severity and match form."""
        best: tuple[int, int] | None = None  # (specificity, rank)
        for label in labels:
            for pattern, suggestion in self.labels.items():
                if pattern == label:
                    score = (1_000_000, RANK[suggestion])
                elif fnmatchcase(label, pattern):
                    score = (len(pattern.replace("*", "").replace("?", "")), RANK[suggestion])
                else:
                    continue
                if best is None or score > best:
                    best = score
        rank = best[1] if best is not None else RANK[self.severities.get(severity, self.default)]
        if form is not None and form in self.form_caps:
            rank = min(rank, RANK[self.form_caps[form]])
        return SUGGESTIONS[rank]

    def masks(self, labels: tuple[str, ...]) -> bool:
        """Whether a hit with these labels is masked."""
        return any(fnmatchcase(label, pattern) for pattern in self.mask for label in labels)

    # ------------------------------------------------------------------ loading

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        """Build a policy from a parsed JSON/TOML document; unknown keys are an error (typos must not pass)."""
        if not isinstance(data, Mapping):
            raise PolicyError("a policy is a JSON object / TOML table")
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise PolicyError(f"unknown policy keys: {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key == "evasion":
                kwargs[key] = _evasion_from(value)
            elif key == "severities":
                kwargs[key] = _severities_from(value)
            elif key in ("labels", "form_caps"):
                kwargs[key] = _mapping_from(key, value)
            elif key == "mask":
                kwargs[key] = _mask_from(value)
            elif key in ("default", "mask_char"):
                kwargs[key] = _typed(key, value, str)
            elif key in ("report_links", "clickbait"):
                kwargs[key] = _typed(key, value, bool)
            elif key in ("rumor_threshold", "clickbait_threshold"):
                kwargs[key] = float(_typed(key, value, (int, float)))
            else:
                kwargs[key] = _typed(key, value, int)
        return cls(**kwargs)

    @classmethod
    def from_file(cls, path: str | Path) -> Policy:
        """Load a policy from a ``.json`` or ``.toml`` file."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise PolicyError(f"{path}: {exc.strerror or exc}") from None
        try:
            if path.suffix.lower() == ".toml":
                data = tomllib.loads(raw.decode("utf-8-sig"))
            else:
                data = json.loads(raw.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise PolicyError(f"{path}: {exc}") from None
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """The policy as a JSON-serialisable document (``Policy.from_dict(p.to_dict()) == p``)."""
        return {
            "labels": dict(self.labels),
            "severities": {str(k): v for k, v in self.severities.items()},
            "default": self.default,
            "form_caps": dict(self.form_caps),
            "mask": list(self.mask),
            "mask_char": self.mask_char,
            "evasion": {f.name: getattr(self.evasion, f.name) for f in fields(Evasion)},
            "context_window": self.context_window,
            "max_chars": self.max_chars,
            "max_hits": self.max_hits,
            "report_links": self.report_links,
            "rumor_threshold": self.rumor_threshold,
            "clickbait": self.clickbait,
            "clickbait_threshold": self.clickbait_threshold,
        }

    def with_evasion(self, **switches: Any) -> Policy:
        """A copy with some evasion switches changed (``policy.with_evasion(pinyin=False)``)."""
        return replace(self, evasion=replace(self.evasion, **switches))


def _typed(key: str, value: Any, kind: type | tuple[type, ...]) -> Any:
    if kind is not bool and isinstance(value, bool):
        raise PolicyError(f"{key} must be a number")
    if not isinstance(value, kind):
        name = "number" if isinstance(kind, tuple) else kind.__name__
        raise PolicyError(f"{key} must be {name}, not {type(value).__name__}")
    return value


def _mapping_from(key: str, value: Any) -> dict[str, Suggestion]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise PolicyError(f"{key} must map strings to suggestions")
    return {k: cast(Suggestion, v) for k, v in value.items()}


def _severities_from(value: Any) -> dict[int, Suggestion]:
    if not isinstance(value, Mapping):
        raise PolicyError("severities must map severities (1, 2, 3) to suggestions")
    out: dict[int, Suggestion] = {}
    for key, suggestion in value.items():
        try:
            out[int(key)] = cast(Suggestion, suggestion)
        except (TypeError, ValueError):
            raise PolicyError(f"severities: {key!r} is not a number") from None
    return out


def _mask_from(value: Any) -> tuple[str, ...]:
    if value is True:
        return ("*",)
    if value is False or value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise PolicyError("mask must be true, false, a label pattern or a list of label patterns")


def _evasion_from(value: Any) -> Evasion:
    if not isinstance(value, Mapping):
        raise PolicyError("evasion must be a table of switches")
    known = {f.name: f for f in fields(Evasion)}
    unknown = set(value) - set(known)
    if unknown:
        raise PolicyError(f"unknown evasion switches: {', '.join(sorted(unknown))}")
    kwargs = {}
    for key, item in value.items():
        kind = bool if isinstance(getattr(Evasion(), key), bool) else int
        kwargs[key] = _typed(f"evasion.{key}", item, kind)
    return Evasion(**kwargs)
