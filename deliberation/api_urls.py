from django.urls import include, path

urlpatterns = [
    path("", include("deliberation.synthesis.api_urls")),
]
