from django.urls import path

from proposals.scenarios import api

urlpatterns = [
    path("proposals/", api.ProposalListView.as_view(), name="api-proposals"),
    path("proposals/<int:pk>/", api.ProposalDetailView.as_view(), name="api-proposal"),
    path(
        "proposals/<int:pk>/status/",
        api.ProposalStatusView.as_view(),
        name="api-proposal-status",
    ),
    path(
        "proposals/<int:pk>/versions/",
        api.VersionListView.as_view(),
        name="api-proposal-versions",
    ),
    path(
        "proposals/<int:pk>/versions/<int:number>/",
        api.VersionDetailView.as_view(),
        name="api-proposal-version",
    ),
    path("proposals/<int:pk>/diff/", api.DiffView.as_view(), name="api-proposal-diff"),
    path(
        "proposals/<int:pk>/amendments/",
        api.AmendmentListView.as_view(),
        name="api-proposal-amendments",
    ),
    path("amendments/<int:pk>/", api.AmendmentDetailView.as_view(), name="api-amendment"),
    path(
        "amendments/<int:pk>/accept/",
        api.AmendmentAcceptView.as_view(),
        name="api-amendment-accept",
    ),
    path(
        "amendments/<int:pk>/reject/",
        api.AmendmentRejectView.as_view(),
        name="api-amendment-reject",
    ),
    path(
        "amendments/<int:pk>/withdraw/",
        api.AmendmentWithdrawView.as_view(),
        name="api-amendment-withdraw",
    ),
    path("proposals/<int:pk>/notes/", api.NoteListView.as_view(), name="api-proposal-notes"),
    path(
        "proposals/<int:pk>/notes.csv",
        api.NoteCsvView.as_view(),
        name="api-proposal-notes-csv",
    ),
    path(
        "notes/<int:pk>/endorsement/",
        api.NoteEndorsementView.as_view(),
        name="api-note-endorsement",
    ),
    path(
        "proposals/<int:pk>/positions/",
        api.PositionListView.as_view(),
        name="api-proposal-positions",
    ),
    path(
        "proposals/<int:pk>/positions/history/",
        api.PositionHistoryView.as_view(),
        name="api-proposal-positions-history",
    ),
]
