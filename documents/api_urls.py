from django.urls import path

from documents import api

urlpatterns = [
    path("documents/", api.DocumentListView.as_view(), name="api-documents"),
    path("documents/<slug:slug>/", api.DocumentDetailView.as_view(), name="api-document"),
    path(
        "documents/<slug:slug>/transitions/",
        api.TransitionsView.as_view(),
        name="api-document-transitions",
    ),
    path(
        "documents/<slug:slug>/versions/", api.VersionsView.as_view(), name="api-document-versions"
    ),
    path(
        "documents/<slug:slug>/versions/<int:number>/",
        api.VersionView.as_view(),
        name="api-document-version",
    ),
    path("documents/<slug:slug>/diff/", api.DiffView.as_view(), name="api-document-diff"),
    path("documents/<slug:slug>/remarks/", api.RemarksView.as_view(), name="api-document-remarks"),
    path(
        "documents/<slug:slug>/remarks/<int:pk>/answer/",
        api.AnswerView.as_view(),
        name="api-document-remark-answer",
    ),
    path(
        "documents/<slug:slug>/attachments/",
        api.AttachmentsView.as_view(),
        name="api-document-attachments",
    ),
    path(
        "documents/<slug:slug>/attachments/<int:pk>/",
        api.AttachmentDownloadView.as_view(),
        name="api-document-attachment",
    ),
    path(
        "documents/<slug:slug>/export.<str:fmt>",
        api.ExportView.as_view(),
        name="api-document-export",
    ),
]
