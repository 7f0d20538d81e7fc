"""URLs of the dispute pages."""

from django.urls import path

from zilu.disputes import peoples_views, views

app_name = "disputes"
urlpatterns = [
    path("disputes/", views.my_disputes, name="mine"),
    path("disputes/new", views.file_dispute, name="new"),
    path("disputes/<int:dispute_id>/", views.detail, name="detail"),
    path("disputes/<int:dispute_id>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("disputes/<int:dispute_id>/referral-letter.pdf", peoples_views.referral_letter, name="referral_letter"),
    path("disputes/<int:dispute_id>/peoples/<slug:step>", peoples_views.party_step, name="peoples_party_step"),
    path("disputes/<int:dispute_id>/<slug:step>", views.party_step, name="party_step"),
    path("staff/disputes/", views.queue, name="queue"),
    path("staff/disputes/committees/", peoples_views.committees, name="committees"),
    path(
        "staff/disputes/committees/<int:committee_id>/active",
        peoples_views.toggle_committee,
        name="toggle_committee",
    ),
    path("staff/disputes/<int:dispute_id>/peoples/<slug:step>", peoples_views.staff_step, name="peoples_staff_step"),
    path("staff/disputes/<int:dispute_id>/", views.staff_detail, name="staff_detail"),
    path("staff/disputes/<int:dispute_id>/<slug:step>", views.staff_step, name="staff_step"),
]
