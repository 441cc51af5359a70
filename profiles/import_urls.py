"""/me/import/ (included from portfolio_site/urls.py before the rest of /me/)."""

from django.urls import path

from . import import_views

app_name = "profile_import"

urlpatterns = [
    path("", import_views.member_import, name="member_import"),
]
