"""``zilu votes verify VOTE_ID``: recompute a vote's tally from the audit log and its electorate snapshot."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from zilu.core.models import AuditEntry
from zilu.governance.models import Vote
from zilu.governance.tally import electorate_hash, tally


def recount(vote: Vote) -> dict[str, Any]:
    """The tally as the audit log tells it: each unit's last cast inside the window, members of the snapshot only."""
    ballots: dict[int, str] = {}
    casts = AuditEntry.objects.filter(
        action="convention.vote.cast", object_type="convention.vote", object_id=str(vote.pk)
    )
    for entry in casts.order_by("seq"):
        after = entry.after or {}
        cast_at = parse_datetime(str(after.get("cast_at", "")))
        # DjangoJSONEncoder keeps milliseconds: compare at that precision.
        opens = vote.opens_at.replace(microsecond=vote.opens_at.microsecond // 1000 * 1000)
        if cast_at is not None and opens <= cast_at < vote.closes_at:
            ballots[int(after["member"])] = str(after["choice"])
    return tally(vote.electorate, ballots, vote.rule_numerator, vote.rule_denominator).as_dict()


class Command(BaseCommand):
    help = "Verify a vote: recompute its tally from the audit entries and the electorate snapshot."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="recompute and compare with the published result")
        verify.add_argument("vote_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        vote = Vote.objects.filter(pk=options["vote_id"]).first()
        if vote is None:
            raise CommandError(f"no vote {options['vote_id']}")
        problems = []
        if electorate_hash(vote.electorate) != vote.electorate_hash:
            problems.append("the electorate snapshot does not match its recorded hash")
        recounted = recount(vote)
        if vote.result is None:
            problems.append("the vote has no published result yet")
        elif recounted != vote.result:
            problems.append(f"the published result differs from the recount: {vote.result} != {recounted}")
        ballots = dict(vote.ballots.values_list("member_id", "choice"))
        stored = tally(vote.electorate, ballots, vote.rule_numerator, vote.rule_denominator).as_dict()
        if stored["roll"] != recounted["roll"]:
            problems.append(f"the ballots differ from the audit log: {stored['roll']} != {recounted['roll']}")
        if problems:
            raise CommandError(f"vote {vote.pk} NOT verified: " + "; ".join(problems))
        self.stdout.write(
            self.style.SUCCESS(
                f"vote {vote.pk} verified: electorate {recounted['electorate']}, needed {recounted['needed']}, "
                f"agree {recounted['agree']}, disagree {recounted['disagree']}, abstain {recounted['abstain']}, "
                f"adopted {recounted['adopted']}"
            )
        )
