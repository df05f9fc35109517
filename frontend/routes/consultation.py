"""Pages of the consultation area (views in frontend/views/consultation.py)."""

from django.urls import path

from frontend.views import consultation

urlpatterns = [
    path("consultations/", consultation.consultation_list, name="consultations"),
    path(
        "consultations/nouvelle/",
        consultation.consultation_create,
        name="consultation-create",
    ),
    path("consultations/<slug:slug>/", consultation.consultation_detail, name="consultation"),
    path(
        "consultations/<slug:slug>/repondre/",
        consultation.consultation_answer,
        name="consultation-answer",
    ),
    path(
        "consultations/<slug:slug>/saisie-territoriale/",
        consultation.consultation_territorial,
        name="consultation-territorial",
    ),
    path(
        "consultations/<slug:slug>/resultats/",
        consultation.consultation_results,
        name="consultation-results",
    ),
]
