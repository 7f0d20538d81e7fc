"""The discipline app's models (Art. 18): cases and their notices (``cases``), evaluation rounds and the members'
participations (``evaluations``), nominations for commendation (``commendations``)."""

from zilu.discipline.ladder import Measure
from zilu.discipline.models.cases import (
    Case,
    CaseQuerySet,
    Notice,
    NoticeQuerySet,
    Source,
    appeal_deadline,
    listing_deadline,
    response_deadline,
)
from zilu.discipline.models.commendations import Nomination, NominationQuerySet
from zilu.discipline.models.evaluations import EvaluationRound, Participation, ParticipationQuerySet, review_deadline
from zilu.discipline.models.reinstatement import Reinstatement, ReinstatementQuerySet, waiting_period_end

__all__ = [
    "Case", "CaseQuerySet", "EvaluationRound", "Measure", "Nomination", "NominationQuerySet", "Notice",
    "NoticeQuerySet", "Participation", "ParticipationQuerySet", "Reinstatement", "ReinstatementQuerySet", "Source",
    "appeal_deadline", "listing_deadline", "response_deadline", "review_deadline", "waiting_period_end",
]  # fmt: skip
