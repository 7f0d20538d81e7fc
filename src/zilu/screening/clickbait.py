"""Clickbait (标题党, Art. 9): the probability that a headline chases attention with no fitting relation to its content.

A headline becomes a short vector of features (:data:`FEATURES`) chosen so that none counts the words of an outlet or
a topic: what the headline itself does (teaser phrases such as 震惊/速看/竟然/99%的人不知道, questions, exclamation
marks, ellipses and dangling endings, quotes, forward-referring pronouns and withheld subjects such as 这个/竟然/原来,
second person, superlatives, numbers used as bait) and, the heart of 标题党 as the convention defines it, the mismatch
between headline and body: the share of the headline's character bigrams that the body (or its lead) does not
contain, BM25 of the headline against the body, the headline's numbers, quoted phrases and Latin words that the body
never states, and the length ratio. The score is a logistic function of the features, ``1 / (1 + exp(-(w·x + b)))``,
in [0, 1], calibrated so that it reads as a probability on topics the weights were not fitted on.

The weights come from ``data/clickbait.json`` (``zilu-clickbait/1``), fitted offline with scikit-learn on the HanCD
data by ``benchmarks/clickbait.py`` (regularisation chosen and Platt scaling fitted on topic-held-out folds) and
evaluated here with numpy, so scikit-learn is not needed at run time. When the file is absent (or names other
features), hand-set rule weights (:data:`RULE_WEIGHTS`) are used instead.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from zilu.screening.normalize import content_codes

WEIGHTS_FILE = Path(__file__).with_name("data") / "clickbait.json"
FORMAT = "zilu-clickbait/1"
LEAD_CHARS = 200  # a news lead restates its headline; this much of the body counts as the lead
MIN_BODY_CHARS = 20  # shorter bodies say too little to judge a mismatch

TEASERS = (
    "震惊", "惊呆", "吓坏", "吓人", "吓哭", "速看", "快看", "必看", "赶紧", "赶快", "竟然", "居然", "竟是", "竟",
    "万万没想到", "没想到", "不敢相信", "难以置信", "真相", "内幕", "揭秘", "曝光", "秘密", "原来", "终于", "重磅",
    "刚刚", "突发", "紧急", "疯传", "刷屏", "火了", "炸了", "哭了", "怒了", "绝了", "傻眼", "看哭", "泪目", "不看后悔",
    "后悔", "都不知道", "很少人知道", "没人知道", "一定要", "千万", "注意了", "收藏", "扩散", "史上", "最牛", "最惨",
    "到底", "究竟", "背后", "深意", "意味着什么", "什么信号", "释放了什么", "为何", "为什么", "怎么回事", "何去何从",
    "怎么办", "怎么走", "如何看待", "有多", "太可怕", "细思极恐", "没想到", "令人", "引热议", "网友", "看完",
)  # fmt: skip
_TEASER = re.compile("|".join(sorted(map(re.escape, set(TEASERS)), key=len, reverse=True)))
_QUESTION = re.compile(r"[?？]|吗|呢|么$|谁|什么|哪|如何|怎么|何")
_EXCLAIM = re.compile(r"[!！]")
_ELLIPSIS = re.compile(r"…|\.\.\.|。。。")
_QUOTE = re.compile(r"[“”「」『』\"]")
_PRONOUN = re.compile(
    r"(这|那)(个|些|种|位|件|样|部|条|次|招|家|款|么|里|就是|才是)|^(他|她|它|这|此)|[，,：:](他|她|它)"
)
_BAIT_NUMBER = re.compile(
    r"\d+\s*[%％]\s*的|[0-9一二三四五六七八九十几]+\s*(个|种|招|件|大|条)(秘密|方法|技巧|真相|原因|迹象|习惯|好处|坏处|信号|细节)|99|第一"
)
_DIGIT = re.compile(r"\d")
_DANGLING = re.compile(r"(…|\.\.\.|——|[：:，,、])\s*$")
_SECOND_PERSON = re.compile(r"你|您|咱")
_SUPERLATIVE = re.compile(r"最|史上|首次|第一|绝对|全网|罕见|前所未有|天价|惊人|重磅|顶级|王炸")
_WITHHELD = re.compile(r"^(这|那|此|他|她|它)|竟然|居然|原来|竟|真相|背后|内幕|原因|信号|深意|玄机|门道")
_COLON_HEAD = re.compile(r"^[^：:]{1,8}[：:]")  # 媒体：… / 外交部：… (who said it, then what)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_QUOTED = re.compile(r"[“「『\"]([^”」』\"]{2,20})[”」』\"]")
_LATIN = re.compile(r"[A-Za-z]{2,}")

FEATURES = (
    "teaser",  # teaser phrases in the headline (0, 0.5, 1 for none, one, two or more)
    "question",
    "exclaim",
    "ellipsis",  # an ellipsis, or a headline that stops on a dash, colon or comma (dangling suspense)
    "quote",
    "pronoun",  # forward-referring pronoun: the headline names what it is about only in the body
    "bait_number",
    "digit",  # a figure in the headline: usually informative (新增3例), rarely bait
    "second_person",  # 你/您: the headline talks to the reader
    "superlative",  # 最/史上/首次/罕见 ...
    "withheld",  # the subject withheld or a revelation promised: 这.../竟然/原来/真相/背后/信号
    "colon_head",  # a short speaker or tag before a colon (媒体：, 外交部：)
    "length",  # headline length / 30, at most 1
    "length_ratio",  # log(headline chars) / log(body chars): a long headline over a short body promises more
    "mismatch",  # share of the headline's bigrams absent from the body
    "lead_mismatch",  # share absent from the body's first 200 characters
    "bm25",  # how well the body answers the headline: mean BM25-saturated frequency of its bigrams in the body
    "missing_facts",  # share of the headline's numbers, quoted phrases and Latin words that the body never states
    "short_body",  # the body is shorter than 20 characters: nothing to deliver
)

#: Hand-set weights for when no fitted weights are shipped: teasers, pronouns, bait numbers and an undelivered
#: headline push up; a figure in the headline and a body that restates the headline push down.
RULE_WEIGHTS: dict[str, float] = {
    "teaser": 2.2,
    "question": 1.2,
    "exclaim": 1.0,
    "ellipsis": 0.8,
    "quote": 0.3,
    "pronoun": 1.5,
    "bait_number": 1.5,
    "digit": -0.6,
    "second_person": 0.8,
    "superlative": 0.5,
    "withheld": 0.8,
    "colon_head": 0.0,
    "length": 0.0,
    "length_ratio": 0.0,
    "mismatch": 3.0,
    "lead_mismatch": 1.0,
    "bm25": 0.0,
    "missing_facts": 0.5,
    "short_body": 0.5,
}
RULE_BIAS = -2.6
BM25_K1 = 1.2
BM25_B = 0.75
BM25_AVGDL = 1000.0  # a typical news body, in characters

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ClickbaitModel:
    """Logistic weights over :data:`FEATURES`; ``source`` says where they come from (``rules`` or the file)."""

    weights: tuple[float, ...]
    bias: float
    source: str
    version: int = 0

    def score(self, title: str, text: str) -> float:
        """The clickbait score of ``title`` over ``text``, in [0, 1] (four decimals)."""
        x = features(title, text)
        z = float(np.dot(np.asarray(self.weights), x)) + self.bias
        return round(1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0))), 4)

    @classmethod
    def rules(cls) -> ClickbaitModel:
        """The hand-set rule weights."""
        return cls(tuple(RULE_WEIGHTS[name] for name in FEATURES), RULE_BIAS, "rules")

    @classmethod
    def from_file(cls, path: str | Path) -> ClickbaitModel:
        """Weights from a ``zilu-clickbait/1`` file; :class:`ValueError` if it does not fit :data:`FEATURES`."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or list(data.get("features", [])) != list(FEATURES):
            raise ValueError(f"{path}: not {FORMAT} weights for features {', '.join(FEATURES)}")
        weights = tuple(float(w) for w in data["weights"])
        if len(weights) != len(FEATURES):
            raise ValueError(f"{path}: {len(weights)} weights for {len(FEATURES)} features")
        return cls(weights, float(data["bias"]), f"{Path(path).name} v{data.get('version', 0)}", data.get("version", 0))


