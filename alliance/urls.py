from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# One `api/` include per domain app; each app owns its `api_urls.py`.
api_patterns = [
    path("", include("alliance.api_urls")),
    path("", include("proposals.api_urls")),
    path("", include("deliberation.api_urls")),
    path("", include("documents.api_urls")),
    path("", include("assemblies.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("frontend.urls")),
]

handler400 = "alliance.api.errors.handler400"
handler404 = "alliance.api.errors.handler404"
handler500 = "alliance.api.errors.handler500"
