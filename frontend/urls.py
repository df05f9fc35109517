"""Page routes: one module per area in `frontend/routes/`, all in the `frontend` namespace."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from frontend.views import accounts, home

app_name = "frontend"

urlpatterns = [
    path("", home.home, name="home"),
    path("connexion/", accounts.login, name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("frontend.routes.accounts")),
    path("", include("frontend.routes.directory")),
    path("", include("frontend.routes.proposals")),
    path("", include("frontend.routes.consultation")),
    path("", include("frontend.routes.debates")),
    path("", include("frontend.routes.synthesis")),
    path("", include("frontend.routes.documents")),
    path("", include("frontend.routes.assemblies")),
]
