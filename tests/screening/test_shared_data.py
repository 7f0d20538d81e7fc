"""The engine on the real lexicon and corpus from ../shared/data (skipped when absent, required in CI)."""

from __future__ import annotations

import itertools

from tests.conftest import SHARED_DIR, require_shared
from zilu.screening import HOUBB_LABELS, Banks, Policy, Screener, load_allow, load_domains, load_terms
from zilu.screening.reference import ReferenceMatcher

DATA = SHARED_DIR / "data"


def test_houbb_lexicon_against_the_corpus():
    terms = load_terms(require_shared(DATA / "lexicon" / "houbb_tags.txt"), label_map=HOUBB_LABELS)
    allow = load_allow(require_shared(DATA / "lexicon" / "houbb_allow.txt"))
    domains = load_domains(require_shared(DATA / "urls" / "fwwdn_domains.txt"))
    corpus = require_shared(DATA / "corpus" / "weibo_ced_posts.txt")
    assert len(terms) > 40_000 and len(domains) > 14_000
    screener = Screener(Banks(terms=tuple(terms), allow=tuple(allow), domains=tuple(domains)))
    with corpus.open(encoding="utf-8") as handle:
        posts = [line.rstrip("\n") for line in itertools.islice(handle, 5000)]
    verdicts = list(screener.screen_many(posts))
    assert len(verdicts) == len(posts)
    labels = {label for v in verdicts for label in v.labels}
    assert {"drugs", "porn", "illegal"} <= labels
    for post, verdict in zip(posts, verdicts, strict=True):
        for hit in verdict.hits:
            assert post[hit.start : hit.end] == hit.text
    flagged = sum(v.suggestion != "pass" for v in verdicts)
    assert 0 < flagged < len(posts) // 2


def test_fast_equals_reference_on_real_posts():
    terms = load_terms(require_shared(DATA / "lexicon" / "houbb_tags.txt"), label_map=HOUBB_LABELS)
    corpus = require_shared(DATA / "corpus" / "weibo_ced_posts.txt")
    with corpus.open(encoding="utf-8") as handle:
        posts = [line.rstrip("\n") for line in itertools.islice(handle, 2000)]
    screener = Screener(Banks(terms=tuple(terms)))
    hit_terms = {h.entry for v in screener.screen_many(posts) for h in v.hits if h.kind == "term"}
    # The reference is slow: give it the terms that hit plus a slice of the rest, and the posts that matter.
    sample = [t for t in terms if t.text in hit_terms] + terms[:100]
    banks = Banks(terms=tuple(sample))
    fast, reference = Screener(banks, Policy()), ReferenceMatcher(banks, Policy())
    chosen = [p for p, v in zip(posts, fast.screen_many(posts), strict=True) if v.hits][:80] + posts[:20]
    for post in chosen:
        expected = [(m.term, m.start, m.end, m.form, m.context) for m in reference.match(post)]
        found = [(h.entry, h.start, h.end, h.form, h.context) for h in fast.screen(post).hits if h.kind == "term"]
        assert found == expected, post
