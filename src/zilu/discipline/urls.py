"""URLs of the discipline pages (Art. 18): cases, notices, evaluations, commendations."""

from django.urls import path

from zilu.discipline import evaluation_views, reinstatement_views, views

app_name = "discipline"
urlpatterns = [
    # public
    path("sanctions/", views.notices, name="notices"),
    path("sanctions/internal/", views.internal_notices, name="internal_notices"),
    path("sanctions/<int:notice_id>/", views.notice, name="notice"),
    path("evaluations/", evaluation_views.results_list, name="results_list"),
    path("evaluations/<int:round_id>/", evaluation_views.results, name="results"),
    path("commendations/", evaluation_views.commendations, name="commendations"),
    path("commendations/nominate", evaluation_views.nominate, name="nominate"),
    # the member concerned
    path("account/discipline/", views.my_cases, name="my_cases"),
    path("account/discipline/cases/<int:case_id>/", views.my_case, name="my_case"),
    path("account/discipline/cases/<int:case_id>/<slug:step>", views.my_case_step, name="my_case_step"),
    path("account/discipline/reinstatement", reinstatement_views.my_reinstatement, name="my_reinstatement"),
    # the decision documents, for whoever may see the case
    path("discipline/cases/<int:case_id>/decision.pdf", reinstatement_views.decision_pdf, name="decision_pdf"),
    path(
        "discipline/cases/<int:case_id>/appeal-decision.pdf",
        reinstatement_views.appeal_decision_pdf,
        name="appeal_decision_pdf",
    ),
    path("account/evaluations/", evaluation_views.my_evaluations, name="my_evaluations"),
    path("account/evaluations/<int:participation_id>/", evaluation_views.my_evaluation, name="my_evaluation"),
    path("account/evaluations/<int:participation_id>/comment", evaluation_views.comment, name="comment"),
    # staff and the supervising department
    path("staff/discipline/", views.cases, name="cases"),
    path("staff/discipline/cases/new", views.new_case, name="new_case"),
    path("staff/discipline/cases/<int:case_id>/", views.case, name="case"),
    path("staff/discipline/cases/<int:case_id>/<slug:step>", views.case_step, name="case_step"),
    path("staff/discipline/members/<str:number>/", views.member_record, name="member_record"),
    path("staff/discipline/reinstatements/", reinstatement_views.reinstatements, name="reinstatements"),
    path(
        "staff/discipline/reinstatements/<int:application_id>/",
        reinstatement_views.reinstatement,
        name="reinstatement",
    ),
    path("staff/discipline/flagged/", views.flagged, name="flagged"),
    path("staff/discipline/evaluations/", evaluation_views.evaluations, name="evaluations"),
    path("staff/discipline/evaluations/<int:round_id>/", evaluation_views.evaluation, name="evaluation"),
    path(
        "staff/discipline/evaluations/<int:round_id>/<slug:step>",
        evaluation_views.evaluation_step,
        name="evaluation_step",
    ),
    path("staff/discipline/participations/<int:participation_id>/", evaluation_views.score, name="score"),
    path("staff/discipline/nominations/", evaluation_views.nominations, name="nominations"),
    path(
        "staff/discipline/nominations/<int:nomination_id>/decide",
        evaluation_views.decide_nomination,
        name="decide_nomination",
    ),
]
