"""Pages of the assemblies area (views in frontend/views/assemblies.py)."""

from django.urls import path

from frontend.views import assemblies

urlpatterns = [
    path("assemblees/", assemblies.assembly_list, name="assemblies"),
    path("assemblees/nouvelle/", assemblies.assembly_create, name="assembly-create"),
    path("assemblees/<slug:slug>/", assemblies.assembly_detail, name="assembly"),
    path(
        "assemblees/<slug:slug>/delegation/",
        assemblies.delegate_action,
        name="assembly-delegate-action",
    ),
    path("assemblees/<slug:slug>/secretariat/", assemblies.console, name="assembly-console"),
    path(
        "assemblees/<slug:slug>/secretariat/action/",
        assemblies.console_action,
        name="assembly-console-action",
    ),
    path("assemblees/<slug:slug>/proces-verbal/", assemblies.minutes, name="assembly-minutes"),
    path("votes/<int:pk>/", assemblies.poll_detail, name="poll"),
    path("votes/<int:pk>/resultats/", assemblies.poll_results, name="poll-results"),
]
