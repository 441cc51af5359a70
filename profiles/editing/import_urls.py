"""/me/import/ (included from portfolio_site/urls.py before the rest of /me/)."""

from django.urls import path

from profiles.editing import imports as import_views

app_name = "profile_import"

urlpatterns = [
    path("", import_views.member_import, name="member_import"),
    path("jobs/", import_views.job_list, name="jobs"),
    path("jobs/<int:pk>/", import_views.job_detail, name="job"),
    path("jobs/<int:pk>/confirm/", import_views.job_confirm, name="job_confirm"),
    path("jobs/<int:pk>/cancel/", import_views.job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/status.json", import_views.job_status, name="job_status"),
    path("jobs/export/", import_views.lab_export_start, name="lab_export"),
    path("jobs/<int:pk>/download/", import_views.job_download, name="job_download"),
]
