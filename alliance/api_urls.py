from django.urls import path

from alliance import api_views

urlpatterns = [
    path("auth/token/", api_views.TokenObtainView.as_view(), name="api-token"),
    path("me/", api_views.MeView.as_view(), name="api-me"),
]