@cache
def default_model() -> ClickbaitModel:
    """The shipped weights when present and fitting, otherwise the rule weights."""
    try:
        return ClickbaitModel.from_file(WEIGHTS_FILE)
    except (OSError, ValueError, KeyError, TypeError):
        return ClickbaitModel.rules()


def _bigrams(codes: npt.NDArray[np.uint16]) -> list[int]:
    """The bigrams of a run of codes, as integers."""
    wide = codes.astype(np.uint32)
    return ((wide[:-1] << np.uint32(16)) | wide[1:]).tolist() if len(wide) >= 2 else []


def features(title: str, text: str) -> F64:
    """The feature vector of a headline over its body, in the order of :data:`FEATURES`.

    Headline and body are compared as bigrams of their normalized letters, ideographs and digits (the engine's
    character table; punctuation, spaces and emoji dropped); the lead is the body's first 200 such characters. No
    feature counts words of a particular outlet or topic: what transfers is the headline's form and how much of it
    the body delivers.
    """
    title = title.strip()
    teasers = len(_TEASER.findall(title))
    head_codes = content_codes(title)
    head_list = _bigrams(head_codes)
    head = set(head_list)
    short = len(text.strip()) < MIN_BODY_CHARS
    body_codes = content_codes(text)
    if head and not short:
        body = _bigrams(body_codes)
        body_set = set(body)
        mismatch = len(head - body_set) / len(head)
        lead_mismatch = len(head - set(body[: LEAD_CHARS - 1])) / len(head)
        counts: dict[int, int] = {}
        for gram in body:
            if gram in head:
                counts[gram] = counts.get(gram, 0) + 1
        norm = BM25_K1 * (1 - BM25_B + BM25_B * len(body) / BM25_AVGDL)
        bm25 = sum(counts.get(g, 0) * (BM25_K1 + 1) / (counts.get(g, 0) + norm) for g in head) / (
            len(head) * (BM25_K1 + 1)
        )
    else:
        mismatch = lead_mismatch = 0.0
        bm25 = 1.0
    facts = [*_NUMBER.findall(title), *_QUOTED.findall(title), *(w.lower() for w in _LATIN.findall(title))]
    lowered = text.lower()
    missing = sum(fact not in lowered for fact in facts) / len(facts) if facts and not short else 0.0
    ratio = math.log1p(len(head_codes)) / math.log1p(max(len(body_codes), 1)) if len(body_codes) else 1.0
    return np.array(
        [
            min(teasers, 2) / 2,
            float(bool(_QUESTION.search(title))),
            min(len(_EXCLAIM.findall(title)), 2) / 2,
            float(bool(_ELLIPSIS.search(title) or _DANGLING.search(title))),
            float(bool(_QUOTE.search(title))),
            float(bool(_PRONOUN.search(title))),
            float(bool(_BAIT_NUMBER.search(title))),
            float(bool(_DIGIT.search(title))),
            float(bool(_SECOND_PERSON.search(title))),
            float(bool(_SUPERLATIVE.search(title))),
            float(bool(_WITHHELD.search(title))),
            float(bool(_COLON_HEAD.search(title))),
            min(len(title) / 30, 1.0),
            min(ratio, 1.0),
            mismatch,
            lead_mismatch,
            bm25,
            missing,
            float(short),
        ],
        dtype=np.float64,
    )


def clickbait_score(title: str, text: str, model: ClickbaitModel | None = None) -> float:
    """The clickbait score of ``title`` over ``text`` with ``model`` (default: :func:`default_model`)."""
    return (model or default_model()).score(title, text)
