"""Counting for Art. 22 and 24: thresholds of member units in exact fractions, and vote tallies.

"十分之一以上" and "三分之二以上" include the boundary (Civil Code art. 1259) and are computed with
:func:`zilu.core.deadlines.at_least_fraction` (exact rationals); the denominator is always the whole electorate, not
the votes cast.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from zilu.core.deadlines import at_least_fraction

COSIGN_RULE = (1, 10)  # Art. 22: one tenth or more of the member units may propose
ADOPTION_RULE = (2, 3)  # Art. 22: two thirds or more of the member units adopt


def needed(total: int, numerator: int, denominator: int) -> int:
    """The smallest whole number of units that reaches ``numerator/denominator`` of ``total`` (boundary included).
    With nobody in the electorate nothing can be reached; the answer is then 1 (one more than there are)."""
    if total <= 0:
        return 1
    return -(-numerator * total // denominator)


def electorate_hash(member_ids: Iterable[int]) -> str:
    """SHA-256 of the sorted member ids, recorded when a vote opens."""
    return hashlib.sha256(json.dumps(sorted(member_ids), separators=(",", ":")).encode()).hexdigest()


@dataclass(frozen=True)
class Tally:
    """A vote's result against its electorate."""

    electorate: int
    needed: int
    agree: int
    disagree: int
    abstain: int
    not_voted: int
    adopted: bool
    roll: dict[str, str]  # member id (as a string, for JSON) -> choice

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def tally(electorate: Iterable[int], ballots: Mapping[int, str], numerator: int, denominator: int) -> Tally:
    """Count ``ballots`` (member id -> choice) of members in ``electorate``; others are ignored."""
    members = sorted(set(electorate))
    roll = {str(m): ballots[m] for m in members if m in ballots}
    counts = {choice: sum(1 for c in roll.values() if c == choice) for choice in ("agree", "disagree", "abstain")}
    return Tally(
        electorate=len(members),
        needed=needed(len(members), numerator, denominator),
        agree=counts["agree"],
        disagree=counts["disagree"],
        abstain=counts["abstain"],
        not_voted=len(members) - len(roll),
        adopted=at_least_fraction(counts["agree"], len(members), numerator, denominator) if members else False,
        roll=roll,
    )
