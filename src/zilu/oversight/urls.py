"""URLs of the oversight pages."""

from django.urls import path

from zilu.oversight import views

app_name = "oversight"
urlpatterns = [
    path("oversight/complaints/", views.complaints, name="complaints"),
    path("oversight/complaints/new", views.file_complaint, name="new"),
    path("oversight/complaints.csv", views.export, name="export"),
    path("oversight/complaints/<int:complaint_id>/", views.complaint, name="complaint"),
    path("oversight/complaints/<int:complaint_id>/<slug:step>", views.step, name="step"),
    path("staff/explanations/", views.explanations, name="explanations"),
    path("staff/explanations/<int:request_id>/", views.explanation, name="explanation"),
    path("account/audit-extract.json", views.audit_extract, name="audit_extract"),
    path("transparency/", views.transparency, name="transparency"),
]
