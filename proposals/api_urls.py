from django.urls import include, path

urlpatterns = [
    path("", include("proposals.scenarios.api_urls")),
    path("", include("proposals.consultation.api_urls")),
]
