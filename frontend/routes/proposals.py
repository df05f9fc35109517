"""Pages of the proposals area (views in frontend/views/proposals.py)."""

from django.urls import path

from frontend.views import proposals as views

urlpatterns = [
    path("propositions/", views.proposal_list, name="proposals"),
    path("propositions/nouvelle/", views.proposal_create, name="proposal_create"),
    path("propositions/<slug:slug>/", views.proposal_detail, name="proposal"),
    path("propositions/<slug:slug>/modifier/", views.proposal_edit, name="proposal_edit"),
    path("propositions/<slug:slug>/statut/", views.proposal_status, name="proposal_status"),
    path(
        "propositions/<slug:slug>/versions/<int:number>/",
        views.proposal_version,
        name="proposal_version",
    ),
    path("propositions/<slug:slug>/comparer/", views.proposal_diff, name="proposal_diff"),
    path(
        "propositions/<slug:slug>/amendements/nouveau/",
        views.amendment_create,
        name="amendment_create",
    ),
    path(
        "propositions/<slug:slug>/amendements/<int:pk>/",
        views.amendment_detail,
        name="amendment",
    ),
    path(
        "propositions/<slug:slug>/amendements/<int:pk>/decision/",
        views.amendment_decide,
        name="amendment_decide",
    ),
    path(
        "propositions/<slug:slug>/amendements/<int:pk>/retrait/",
        views.amendment_withdraw,
        name="amendment_withdraw",
    ),
    path("propositions/<slug:slug>/atelier/", views.workshop_board, name="workshop_board"),
    path(
        "propositions/<slug:slug>/atelier/notes.csv",
        views.workshop_csv,
        name="workshop_csv",
    ),
    path(
        "propositions/<slug:slug>/atelier/notes/<int:pk>/soutien/",
        views.note_endorse,
        name="note_endorse",
    ),
    path("propositions/<slug:slug>/positions/", views.positions, name="proposal_positions"),
]
