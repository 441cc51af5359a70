from django.urls import path

from profiles.site import feeds, views

app_name = "profiles"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.directory, name="directory"),
    path("people/<slug:slug>/", views.profile_detail, name="detail"),
    path("people/<slug:slug>/cv/", views.profile_cv, name="cv"),
    path("people/<slug:slug>/publications/", views.member_publications, name="publications"),
    path("people/<slug:slug>/feed.atom", feeds.MemberFeed(), name="feed"),
    path("people/<slug:slug>/statements/<slug:statement_slug>/", views.statement_detail, name="statement"),
    path("s/<str:token>/", views.shared_statement, name="shared_statement"),
]
