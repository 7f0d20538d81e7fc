"""URLs of the membership pages."""

from django.urls import path

from zilu.members import public_views, staff_views, venue_views, views

app_name = "members"
urlpatterns = [
    path("membership/apply/", views.apply, name="apply"),
    path("membership/applications/<int:application_id>/", views.application_detail, name="application"),
    path("membership/applications/<int:application_id>/sign", views.sign, name="sign"),
    path("membership/applications/<int:application_id>/cancel", views.cancel, name="cancel"),
    path("account/member/", views.my_member, name="my_member"),
    path("registry/", public_views.registry, name="registry"),
    path("registry/verify/", public_views.verify, name="verify"),
    path("registry/verify/<str:number>", public_views.verify, name="verify_number"),
    path("registry/bulletins/", public_views.bulletin_list, name="bulletins"),
    path("registry/bulletins/<int:number>/", public_views.bulletin_detail, name="bulletin"),
    path("registry/bulletins/<int:number>.csv", public_views.bulletin_csv, name="bulletin_csv"),
    path("registry/bulletins/<int:number>.pdf", public_views.bulletin_pdf, name="bulletin_pdf"),
    path("registry/<str:number>/certificate.pdf", public_views.certificate, name="certificate"),
    path("registry/<str:number>/", public_views.registry_detail, name="registry_detail"),
    path("staff/applications/", staff_views.queue, name="queue"),
    path("staff/applications/<int:application_id>/", staff_views.review, name="review"),
    path("staff/applications/<int:application_id>/<slug:decision>", staff_views.decide, name="decide"),
    path("staff/bulletins/", staff_views.bulletins, name="staff_bulletins"),
    path("account/member/venue/", venue_views.venue_assessment, name="venue_assessment"),
    path("staff/venues/", venue_views.venue_queue, name="venue_queue"),
    path("staff/venues/<int:assessment_id>/", venue_views.venue_review, name="venue_review"),
]
