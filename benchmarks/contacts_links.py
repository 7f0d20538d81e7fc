"""Contacts, separated numbers, bare IPv4 and written-out links: recall on generated cases in real Weibo posts, and
false hits on the same posts and on everyday numbers, in one seeded run.

    python benchmarks/contacts_links.py [--seed 19] [--cases 1000] [--posts 100000]

Reads ``$ZILU_SHARED_DIR/data`` (default ``<repo>/../shared/data``): the Weibo corpus
(``corpus/weibo_ced_posts.txt``) for carriers and benign posts, and the fwwdn domain blocklist
(``urls/fwwdn_domains.txt``) for the links. Exits 0 with a message when they are absent.

* **Recall**, per class: ``--cases`` generated items per class, each inserted at a random position of a random
  carrier post (posts that give no PII or link hit on their own; a space is put between the item and an ASCII letter
  or digit it would otherwise touch, as a writer would). A case counts when a hit with the expected label and value
  overlaps the inserted item (links: a ``block`` hit whose host is the blocked one). Classes: mobile numbers with
  weak separators (``.``, ``=``, ``_``, spaced dashes, double spaces) and in Chinese numerals (``幺``/``两``), QQ
  numbers, WeChat ids, landlines, passports, old 15-digit IDs, bare IPv4 addresses on the blocklist and
  written-out blocked domains (one row per spelling).
* **False hits on everyday numbers**: order numbers, timestamps, IMEIs, tracking numbers, prices, dates and version
  numbers, generated the same way, with and without their usual cue word; a case counts when any PII or link hit
  overlaps the inserted item.
* **False hits on benign posts**: the first ``--posts`` corpus posts: posts with a hit of a new label (``pii.qq``,
  ``pii.wechat``, ``pii.landline``, ``pii.passport``, ``pii.resident_id15``), a mobile number found only through a
  weak separator, or a link found only by the written-out or IPv4 pass (with ``report_links`` on, so unblocked
  links count too). Examples are printed for a look by hand: a real contact in a post is a true hit.
* **Cost**: CPU seconds of the PII and link finders over the benign posts as one block, and of the new passes
  alone (CPU time, so other work on the machine does not count).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import string
import sys
import time
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path

from stdnum import luhn, numdb

from zilu.screening import Banks, Policy, Screener, load_domains, parse_domains
from zilu.screening.contacts import find_contacts
from zilu.screening.detectors import Block
from zilu.screening.linkforms import ipv4_links, written_links
from zilu.screening.links import Blocklist, _find, find_links
from zilu.screening.pii import find_pii

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("ZILU_SHARED_DIR") or REPO.parent / "shared") / "data"
NEW_LABELS = frozenset({"pii.qq", "pii.wechat", "pii.landline", "pii.passport", "pii.resident_id15"})
WEAK = re.compile(r"[0-9](?:[.=_]| {2,3}| ?- | -)[0-9]")
CN_DIGITS = {"0": "零〇", "1": "一幺壹", "2": "二两贰", "3": "三叁", "4": "四肆", "5": "五伍", "6": "六陆", "7": "七柒",
             "8": "八捌", "9": "九玖"}  # fmt: skip
# Area codes of large and middle cities with the length of their local numbers (as in libphonenumber's metadata,
# which the detector validates against: this measures the finder, not the numbering plan).
AREA_CODES = {
    **dict.fromkeys(["010", "020", "021", "022", "023", "024", "025", "027", "028", "029"], 8),
    **dict.fromkeys(["0311", "0371", "0411", "0431", "0451", "0512", "0531", "0532", "0551", "0571"], 8),
    **dict.fromkeys(["0574", "0591", "0595", "0731", "0755", "0757", "0769", "0791", "0871", "0898"], 8),
    **dict.fromkeys(["0351", "0471", "0771", "0891", "0917", "0931", "0951", "0971", "0991"], 7),
}

Case = tuple[str, str, str]  # written form, expected label, expected value
Gen = Callable[[random.Random], Case]


def digits(rng: random.Random, n: int, first: str = "0123456789") -> str:
    return rng.choice(first) + "".join(rng.choice(string.digits) for _ in range(n - 1))


def mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + digits(rng, 9)


def gen_mobile_weak(rng: random.Random) -> Case:
    number = mobile(rng)
    sep = rng.choice([".", "=", "_", " - ", "  ", "．", " . ", "-", "  -  "])
    groups = rng.choice([(3, 4, 4), (3, 8), (3, 4, 4), (7, 4)])
    parts, at = [], 0
    for size in groups:
        parts.append(number[at : at + size])
        at += size
    return sep.join(parts), "pii.mobile", number


def gen_mobile_numerals(rng: random.Random) -> Case:
    number = mobile(rng)
    written = "".join(rng.choice(CN_DIGITS[d]) for d in number)
    if rng.random() < 0.4:
        written = f"{written[:3]} {written[3:7]} {written[7:]}"
    return written, "pii.mobile", number


def gen_qq(rng: random.Random) -> Case:
    number = digits(rng, rng.randint(5, 11), "123456789")
    cue = rng.choice(["QQ", "qq", "QQ号", "扣扣", "企鹅", "Q号", "球球", "加Q", "Q:", "qq群", "扣扣号"])
    filler = rng.choice(["", " ", "：", ":", "是", "号码：", " - "])
    written = number
    if rng.random() < 0.2:
        written = "".join(CN_DIGITS[d][0] for d in number)
    elif rng.random() < 0.2 and len(number) >= 8:
        written = f"{number[:3]} {number[3:6]} {number[6:]}"
    return f"{cue}{filler}{written}", "pii.qq", number


def gen_wechat(rng: random.Random) -> Case:
    size = rng.randint(6, 20)
    alphabet = string.ascii_letters + string.digits + "_-"
    value = rng.choice(string.ascii_letters) + "".join(rng.choice(alphabet) for _ in range(size - 1))
    cue = rng.choice(["微信", "微信号", "vx", "VX", "v信", "wx", "威信", "薇信", "绿泡泡", "加V", "加微信", "V:"])
    filler = rng.choice(["", " ", "：", ":", "是", " ", "号："])
    if not filler and cue[-1].isascii() and cue[-1].isalnum():
        filler = " "
    return f"{cue}{filler}{value}", "pii.wechat", value.lower()


def gen_landline(rng: random.Random) -> Case:
    area = rng.choice(sorted(AREA_CODES))
    local = digits(rng, AREA_CODES[area], "2345678")
    style = rng.randrange(5)
    if style == 0:
        written = f"{area}-{local}"
    elif style == 1:
        written = f"({area}){local}"
    elif style == 2:
        written = f"{area} {local[:-4]} {local[-4:]}"
    elif style == 3:
        written = f"电话{area}{local}"
    else:
        written = f"座机：{area} - {local}"
    return written, "pii.landline", area + local


def gen_passport(rng: random.Random) -> Case:
    if rng.random() < 0.5:
        number = "E" + digits(rng, 8)
    else:
        number = "E" + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + digits(rng, 7)
    cue = rng.choice(["", "", "护照", "护照号：", "passport ", "护照号码 "])
    if cue == "" and rng.random() < 0.3:
        cue = "护照 "
        number = "G" + digits(rng, 8)
    return f"{cue}{number}", "pii.passport", number


@cache
def counties() -> list[str]:
    """Every six-digit county code in stdnum's GB/T 2260 history (not the ``00`` city-level rows)."""
    out = []
    path = Path(numdb.__file__).with_name("cn") / "loc.dat"
    province = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if not line.startswith(" "):
            province = line.split()[0]
        elif "county=" in line:
            code = province + line.split()[0]
            if not code.endswith("00"):
                out.append(code)
    return out


