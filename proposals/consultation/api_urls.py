from django.urls import path

from proposals.consultation import api

urlpatterns = [
    path("consultations/", api.ConsultationListView.as_view(), name="api-consultations"),
    path(
        "consultations/<slug:slug>/", api.ConsultationDetailView.as_view(), name="api-consultation"
    ),
    path(
        "consultations/<slug:slug>/axes/",
        api.ConsultationAxesView.as_view(),
        name="api-consultation-axes",
    ),
    path(
        "consultations/<slug:slug>/my-answer/",
        api.MyAnswerView.as_view(),
        name="api-consultation-my-answer",
    ),
    path(
        "consultations/<slug:slug>/answers/",
        api.AnswersView.as_view(),
        name="api-consultation-answers",
    ),
    path(
        "consultations/<slug:slug>/answers.csv",
        api.AnswersCsvView.as_view(),
        name="api-consultation-answers-csv",
    ),
    path(
        "consultations/<slug:slug>/results/",
        api.ResultsView.as_view(),
        name="api-consultation-results",
    ),
    path(
        "consultations/<slug:slug>/results.csv",
        api.ResultsCsvView.as_view(),
        name="api-consultation-results-csv",
    ),
]
