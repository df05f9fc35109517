"""Page routes. Each area keeps its views in `frontend/views/<area>.py`."""

from django.contrib.auth import views as auth_views
from django.urls import path

from frontend.views import home

app_name = "frontend"

urlpatterns = [
    path("", home.home, name="home"),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
]