def gen_resident_id15(rng: random.Random) -> Case:
    born = f"{rng.randint(20, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    number = rng.choice(counties()) + born + digits(rng, 3)
    cue = rng.choice(["身份证", "身份证号：", "证件号 ", "旧身份证", ""])
    return f"{cue}{number}", "pii.resident_id15", number


def gen_benign(kind: str, rng: random.Random) -> str:
    """One everyday number of a kind, sometimes with its usual cue word."""
    cue = rng.random() < 0.5
    if kind == "order":
        number = rng.choice([digits(rng, 19, "12"), digits(rng, 18, "12"), digits(rng, 12, "123456789"),
                             f"{rng.randint(230101, 241231)}-{digits(rng, 15)}", "E" + digits(rng, 18)])  # fmt: skip
        return ("订单号：" if cue else "") + number
    if kind == "timestamp":
        seconds = rng.randint(1_000_000_000, 1_800_000_000)
        number = rng.choice([str(seconds), f"{seconds}{rng.randint(0, 999):03d}", f"{seconds}.{rng.randint(0, 999)}",
                             f"{seconds}.{rng.randint(0, 9)}", time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds)),
                             time.strftime("%Y%m%d%H%M%S", time.gmtime(seconds)),
                             time.strftime("%Y.%m.%d %H:%M", time.gmtime(seconds))])  # fmt: skip
        return ("时间戳 " if cue else "") + number
    if kind == "imei":
        body = rng.choice(["86", "35", "01", "99", "44", "51"]) + digits(rng, 12)
        number = body + luhn.calc_check_digit(body)
        if rng.random() < 0.3:
            number = f"{number[:2]}-{number[2:8]}-{number[8:14]}-{number[14]}"
        return ("IMEI：" if cue else "") + number
    if kind == "tracking":
        number = rng.choice([
            "SF" + digits(rng, 13), "YT" + digits(rng, 13), "JT" + digits(rng, 13), "JDVA" + digits(rng, 11),
            "75" + digits(rng, 12), "78" + digits(rng, 12), "4" + digits(rng, 12), "9" + digits(rng, 12),
            "E" + rng.choice("ABCMLV") + digits(rng, 9) + "CN", "10" + digits(rng, 11), "1" + digits(rng, 12),
        ])  # fmt: skip
        return ("快递单号 " if cue else "") + number
    if kind == "price":
        value = rng.randint(1, 9_999_999)
        number = rng.choice([f"¥{value / 100:.2f}", f"{value:,}元", f"{value / 100:.2f}元", f"${value}.00",
                             f"{value // 100}.{value % 100:02d}"])  # fmt: skip
        return ("价格 " if cue else "") + number
    if kind == "date":
        y, m, d = rng.randint(1950, 2030), rng.randint(1, 12), rng.randint(1, 28)
        return rng.choice([f"{y}.{m:02d}.{d:02d}", f"{y}.{m}.{d}", f"{y}-{m}-{d}", f"{y}/{m:02d}/{d:02d}",
                           f"{y}.{m:02d}.{d:02d}-{y + 1}.{m:02d}.{d:02d}", f"{y}年{m}月{d}日"])  # fmt: skip
    if kind == "version":
        parts = [str(rng.randint(0, 20)) for _ in range(rng.choice([3, 3, 4]))]
        if len(parts) == 4 and rng.random() < 0.5:
            parts = ["10", "0", str(rng.randint(10000, 22631)), str(rng.randint(1, 4000))]  # a Windows build
        return rng.choice(["v", "版本 ", "V", ""]) + ".".join(parts)
    raise ValueError(kind)


