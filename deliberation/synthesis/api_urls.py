from django.urls import path

from deliberation.synthesis import api

urlpatterns = [
    path(
        "threads/<int:thread_id>/synthesis/",
        api.ThreadSynthesisView.as_view(),
        name="api-thread-synthesis",
    ),
    path(
        "threads/<int:thread_id>/opinion-groups/",
        api.ThreadOpinionGroupsView.as_view(),
        name="api-thread-opinion-groups",
    ),
    path("threads/<int:thread_id>/pins/", api.ThreadPinsView.as_view(), name="api-thread-pins"),
    path(
        "threads/<int:thread_id>/pins/<int:pin_id>/",
        api.ThreadPinView.as_view(),
        name="api-thread-pin",
    ),
    path(
        "comments/<int:comment_id>/point/", api.CommentPointView.as_view(), name="api-comment-point"
    ),
]
