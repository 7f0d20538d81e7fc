"""Report intake at scale: the cost of one ``POST /api/v1/reports`` as the report table grows, on PostgreSQL.

    .venv/bin/python benchmarks/report_intake_scale.py                          # 0, 10k and 1M existing reports
    .venv/bin/python benchmarks/report_intake_scale.py --sizes 10000 --reports 200   # a quick look

It creates a fresh database (``--database``, default ``bench_intake`` on the local server; dropped afterwards unless
``--keep``), migrates it, registers 300 members with 500 websites and 60 apps (domains), then, for each size in
``--sizes``, fills the report table up to that many existing reports with PostgreSQL ``COPY`` (a realistic mix over
the last 30 days: a few large platforms draw most reports, the rest spread over the long tail of members, unregistered
domains, app names and reports without a target; about 5% already merged as duplicates) and submits ``--reports``
reports through the Django test client in this process (the whole HTTP stack of the view, no network): URLs on
registered sites, a chosen member, unregistered domains, app names, no target, with 15% near-identical and 5%
identical repeats of a recent report so that both branches of the duplicate search are taken.

The baseline is measured in the same run: the same intake at 0 existing reports. Per size it prints the wall time per
report (median, mean, p95), the SQL queries per report, the time spent in the duplicate search
(``reports.intake.find_duplicate``) and in resolving the target (``reports.routing.resolve_target``: the site-domain
lookup), the ratio of each to the baseline (flat means ~1.0x) and how long the fill took. Then, per size, it runs the
duplicate search alone for 200 new forms both ways on the same rows: as shipped on PostgreSQL and by the Python path
(SQLite's, and PostgreSQL's before this search moved into one statement), and counts the forms where they agree.
``--compare-trgm`` adds a pg_trgm GIN index on the description and times the candidate search it would offer (the
target's whole window, ``description % text``): the design that was measured and not taken.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMBERS = 300
WEBSITES = 500
APPS = 60
UNREGISTERED = 5000

OPENINGS = ["该网站", "这个页面", "此应用", "该账号", "网页上", "该平台的直播间", "这条帖子", "该公众号文章", "评论区"]
ISSUES = [
    "以高额返利为诱饵诱导用户转账",
    "发布虚假中奖信息骗取个人信息",
    "公开售卖违禁药品和管制刀具",
    "传播淫秽色情视频并引流到境外网站",
    "组织网络赌博并提供充值渠道",
    "散布未经证实的疫情谣言",
    "使用夸大事实的标题吸引点击",
    "盗用他人原创作品且未注明出处",
    "泄露用户手机号和家庭住址",
    "内置恶意代码窃取手机通讯录",
    "冒充客服要求用户提供验证码",
    "宣传所谓保本高息的理财产品",
]
DETAILS = [
    "，涉及金额约{n}元",
    "，截图编号{n}",
    "，已有多名网友受骗",
    "，发布时间为{m}月{d}日",
    "，请尽快核查处理",
    "，链接在第{n}楼",
    "，对方微信号为wx{n}",
    "，相关视频播放量已超过{n}次",
    "，我已向当地派出所报案",
    "，希望平台依法处理",
]


def weights_zipf(n: int, s: float = 1.0) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


def description(rng: random.Random) -> str:
    text = rng.choice(OPENINGS) + rng.choice(ISSUES)
    for _ in range(rng.randint(1, 4)):
        text += rng.choice(DETAILS).format(n=rng.randint(10, 999999), m=rng.randint(1, 12), d=rng.randint(1, 28))
    return text + "。"


def near_copy(text: str, rng: random.Random) -> str:
    """A near-identical rewrite (one digit or one character changed, punctuation added): Jaccard >= 0.8."""
    chars = list(text)
    digits = [i for i, c in enumerate(chars) if c.isdigit()]
    if digits:
        i = rng.choice(digits)
        chars[i] = str((int(chars[i]) + 1) % 10)
    return "".join(chars).rstrip("。") + "！！"


# --------------------------------------------------------------------------- set-up


def create_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def register_members(rng: random.Random) -> dict[str, list]:
    """300 members, 500 websites with one to three domains each, 60 apps: what targets resolve to."""
    from stdnum.cn import uscc as uscc_lib

    from zilu.filings.models import Site, SiteDomain
    from zilu.members.models import Member

    def uscc(n: int) -> str:
        base = f"91110114MA{n:07d}"[:17]
        return base + uscc_lib.calc_check_digit(base)

    members = Member.objects.bulk_create(
        [
            Member(
                kind="unit",
                number=f"CP-2021-{i:04d}",
                name=f"压测网络科技有限公司{i}",
                uscc=uscc(i),
                status="active",
                joined_on="2021-07-15",
            )
            for i in range(MEMBERS)
        ]
    )
    sites, domains = [], []
    for i in range(WEBSITES + APPS):
        member = members[i % MEMBERS]
        app = i >= WEBSITES
        name = f"压测应用{i}" if app else f"压测网站{i}"
        sites.append(
            Site(
                member=member,
                kind="app" if app else "website",
                name=name,
                name_key=name.casefold(),
                icp_number=f"京ICP备{20210000 + i:08d}号-1",
                icp_key=f"京ICP备{20210000 + i:08d}号",
                psb_number="" if app else f"京公网安备{11011402000000 + i}号",
                responsible_person="张三",
            )
        )
    Site.objects.bulk_create(sites)
    registered: list[tuple[str, int]] = []  # (domain, member id)
    for i, site in enumerate(sites[:WEBSITES]):
        for j in range(1 + i % 3):
            name = f"platform{i}.com.cn" if j == 0 else f"platform{i}-{j}.cn"
            domains.append(SiteDomain(site=site, name=name, active=True))
            registered.append((name, site.member_id))
    SiteDomain.objects.bulk_create(domains)
    return {
        "members": [m.pk for m in members],
        "domains": registered,
        "apps": [(s.name, s.member_id) for s in sites[WEBSITES:]],
    }


def fill(n: int, world: dict[str, list], rng: random.Random) -> float:
    """COPY ``n`` reports into the table (a realistic mix over the last 30 days); returns the seconds it took."""
    from django.db import connection
    from django.utils import timezone

    from zilu.reports import abuse

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM reports_report")
        next_id = int(cursor.fetchone()[0]) + 1
    now = timezone.now()
    member_w = weights_zipf(len(world["members"]), 1.1)
    domain_w = weights_zipf(len(world["domains"]), 1.1)
    other_w = weights_zipf(UNREGISTERED, 1.0)
    seconds = sorted(rng.uniform(60, 30 * 86400) for _ in range(n))[::-1]  # oldest first: ids grow with time
    last_in_branch: dict[tuple[str, object], int] = {}
    columns = (
        "id, lookup_hash, category, member_id, matched_by, target, target_domain, description, fingerprint, "
        "description_folded, "
        "contact_name, contact_phone, contact_email, client_key, status, duplicate_of_id, duplicate_count, "
        "routed_at, due_on, very_overdue_on, deadline_provisional, overdue_tier, finding, finding_note, "
        "public_outcome, closed_at, created_at"
    )
    categories = ["fraud", "rumor", "gambling", "pornography", "clickbait", "drugs", "malware", "personal_info"]
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY reports_report ({columns}) FROM STDIN") as copy:
        for k in range(n):
            pk = next_id + k
            created = now - timedelta(seconds=seconds[k])
            kind = rng.random()
            member_id, matched_by, target, domain, category = None, "", "", "", rng.choice(categories)
            if kind < 0.45:  # a URL on a registered site
                domain, member_id = rng.choices(world["domains"], domain_w)[0]
                target, matched_by = f"https://www.{domain}/a/{rng.randint(1, 10**7)}", "domain"
            elif kind < 0.60:  # the reporter chose the member
                member_id, matched_by = rng.choices(world["members"], member_w)[0], "reporter"
            elif kind < 0.85:  # an unregistered domain
                domain = f"elsewhere{rng.choices(range(UNREGISTERED), other_w)[0]}.com"
                target = f"http://{domain}/p/{rng.randint(1, 10**6)}"
            elif kind < 0.92:  # an app name
                target, member_id = rng.choice(world["apps"])
                matched_by = "domain"
            else:
                category = "other"
            text = description(rng)
            folded = abuse.normalise(text)
            branch = ("m", member_id) if member_id else ("d", domain) if domain else ("t", target.upper())
            original = last_in_branch.get(branch)
            if original is not None and rng.random() < 0.05:
                status, duplicate_of, finding = "duplicate", original, ""
            else:
                duplicate_of = None
                age = seconds[k] / 86400
                if age > 10 and rng.random() < 0.8:
                    status, finding = "closed", rng.choice(["verified_true", "not_true", "partly_true"])
                elif member_id:
                    status, finding = rng.choice(["with_member", "with_member", "responded"]), ""
                else:
                    status, finding = "staff_queue", ""
                last_in_branch[branch] = pk
            routed = created if member_id and status != "duplicate" else None
            copy.write_row(
                (
                    pk, f"{pk:064x}", category, member_id, matched_by, target, domain, text,
                    hashlib.sha256(folded.encode()).hexdigest(), folded,
                    "", "", "", "", status, duplicate_of, 0,
                    routed, (created + timedelta(days=7)).date() if routed else None,
                    (created + timedelta(days=14)).date() if routed else None, False, 0, finding, "",
                    "已处理" if finding else "", created + timedelta(days=5) if finding else None, created,
                )
            )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('reports_report', 'id'), (SELECT MAX(id) FROM reports_report))"
        )
        cursor.execute("ANALYZE reports_report")
    return time.perf_counter() - began


# --------------------------------------------------------------------------- measurement


class Phases:
    """Wall time spent inside the duplicate search and the target resolution (wrapped module functions)."""

    def __init__(self) -> None:
        from zilu.reports import intake, routing

        self.seconds = {"duplicates": 0.0, "target": 0.0}
        for module, name, key in ((intake, "find_duplicate", "duplicates"), (routing, "resolve_target", "target")):
            original = getattr(module, name)

            def timed(*args, _original=original, _key=key, **kwargs):  # type: ignore[no-untyped-def]
                start = time.perf_counter()
                try:
                    return _original(*args, **kwargs)
                finally:
                    self.seconds[_key] += time.perf_counter() - start

            setattr(module, name, timed)

    def reset(self) -> None:
        for key in self.seconds:
            self.seconds[key] = 0.0


def submissions(m: int, world: dict[str, list], rng: random.Random) -> list[dict[str, str]]:
    """``m`` report forms: the intake mix, with repeats of recent reports in the database."""
    from zilu.reports.models import Report

    recent = list(
        Report.objects.filter(duplicate_of__isnull=True)
        .order_by("-created_at")
        .values("category", "member_id", "matched_by", "target", "description")[:500]
    )
    forms = []
    member_w = weights_zipf(len(world["members"]), 1.1)
    domain_w = weights_zipf(len(world["domains"]), 1.1)
    for _ in range(m):
        kind = rng.random()
        repeat = rng.random()
        if recent and repeat < 0.20:
            row = rng.choice(recent)
            text = row["description"] if repeat < 0.05 else near_copy(row["description"], rng)
            form = {"category": row["category"], "description": text, "target": row["target"]}
            if row["matched_by"] == "reporter":
                form["member"] = str(row["member_id"])
            forms.append(form)
            continue
        form = {"category": rng.choice(["fraud", "rumor", "gambling", "clickbait"]), "description": description(rng)}
        if kind < 0.45:
            form["target"] = f"https://m.{rng.choices(world['domains'], domain_w)[0][0]}/a/{rng.randint(1, 10**7)}"
        elif kind < 0.60:
            form["member"] = str(rng.choices(world["members"], member_w)[0])
        elif kind < 0.85:
            form["target"] = f"http://elsewhere{rng.randint(0, UNREGISTERED * 2)}.com/p/{rng.randint(1, 10**6)}"
        elif kind < 0.92:
            form["target"] = rng.choice(world["apps"])[0] if rng.random() < 0.7 else "某某不知名应用"
        else:
            form["category"] = "other"
        forms.append(form)
    return forms


def measure(forms: list[dict[str, str]], phases: Phases) -> dict[str, float]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for form in forms[:20]:  # warm-up: caches, prepared plans, imports
        assert client.post("/api/v1/reports", form).status_code == 201
    phases.reset()
    wall: list[float] = []
    queries = 0
    outcomes = {"duplicate": 0}
    for form in forms[20:]:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.post("/api/v1/reports", form)
            wall.append(time.perf_counter() - start)
        assert response.status_code == 201, response.content[:300]
        queries += len(captured.captured_queries)
        outcomes["duplicate"] += response.json()["status"] == "duplicate"
    n = len(wall)
    ordered = sorted(wall)
    return {
        "median": statistics.median(wall) * 1000,
        "mean": statistics.fmean(wall) * 1000,
        "p95": ordered[min(n - 1, round(0.95 * (n - 1)))] * 1000,
        "queries": queries / n,
        "duplicates_ms": phases.seconds["duplicates"] / n * 1000,
        "target_ms": phases.seconds["target"] / n * 1000,
        "merged": outcomes["duplicate"] / n,
    }


def compare_searches(forms: list[dict[str, str]], trgm: bool) -> dict[str, float]:
    """The duplicate search as shipped on PostgreSQL, against the Python path (SQLite's: the target's hundred newest
    descriptions compared in Python, through the ORM) on the same forms and rows: time and whether the answers agree.

    With ``trgm``, also the alternative a GIN index (gin_trgm_ops) on the description offers: candidates
    ``description % text`` (pg_trgm's default threshold 0.3) from the target's whole window, ranked by similarity."""
    from django.db import connection
    from django.utils import timezone

    from zilu.reports import intake, routing

    now = timezone.now()
    prepared = []
    for form in forms:
        clean = intake.validate(form)
        prepared.append((clean, routing.resolve_target(clean["member_id"], clean["target"])))
    shipped, python, same, found = [], [], 0, 0
    for clean, target in prepared:
        start = time.perf_counter()
        answer = intake.find_duplicate(clean, target, now)
        shipped.append(time.perf_counter() - start)
        connection.vendor = "sqlite"  # this connection only, for this call: the path SQLite takes
        try:
            start = time.perf_counter()
            other = intake.find_duplicate(clean, target, now)
            python.append(time.perf_counter() - start)
        finally:
            del connection.vendor
        same += getattr(answer, "pk", None) == getattr(other, "pk", None)
        found += answer is not None
    result = {
        "shipped": statistics.median(shipped) * 1000,
        "python": statistics.median(python) * 1000,
        "same": same,
        "found": found,
        "n": len(prepared),
    }
    if not trgm:
        return result
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_description_trgm ON reports_report USING gin (description gin_trgm_ops)"
        )
        cursor.execute("ANALYZE reports_report")
        cursor.execute("SELECT pg_relation_size('bench_description_trgm')")
        size = int(cursor.fetchone()[0])
    built = time.perf_counter() - began
    times = []
    for clean, target in prepared:
        if target.member is not None:
            branch, value = "member_id = %s", target.member.pk
        elif target.domain:
            branch, value = "target_domain = %s", target.domain
        elif clean["target"]:
            branch, value = "UPPER(target) = UPPER(%s)", clean["target"]
        else:
            branch, value = "member_id IS NULL AND target = %s", ""
        sql = (
            f"SELECT id, description FROM reports_report WHERE {branch} AND duplicate_of_id IS NULL "
            "AND created_at >= %s AND description %% %s ORDER BY similarity(description, %s) DESC LIMIT 10"
        )
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [value, now - timedelta(days=7), clean["description"], clean["description"]])
            cursor.fetchall()
        times.append(time.perf_counter() - start)
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX bench_description_trgm")
    result.update(
        trgm=statistics.median(times) * 1000,
        trgm_p95=sorted(times)[round(0.95 * (len(times) - 1))] * 1000,
        index_mb=size / 2**20,
        build_s=built,
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/bench_intake")
    parser.add_argument("--sizes", default="10000,1000000", help="existing reports to measure at (0 is always first)")
    parser.add_argument("--reports", type=int, default=300, help="reports submitted per size (after 20 warm-up)")
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/13",
        help="ZILU_CACHE_URL of this process (flushed first); 'builtin' for the embedded default (database cache)",
    )
    parser.add_argument(
        "--compare-trgm",
        action="store_true",
        help="also time a pg_trgm GIN index and a window-wide similarity query (the alternative not taken)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} - {0})

    url = args.database
    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    try:
        create_database(admin_url, name)
    except Exception as exc:  # any connection failure means "not measurable here"
        print(f"PostgreSQL is not reachable ({exc}); nothing measured.")
        return 0
    var = Path(tempfile.mkdtemp(prefix="zilu-bench-intake-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "zilu.settings",
            "ZILU_DATABASE_URL": url,
            "ZILU_VAR_DIR": str(var),
            "ZILU_REPORT_RATE_LIMIT": "0",
            "ZILU_REPORT_CAPTCHA_AFTER": "-1",
            "ZILU_LOG_LEVEL": "WARNING",
        }
    )
    if args.cache_url != "builtin":
        os.environ["ZILU_CACHE_URL"] = args.cache_url
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.cache import cache
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        cache.clear()
        rng = random.Random(args.seed)
        world = register_members(rng)
        phases = Phases()
        rows = [(0, 0.0, measure(submissions(args.reports + 20, world, rng), phases))]
        trgm_rows = []
        have = 0
        for size in sizes:
            took = fill(size - have, world, rng)
            have = size
            print(f"  filled to {size:,} existing reports in {took:.1f} s", file=sys.stderr)
            forms = submissions(args.reports + 20, world, rng)
            rows.append((size, took, measure(forms, phases)))
            trgm_rows.append((size, compare_searches(submissions(200, world, rng), args.compare_trgm)))
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(
            f"report intake, {args.reports} reports per size through the Django test client; PostgreSQL; "
            f"cache {backend}"
        )
        head = (
            f"{'existing':>10} {'fill s':>7} {'median ms':>9} {'mean ms':>8} {'p95 ms':>7} {'queries':>7} "
            f"{'dup ms':>7} {'target ms':>9} {'merged':>6} {'x median':>8} {'x dup':>6} {'x target':>8}"
        )
        print(head)
        base = rows[0][2]
        for size, took, r in rows:
            print(
                f"{size:>10,} {took:>7.1f} {r['median']:>9.2f} {r['mean']:>8.2f} {r['p95']:>7.2f} {r['queries']:>7.1f} "
                f"{r['duplicates_ms']:>7.2f} {r['target_ms']:>9.2f} {r['merged']:>6.0%} "
                f"{r['median'] / base['median']:>7.2f}x {r['duplicates_ms'] / base['duplicates_ms']:>5.2f}x "
                f"{r['target_ms'] / base['target_ms']:>7.2f}x"
            )
        if len(rows) > 2:
            (first, _t, a), (last, _t2, b) = rows[1], rows[-1]
            print(
                f"from {first:,} to {last:,} existing reports: median x{b['median'] / a['median']:.2f}, "
                f"duplicate search x{b['duplicates_ms'] / a['duplicates_ms']:.2f}, "
                f"target resolution x{b['target_ms'] / a['target_ms']:.2f}, queries {a['queries']:.1f} -> "
                f"{b['queries']:.1f} (at 0 the targets have fewer than 100 reports to compare)"
            )
        print(
            "\nthe duplicate search alone, 200 new forms per size (not submitted): as shipped on PostgreSQL, and the "
            "Python path (SQLite's; before this change, PostgreSQL's too) on the same rows"
        )
        head = f"{'existing':>10} {'shipped ms':>10} {'Python ms':>9} {'same answer':>11} {'found':>5}"
        if args.compare_trgm:
            head += f" | {'GIN pg_trgm ms':>14} {'p95':>7} {'GIN MB':>7} {'build s':>7}"
        print(head)
        for size, t in trgm_rows:
            line = f"{size:>10,} {t['shipped']:>10.2f} {t['python']:>9.2f} {t['same']:>5}/{t['n']:<5} {t['found']:>5}"
            if args.compare_trgm:
                line += f" | {t['trgm']:>14.2f} {t['trgm_p95']:>7.2f} {t['index_mb']:>7.1f} {t['build_s']:>7.1f}"
            print(line)
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(var, ignore_errors=True)
        if not args.keep:
            drop_database(admin_url, name)


if __name__ == "__main__":
    raise SystemExit(main())
