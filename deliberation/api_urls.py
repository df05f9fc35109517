from django.urls import include, path

from deliberation import api

urlpatterns = [
    path("", include("deliberation.synthesis.api_urls")),
    path("threads/", api.ThreadListView.as_view(), name="api-threads"),
    path("threads/<int:thread_id>/", api.ThreadDetailView.as_view(), name="api-thread"),
    path(
        "threads/<int:thread_id>/comments/",
        api.ThreadCommentsView.as_view(),
        name="api-thread-comments",
    ),
    path(
        "threads/<int:thread_id>/follow/", api.ThreadFollowView.as_view(), name="api-thread-follow"
    ),
    path("comments/<int:comment_id>/", api.CommentDetailView.as_view(), name="api-comment"),
    path(
        "comments/<int:comment_id>/revisions/",
        api.CommentRevisionsView.as_view(),
        name="api-comment-revisions",
    ),
    path(
        "comments/<int:comment_id>/reaction/",
        api.ReactionView.as_view(),
        name="api-comment-reaction",
    ),
    path(
        "comments/<int:comment_id>/reports/",
        api.CommentReportView.as_view(),
        name="api-comment-reports",
    ),
    path(
        "comments/<int:comment_id>/hide/",
        api.ModerationView.as_view(act="hide"),
        name="api-comment-hide",
    ),
    path(
        "comments/<int:comment_id>/unhide/",
        api.ModerationView.as_view(act="unhide"),
        name="api-comment-unhide",
    ),
    path(
        "comments/<int:comment_id>/dismiss-reports/",
        api.ModerationView.as_view(act="dismiss"),
        name="api-comment-dismiss-reports",
    ),
    path("reports/", api.ReportListView.as_view(), name="api-reports"),
    path("moderation-actions/", api.ModerationLogView.as_view(), name="api-moderation-actions"),
    path("follows/", api.FollowListView.as_view(), name="api-follows"),
    path("notifications/", api.NotificationListView.as_view(), name="api-notifications"),
    path(
        "notifications/unread-count/",
        api.UnreadCountView.as_view(),
        name="api-notifications-unread-count",
    ),
    path(
        "notifications/mark-read/",
        api.MarkReadView.as_view(),
        name="api-notifications-mark-read",
    ),
    path(
        "notifications/preference/",
        api.PreferenceView.as_view(),
        name="api-notifications-preference",
    ),
    path("search/comments/", api.SearchView.as_view(), name="api-search-comments"),
]
