"""Pages of the directory area (views in frontend/views/directory.py)."""

from django.urls import path

from frontend.views import directory

urlpatterns = [
    path("annuaire/", directory.directory, name="directory"),
    path("annuaire/<slug:slug>/", directory.organisation, name="organisation"),
    path("reseaux/", directory.networks, name="networks"),
]
