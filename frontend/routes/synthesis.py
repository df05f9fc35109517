"""Pages of the synthesis area (views in frontend/views/synthesis.py)."""

from django.urls import path

from frontend.views import synthesis

urlpatterns = [
    path("debats/<int:thread_id>/synthese/", synthesis.synthesis, name="synthesis"),
    path(
        "debats/<int:thread_id>/synthese/epingler/",
        synthesis.synthesis_pin,
        name="synthesis-pin",
    ),
    path(
        "debats/<int:thread_id>/synthese/epingles/<int:pin_id>/retirer/",
        synthesis.synthesis_unpin,
        name="synthesis-unpin",
    ),
    path(
        "debats/commentaires/<int:comment_id>/point/",
        synthesis.point_mark,
        name="point-mark",
    ),
]
