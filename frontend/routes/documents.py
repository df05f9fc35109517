"""Pages of the documents area (views in frontend/views/documents.py)."""

from django.urls import path

from frontend.views import documents as views

urlpatterns = [
    path("documents/", views.document_list, name="documents"),
    path("documents/nouveau/", views.document_create, name="document_create"),
    path("documents/<slug:slug>/", views.document_detail, name="document"),
    path("documents/<slug:slug>/modifier/", views.document_edit, name="document_edit"),
    path("documents/<slug:slug>/etat/", views.document_transition, name="document_transition"),
    path("documents/<slug:slug>/versions/", views.document_versions, name="document_versions"),
    path("documents/<slug:slug>/relecture/", views.document_review, name="document_review"),
    path(
        "documents/<slug:slug>/relecture/paragraphes/<int:index>/",
        views.remark_create,
        name="document_remark",
    ),
    path(
        "documents/<slug:slug>/remarques/<int:pk>/reponse/",
        views.remark_answer,
        name="document_remark_answer",
    ),
    path(
        "documents/<slug:slug>/pieces-jointes/",
        views.attachment_upload,
        name="document_attachment_upload",
    ),
    path(
        "documents/<slug:slug>/pieces-jointes/<int:pk>/",
        views.attachment_download,
        name="document_attachment",
    ),
    path(
        "documents/<slug:slug>/telecharger.<str:fmt>",
        views.document_export,
        name="document_export",
    ),
]
