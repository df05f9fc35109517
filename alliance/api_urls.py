from django.urls import path

from alliance import api_views

urlpatterns = [
    path("auth/token/", api_views.TokenObtainView.as_view(), name="api-token"),
    path("me/", api_views.MeView.as_view(), name="api-me"),
    path("organisations/", api_views.OrganisationListView.as_view(), name="api-organisations"),
    path(
        "organisations/<int:pk>/",
        api_views.OrganisationDetailView.as_view(),
        name="api-organisation",
    ),
    path("networks/", api_views.NetworkListView.as_view(), name="api-networks"),
    path("people/", api_views.PersonListView.as_view(), name="api-people"),
]
