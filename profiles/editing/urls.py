"""/me/ (one's own profile) and /me/profiles/<slug>/ (any profile, for lab admins).

The same views serve both: every editing pattern is registered twice, the second time
with a `profile_` name prefix and the profile's slug in front (see Editing.url).
"""

from django.urls import include, path

from profiles.editing import lab, views

editing_patterns = [
    ("", views.dashboard, "dashboard"),
    ("identity/", views.identity, "identity"),
    ("about/", views.about, "about"),
    ("avatar/", views.avatar, "avatar"),
    ("visitor-view/", views.visitor_preview, "visitor_preview"),
    ("history/", views.profile_history, "profile_history"),
    ("activity/", views.activity_log, "activity"),
    ("history/<int:history_id>/restore/", views.profile_restore, "profile_restore"),
    ("sections/<slug:key>/", views.section_list, "section_list"),
    ("sections/<slug:key>/add/", views.section_add, "section_add"),
    ("sections/<slug:key>/<int:pk>/", views.section_edit, "section_edit"),
    ("sections/<slug:key>/<int:pk>/delete/", views.section_delete, "section_delete"),
    ("sections/<slug:key>/<int:pk>/move/", views.section_move, "section_move"),
    ("sections/<slug:key>/<int:pk>/confirm/", views.section_confirm, "section_confirm"),
    ("imports/confirm-all/", views.imports_confirm_all, "imports_confirm_all"),
    ("imports/<int:pk>/dismiss/", views.import_dismiss, "import_dismiss"),
    ("sections/<slug:key>/<int:pk>/history/", views.section_history, "section_history"),
    (
        "sections/<slug:key>/<int:pk>/history/<int:history_id>/restore/",
        views.section_restore,
        "section_restore",
    ),
    ("statements/<int:pk>/share/", views.statement_share, "statement_share"),
    ("statements/<int:pk>/unshare/", views.statement_unshare, "statement_unshare"),
    ("publications/", views.publications, "publications"),
    ("publications/add/", views.publication_add, "publication_add"),
    ("publications/<int:pk>/", views.publication_edit, "publication_edit"),
    ("authorships/<int:pk>/claim/", views.authorship_claim, "authorship_claim"),
    ("authorships/<int:pk>/unlink/", views.authorship_unlink, "authorship_unlink"),
    ("authorships/<int:pk>/select/", views.authorship_select, "authorship_select"),
]

app_name = "me"

urlpatterns = [
    path("preview/markdown/", views.markdown_preview, name="markdown_preview"),
    path("lab/", lab.members, name="lab"),
    path("lab/invite/", lab.invite, name="lab_invite"),
    path("lab/invitations/<int:pk>/resend/", lab.invitation_resend, name="lab_invitation_resend"),
    path("lab/invitations/<int:pk>/revoke/", lab.invitation_revoke, name="lab_invitation_revoke"),
    path("lab/members/<slug:slug>/", lab.membership, name="lab_membership"),
    path("lab/merge/", lab.merge, name="lab_merge"),
    path("lab/activity/", lab.activity_log, name="lab_activity"),
    path("lab/claims/<int:pk>/undo/", lab.claim_undo, name="lab_claim_undo"),
    path("claims/<int:pk>/<str:decision>/", views.claim_decide, name="claim_decide"),
    *[path(route, view, name=name) for route, view, name in editing_patterns],
    path(
        "profiles/<slug:slug>/",
        include([path(route, view, name=f"profile_{name}") for route, view, name in editing_patterns]),
    ),
]
