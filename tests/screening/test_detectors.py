"""The detector interface: which detectors a screener builds, the prepared block, and each detector on its own."""

from __future__ import annotations

from tests.screening.helpers import BANK, screener
from tests.screening.test_rumors import MOSQUITO, REWORDED
from zilu.screening import Banks, Policy, Screener
from zilu.screening.detectors import (
    NOTHING,
    Block,
    ClickbaitDetector,
    Detector,
    LinkDetector,
    PiiDetector,
    RumorDetector,
    TermDetector,
)

BAIT_TITLE = "震惊！他竟然做了这件事，看完我沉默了……"


def kinds(built: Screener) -> list[str]:
    return [detector.kind for detector in built.detectors]


def test_only_the_configured_detectors_are_built():
    assert kinds(Screener()) == ["pii", "clickbait"]
    assert kinds(Screener(policy=Policy(clickbait=False))) == ["pii"]
    assert kinds(Screener(policy=Policy(report_links=True))) == ["pii", "link", "clickbait"]
    assert kinds(screener()) == ["term", "pii", "link", "clickbait"]
    with_rumors = Screener(Banks(terms=BANK.terms, rumors=(MOSQUITO,)), Policy(clickbait=False))
    assert kinds(with_rumors) == ["term", "pii", "rumor"]
    types = (TermDetector, PiiDetector, RumorDetector)
    assert all(isinstance(d, Detector) and isinstance(d, t) for d, t in zip(with_rumors.detectors, types, strict=True))


def test_the_block_joins_texts_and_titles_with_their_owners():
    block = Block.of([("出售冰毒", None), ("正文", "标题"), ("", None)])
    assert block.text == "出售冰毒\n正文\n标题\n"
    assert block.segments == ["出售冰毒", "正文", "标题", ""]
    assert (block.starts, block.lengths) == ([0, 5, 8, 11], [4, 2, 2, 0])
    assert (block.fields, block.owners) == (["text", "text", "title", "text"], [0, 1, 1, 2])
    assert len(block.cps) == len(block.folded) == len(block.folded_codes) == len(block.text)
    assert Block.of([("１３８", None)]).folded == "138"
    assert (block.segment_of(5, 7), block.segment_of(8, 10), block.segment_of(3, 6)) == (1, 2, None)


def test_each_detector_reports_hits_by_item():
    built = screener()
    terms, pii, links, clickbait = built.detectors
    block = Block.of([("你好", None), ("出售冰毒，电话13800138000", "看 evil.cn")])
    found = terms.find(block)
    assert found.scores is None and list(found.hits) == [1]
    assert [(h.kind, h.entry, h.field, h.text) for h in found.hits[1]] == [("term", "冰毒", "text", "冰毒")]
    assert [(h.kind, h.value, h.start) for h in pii.find(block).hits[1]] == [("pii", "13800138000", 7)]
    assert [(h.kind, h.entry, h.field) for h in links.find(block).hits[1]] == [("link", "evil.cn", "title")]
    scored = clickbait.find(block)
    assert scored.hits == {} and scored.scores is not None
    assert scored.scores[0] is None and scored.scores[1] is not None
    assert clickbait.find(Block.of([("没有标题", None)])) is NOTHING
    assert pii.find(Block.of([("没有号码", None)])) is NOTHING


def test_the_rumor_and_clickbait_detectors_on_their_own():
    index, model = Screener(Banks(rumors=(MOSQUITO,))).rumors, Screener().clickbait
    assert index is not None and model is not None
    rumors = RumorDetector(index, Policy())
    found = rumors.find(Block.of([("无关", None), (REWORDED, "标题不算")]))
    assert list(found.hits) == [1]
    assert [(h.kind, h.entry, h.field) for h in found.hits[1]] == [("rumor", MOSQUITO.id, "text")]
    bait = ClickbaitDetector(model, Policy(clickbait_threshold=0.0))
    found = bait.find(Block.of([("正文" * 30, BAIT_TITLE), ("正文", "   ")]))
    assert [(h.kind, h.field, h.text) for h in found.hits[0]] == [("clickbait", "title", BAIT_TITLE)]
    assert 1 not in found.hits and found.scores is not None and found.scores[1] is not None  # blank title: no hit


def test_the_term_detector_exposes_the_reference_matcher():
    built = screener()
    detector = built.detectors[0]
    assert isinstance(detector, TermDetector)
    for text in ("出售冰毒", "冰 毒 和 bing du", "真是大麻烦", "出售了很多枪支", "性福 幸福"):
        fast = [(h.entry, h.start, h.end, h.form, h.context) for h in built.screen(text).hits if h.kind == "term"]
        assert fast == [(m.term, m.start, m.end, m.form, m.context) for m in detector.reference_match(text)], text


def test_a_links_detector_without_report_links_skips_unblocked_links():
    detector = LinkDetector(screener().blocklist, Policy())
    assert detector.find(Block.of([("see https://example.org/x", None)])).hits == {}
    reported = LinkDetector(screener().blocklist, Policy(report_links=True)).find(Block.of([("see example.org", None)]))
    assert [(h.label, h.value) for h in reported.hits[0]] == [("link.url", "example.org")]
