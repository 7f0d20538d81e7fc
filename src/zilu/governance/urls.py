"""URLs of the governance pages. They sit under the convention's paths (``/convention/amendments/``, ...), where
they have always been; their names are in the ``governance`` namespace."""

from django.urls import path

from zilu.governance import views

app_name = "governance"
urlpatterns = [
    path("convention/v<int:number>/acknowledge", views.acknowledge_version, name="acknowledge"),
    path("convention/amendments/", views.amendment_list, name="amendments"),
    path("convention/amendments/new", views.amendment_new, name="amendment_new"),
    path("convention/amendments/<int:number>/", views.amendment_detail, name="amendment"),
    path("convention/amendments/<int:number>/cosign", views.amendment_cosign, name="amendment_cosign"),
    path("convention/amendments/<int:number>/withdraw", views.amendment_withdraw, name="amendment_withdraw"),
    path("convention/amendments/<int:number>/open-vote", views.amendment_open_vote, name="amendment_open_vote"),
    path("convention/votes/<int:vote_id>/", views.vote_detail, name="vote"),
    path("convention/votes/<int:vote_id>/close", views.vote_close, name="vote_close"),
    path("convention/annexes/", views.annex_list, name="annexes"),
    path("convention/annexes/new", views.annex_new, name="annex_new"),
    path("convention/annexes/<int:number>/", views.annex_detail, name="annex"),
    path("convention/annexes/<int:number>/open-vote", views.annex_open_vote, name="annex_open_vote"),
    path("staff/convention/interpretations/", views.manage_interpretations, name="interpretations"),
]
