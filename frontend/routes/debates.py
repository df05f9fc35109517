"""Pages of the debates area (views in frontend/views/debates.py)."""

from django.urls import path

from frontend.views import debates as views

urlpatterns = [
    path("debats/", views.debates, name="debates"),
    path("debats/recherche/", views.search, name="debate_search"),
    path("debats/moderation/", views.moderation, name="moderation"),
    path("debats/<int:thread_id>/", views.thread, name="thread"),
    path("debats/<int:thread_id>/commenter/", views.comment_post, name="comment_post"),
    path("debats/<int:thread_id>/suivre/", views.thread_follow, name="thread_follow"),
    path("debats/commentaires/<int:comment_id>/modifier/", views.comment_edit, name="comment_edit"),
    path(
        "debats/commentaires/<int:comment_id>/supprimer/",
        views.comment_delete,
        name="comment_delete",
    ),
    path(
        "debats/commentaires/<int:comment_id>/historique/",
        views.comment_history,
        name="comment_history",
    ),
    path(
        "debats/commentaires/<int:comment_id>/repondre/",
        views.comment_reply,
        name="comment_reply",
    ),
    path("debats/commentaires/<int:comment_id>/reagir/", views.comment_react, name="comment_react"),
    path(
        "debats/commentaires/<int:comment_id>/signaler/",
        views.comment_report,
        name="comment_report",
    ),
    path("debats/commentaires/<int:comment_id>/masquer/", views.comment_hide, name="comment_hide"),
    path(
        "debats/commentaires/<int:comment_id>/retablir/",
        views.comment_unhide,
        name="comment_unhide",
    ),
    path(
        "debats/commentaires/<int:comment_id>/classer/",
        views.reports_dismiss,
        name="reports_dismiss",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/lues/", views.notifications_read, name="notifications_read"),
]
