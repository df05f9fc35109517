from django.urls import path

from assemblies import api

urlpatterns = [
    path("assemblies/", api.AssemblyListView.as_view(), name="api-assemblies"),
    path("assemblies/<int:pk>/state/", api.AssemblyStateView.as_view(), name="api-assembly-state"),
    path(
        "assemblies/<int:pk>/open/",
        api.AssemblyStatusView.as_view(action="open"),
        name="api-assembly-open",
    ),
    path(
        "assemblies/<int:pk>/close/",
        api.AssemblyStatusView.as_view(action="close"),
        name="api-assembly-close",
    ),
    path(
        "assemblies/<int:pk>/attendance/",
        api.AttendanceView.as_view(),
        name="api-assembly-attendance",
    ),
    path(
        "assemblies/<int:pk>/attendance/check-out/",
        api.CheckOutView.as_view(),
        name="api-assembly-check-out",
    ),
    path("assemblies/<int:pk>/proxies/", api.ProxyListView.as_view(), name="api-assembly-proxies"),
    path("assemblies/<int:pk>/agenda/", api.AgendaView.as_view(), name="api-assembly-agenda"),
    path("assemblies/<int:pk>/polls/", api.PollListView.as_view(), name="api-assembly-polls"),
    path("assemblies/<int:pk>/minutes.md", api.MinutesView.as_view(), name="api-assembly-minutes"),
    path(
        "assemblies/<int:pk>/attendance.csv",
        api.ExportView.as_view(export="attendance"),
        name="api-assembly-attendance-csv",
    ),
    path(
        "assemblies/<int:pk>/polls.csv",
        api.ExportView.as_view(export="polls"),
        name="api-assembly-polls-csv",
    ),
    *[
        path(
            f"proxies/<int:pk>/{action}/",
            api.ProxyDecisionView.as_view(action=action),
            name=f"api-proxy-{action}",
        )
        for action in ("validate", "refuse", "withdraw")
    ],
    path("polls/<int:pk>/", api.PollDetailView.as_view(), name="api-poll"),
    *[
        path(
            f"polls/<int:pk>/{action}/",
            api.PollStatusView.as_view(action=action),
            name=f"api-poll-{action}",
        )
        for action in ("open", "close", "publish")
    ],
    path("polls/<int:pk>/votes/", api.VoteView.as_view(), name="api-poll-votes"),
    path("polls/<int:pk>/tally/", api.TallyView.as_view(), name="api-poll-tally"),
    path("polls/<int:pk>/results/", api.ResultView.as_view(), name="api-poll-results"),
    path(
        "polls/<int:pk>/ballots.csv", api.BallotsExportView.as_view(), name="api-poll-ballots-csv"
    ),
    path("polls/<int:pk>/receipt-check/", api.ReceiptCheckView.as_view(), name="api-poll-receipt"),
]