BENIGN = ("order", "timestamp", "imei", "tracking", "price", "date", "version")


def is_new(hit) -> bool:  # type: ignore[no-untyped-def]
    """A hit only this work produces: a new label, a mobile number through a weak separator, a written-out link."""
    if hit.label in NEW_LABELS:
        return True
    if hit.label == "pii.mobile":
        return WEAK.search(hit.text) is not None
    return hit.kind == "link" and not re.fullmatch(r"(?:[a-z]+://)?[a-z0-9.-]+\.[a-z]+[!-~]*", hit.text.lower())


def insert(post: str, item: str, rng: random.Random) -> tuple[str, int, int]:
    """``item`` at a random position of ``post``, set off by a space from ASCII letters or digits it would touch."""
    at = rng.randint(0, len(post))
    left = " " if at > 0 and post[at - 1].isascii() and post[at - 1].isalnum() else ""
    right = " " if at < len(post) and post[at].isascii() and post[at].isalnum() else ""
    text = post[:at] + left + item + right + post[at:]
    start = at + len(left)
    return text, start, start + len(item)


def written_link(host: str, style: str, rng: random.Random) -> str:
    labels = host.split(".")
    seps = {
        "点": ["点", "點"],
        "dot": [" dot ", " DOT "],
        "brackets": ["[.]", "(.)", "（.）", "【.】", "[dot]", "(dot)"],
        "spaced": [" . ", " .", ". ", " 。 "],
    }
    if style in seps:
        return "".join(label + rng.choice(seps[style]) for label in labels[:-1]) + labels[-1]
    chars = list(host)
    if style == "invisible":
        for _ in range(rng.randint(1, 2)):
            chars.insert(rng.randrange(1, len(chars)), rng.choice(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]))
        return "".join(chars)
    if style == "percent":
        if "." in host and rng.random() < 0.5:
            return host.replace(".", rng.choice(["%2E", "%2e"]), 1)
        for k in rng.sample(range(len(chars)), k=min(3, len(chars))):
            if chars[k] != ".":
                chars[k] = f"%{ord(chars[k]):02X}"
        return "".join(chars)
    raise ValueError(style)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--cases", type=int, default=1000, help="generated cases per class")
    parser.add_argument("--posts", type=int, default=100_000, help="benign posts for the false-hit rate")
    args = parser.parse_args()
    corpus, domains_file = DATA / "corpus" / "weibo_ced_posts.txt", DATA / "urls" / "fwwdn_domains.txt"
    if not corpus.exists() or not domains_file.exists():
        print(f"shared data not found under {DATA} (set ZILU_SHARED_DIR); nothing to measure")
        return 0
    rng = random.Random(args.seed)
    with corpus.open(encoding="utf-8") as handle:
        posts = [line.rstrip("\n") for line in itertools.islice(handle, max(args.posts, 20_000))]
    domains = load_domains(domains_file)
    hosts = [d.domain for d in domains if "/" not in d.domain and d.domain.isascii() and "." in d.domain]
    ips = [".".join(str(rng.randint(1, 254)) for _ in range(4)) for _ in range(200)]
    banks = Banks(domains=(*domains, *parse_domains(ips)))
    screener = Screener(banks, Policy(clickbait=False))
    quiet = [p for p, v in zip(posts[:20_000], screener.screen_many(posts[:20_000]), strict=True) if not v.hits]

    # ---------------------------------------------------------------- recall
    classes: dict[str, Gen] = {
        "mobile, weak separators": gen_mobile_weak,
        "mobile, Chinese numerals": gen_mobile_numerals,
        "pii.qq": gen_qq,
        "pii.wechat": gen_wechat,
        "pii.landline": gen_landline,
        "pii.passport": gen_passport,
        "pii.resident_id15": gen_resident_id15,
    }
    print(f"seed {args.seed}; {args.cases} cases per class in {len(quiet)} carrier posts (Weibo, no hit on their own)")
    print(f"\n{'class':34} {'recall':>7}  misses (examples)")
    for name, gen in classes.items():
        items = []
        for _ in range(args.cases):
            written, label, value = gen(rng)
            items.append((*insert(rng.choice(quiet), written, rng), label, value, written))
        found = 0
        misses = []
        for (text, start, end, label, value, _written), verdict in zip(
            items, screener.screen_many(t[0] for t in items), strict=True
        ):
            if any(h.label == label and h.value == value and h.start < end and start < h.end for h in verdict.hits):
                found += 1
            elif len(misses) < 3:
                misses.append(text[max(0, start - 3) : end + 3])
        print(f"{name:34} {found / args.cases:7.3f}  {misses}")
    for style in ("ipv4", "点", "dot", "brackets", "invisible", "percent", "spaced"):
        items = []
        for _ in range(args.cases):
            if style == "ipv4":
                host = rng.choice(ips)
                written = host + rng.choice(["", "", ":8080", "/index.html", ":443/x"])
            else:
                host = rng.choice(hosts)
                written = written_link(host, style, rng) + rng.choice(["", "", "/x"])
            items.append((*insert(rng.choice(quiet), written, rng), host, written))
        found = 0
        misses = []
        for (_text, start, end, host, _written), verdict in zip(
            items, screener.screen_many(t[0] for t in items), strict=True
        ):
            if any(h.kind == "link" and h.suggestion == "block" and h.start < end and start < h.end
                   and (h.value == host or (h.value or "").endswith("." + host)) for h in verdict.hits):  # fmt: skip
                found += 1
            elif len(misses) < 3:
                misses.append(_text[max(0, start - 3) : end + 3])
        label = "link, bare IPv4 (blocked)" if style == "ipv4" else f"link, written out: {style}"
        print(f"{label:34} {found / args.cases:7.3f}  {misses}")

    # ---------------------------------------------------------------- everyday numbers
    print(f"\n{'everyday numbers':34} {'any hit':>8} {'new':>8}  hits (examples; new = a new label or pass)")
    total = hits_total = new_total = 0
    for kind in BENIGN:
        items = [(*insert(rng.choice(quiet), gen_benign(kind, rng), rng),) for _ in range(args.cases)]
        hit_count = new_count = 0
        examples: list[tuple[str, str]] = []
        for (text, start, end), verdict in zip(items, screener.screen_many(t[0] for t in items), strict=True):
            over = [h for h in verdict.hits if h.kind in ("pii", "link") and h.start < end and start < h.end]
            if over:
                hit_count += 1
                new_count += any(is_new(h) for h in over)
                if len(examples) < 3:
                    examples.append((text[start:end], over[0].label))
        total += args.cases
        hits_total += hit_count
        new_total += new_count
        print(f"{kind:34} {hit_count / args.cases:8.2%} {new_count / args.cases:8.2%}  {examples}")
    print(f"{'all everyday numbers':34} {hits_total / total:8.2%} {new_total / total:8.2%}")

    # ---------------------------------------------------------------- benign posts
    sample = posts[: args.posts]
    reporting = Screener(banks, Policy(clickbait=False, report_links=True))
    flagged = Counter()
    examples = []
    for post, verdict in zip(sample, reporting.screen_many(sample), strict=True):
        kinds = set()
        for hit in verdict.hits:
            if hit.label in NEW_LABELS:
                kinds.add(hit.label)
            elif hit.label == "pii.mobile" and WEAK.search(hit.text):
                kinds.add("pii.mobile (weak separator)")
        block = Block.of([(post, None)]) if "." in post or "点" in post or "%" in post else None
        if block is not None:
            plain = _find(block.folded, reporting.blocklist, block.text)
            extra = [m for m in find_links(block.folded, reporting.blocklist, block.text) if m not in plain]
            if extra:
                kinds.add("link (written out / IPv4)")
        for kind in kinds:
            flagged[kind] += 1
            if len(examples) < 25:
                examples.append((kind, post[:90]))
    any_new = sum(flagged.values())
    print(f"\nbenign posts: {len(sample)} Weibo posts, report_links on")
    for kind, count in sorted(flagged.items()):
        print(f"  {kind:32} {count:6d}  {count / len(sample):.4%}")
    print(f"  {'any new hit':32} {any_new:6d}  {any_new / len(sample):.4%}  (by hand: real contacts count as hits)")
    for kind, post in examples:
        print(f"    {kind}: {post}")

    # ---------------------------------------------------------------- cost
    blocks, current, size = [], [], 0
    for post in sample:  # blocks of about 200,000 characters, as Screener.screen_many batches them
        current.append((post, None))
        size += len(post) + 1
        if size >= 200_000:
            blocks.append(Block.of(current))
            current, size = [], 0
    if current:
        blocks.append(Block.of(current))
    megabytes = sum(len(block.text.encode("utf-8")) for block in blocks) / 1e6
    blocklist = Blocklist(banks.domains)

    def cpu_ms_per_mb(function: Callable[[Block], object]) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            for block in blocks:
                function(block)
            best = min(best, time.process_time() - started)
        return best * 1000 / megabytes

    costs = {
        "find_pii (all PII, contacts included)": cpu_ms_per_mb(lambda b: find_pii(b.folded, b.folded_codes, b.text)),
        "  of which find_contacts": cpu_ms_per_mb(lambda b: find_contacts(b.folded, b.text)),
        "find_links (all passes)": cpu_ms_per_mb(lambda b: find_links(b.folded, blocklist, b.text)),
        "  plain pass": cpu_ms_per_mb(lambda b: _find(b.folded, blocklist, b.text)),
        "  written-out pass": cpu_ms_per_mb(lambda b: written_links(b.folded, blocklist, b.text)),
        "  IPv4 pass": cpu_ms_per_mb(lambda b: ipv4_links(b.folded, blocklist, [], b.text)),
    }
    print(f"\ncost: CPU ms per MB (UTF-8) over {megabytes:.1f} MB in {len(blocks)} blocks of ~200,000 characters")
    for name, value in costs.items():
        print(f"  {name:40} {value:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
