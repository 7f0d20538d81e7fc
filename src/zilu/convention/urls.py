"""URLs of the convention pages."""

from django.urls import path

from zilu.convention import governance_views, views

app_name = "convention"
urlpatterns = [
    path("convention", views.convention_page, name="current"),
    path("convention/v<int:number>", views.convention_page, name="version"),
    path("convention/v<int:number>.txt", views.convention_text, name="text"),
    path("staff/convention/", views.manage_versions, name="manage_versions"),
    path("staff/convention/v<int:number>/", views.manage_version, name="manage_version"),
    path("staff/convention/v<int:number>/publish", views.publish_version, name="publish"),
    path("staff/convention/v<int:number>/withdraw", views.withdraw_version, name="withdraw"),
    path("staff/convention/v<int:number>/attach", views.attach_signed_copy, name="attach"),
]

urlpatterns += [
    path("convention/v<int:number>/acknowledge", governance_views.acknowledge_version, name="acknowledge"),
    path("convention/amendments/", governance_views.amendment_list, name="amendments"),
    path("convention/amendments/new", governance_views.amendment_new, name="amendment_new"),
    path("convention/amendments/<int:number>/", governance_views.amendment_detail, name="amendment"),
    path("convention/amendments/<int:number>/cosign", governance_views.amendment_cosign, name="amendment_cosign"),
    path("convention/amendments/<int:number>/withdraw", governance_views.amendment_withdraw, name="amendment_withdraw"),
    path(
        "convention/amendments/<int:number>/open-vote",
        governance_views.amendment_open_vote,
        name="amendment_open_vote",
    ),
    path("convention/votes/<int:vote_id>/", governance_views.vote_detail, name="vote"),
    path("convention/votes/<int:vote_id>/close", governance_views.vote_close, name="vote_close"),
    path("convention/annexes/", governance_views.annex_list, name="annexes"),
    path("convention/annexes/new", governance_views.annex_new, name="annex_new"),
    path("convention/annexes/<int:number>/", governance_views.annex_detail, name="annex"),
    path("convention/annexes/<int:number>/open-vote", governance_views.annex_open_vote, name="annex_open_vote"),
    path("staff/convention/interpretations/", governance_views.manage_interpretations, name="interpretations"),
]
