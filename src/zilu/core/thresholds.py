"""Exact thresholds over counts (Civil Code art. 1259): "以上" includes the stated number, "超过" excludes it. Used for
"十分之一以上" and "三分之二以上" of the member units (Art. 22); re-exported by :mod:`zilu.core.deadlines`."""

from __future__ import annotations

from fractions import Fraction


def _check_fraction_args(count: int, total: int, numerator: int, denominator: int) -> None:
    if count < 0 or total < 0:
        raise ValueError("count and total must not be negative.")
    if count > total:
        raise ValueError(f"count ({count}) cannot exceed total ({total}).")
    if numerator < 0 or denominator <= 0:
        raise ValueError("The threshold must be a non-negative fraction with a positive denominator.")


def at_least_fraction(count: int, total: int, numerator: int, denominator: int) -> bool:
    """Whether ``count / total`` reaches ``numerator / denominator`` ("N分之M以上").

    Civil Code art. 1259: "以上" includes the stated number, so exactly one tenth
    of members is "十分之一以上" and 20 of 30 votes is "三分之二以上". Exact
    rational arithmetic is used, so there is no rounding at the boundary.
    ``total == 0`` returns False: nothing can reach a share of nobody.
    """
    _check_fraction_args(count, total, numerator, denominator)
    if total == 0:
        return False
    return Fraction(count, total) >= Fraction(numerator, denominator)


def exceeds_fraction(count: int, total: int, numerator: int, denominator: int) -> bool:
    """Whether ``count / total`` is strictly more than ``numerator / denominator``.

    Civil Code art. 1259: "超过" excludes the stated number, so "过半数"
    (more than half) needs 16 of 30, not 15. ``total == 0`` returns False.
    """
    _check_fraction_args(count, total, numerator, denominator)
    if total == 0:
        return False
    return Fraction(count, total) > Fraction(numerator, denominator)


__all__ = ["at_least_fraction", "exceeds_fraction"]
