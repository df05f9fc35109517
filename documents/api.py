"""Documents API: thin views over `documents.services` and `documents.selectors`.

Reading follows `documents.rules.can_read_document` (a document one may not read answers
404); writes are the committee's, checked by the services.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api.pagination import Pagination
from alliance.errors import NotFound
from alliance.rules import can_view_people
from alliance.textdiff import diff_stats, word_diff
from deliberation.models import Stance
from documents import exports, selectors, services
from documents.anchors import place
from documents.downloads import attachment_response
from documents.models import (
    AnswerStatus,
    Document,
    DocumentKind,
    DocumentStatus,
    Remark,
)
from documents.rules import can_manage_documents

ANSWER_STATUSES = " | ".join(AnswerStatus.values)


def readable_document(user, slug: str) -> Document:
    document = selectors.document_by_slug(user, slug)
    if document is None:
        raise NotFound(_("Document introuvable."), code="document_not_found")
    return document


class DocumentOutput(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    status = serializers.ChoiceField(choices=DocumentStatus.choices)
    is_public = serializers.BooleanField()
    review_deadline = serializers.DateTimeField(allow_null=True)
    target_type = serializers.CharField(
        source="target_reference", allow_null=True, help_text="app_label.model"
    )
    target_id = serializers.IntegerField(allow_null=True)
    version_count = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class DocumentDetailView(APIView):
    """`GET` a document and the text the caller reads; `PATCH` saves the draft with the
    `revision` the editor started from (409 `edit_conflict` when it is stale)."""

    permission_classes = [permissions.AllowAny]

    class InputSerializer(serializers.Serializer):
        revision = serializers.IntegerField(min_value=1)
        body = serializers.CharField(allow_blank=True, trim_whitespace=False)
        title = serializers.CharField(max_length=200, required=False)
        is_public = serializers.BooleanField(required=False)

    class OutputSerializer(DocumentOutput):
        """`revision` (the committee's only) is what a `PATCH` must send back; `body` is the
        text the caller reads: the working draft for the committee, else the latest version."""

        revision = serializers.IntegerField(source="reader.revision", allow_null=True)
        text_version = serializers.IntegerField(source="reader.text_version", allow_null=True)
        text_title = serializers.CharField(source="reader.text_title")
        body = serializers.CharField(source="reader.body")
        body_html = serializers.CharField(source="reader.body_html")
        paragraphs = serializers.ListField(
            source="reader.paragraphs", child=serializers.CharField()
        )

    @classmethod
    def detail(cls, user, document):
        text = selectors.reading_text(user, document)
        document.reader = {
            "revision": document.revision if can_manage_documents(user) else None,
            "text_version": text.version.number if text and text.version else None,
            "text_title": text.title if text else document.title,
            "body": text.body if text else "",
            "body_html": text.html if text else "",
            "paragraphs": [p["text"] for p in text.paragraphs] if text else [],
        }
        return cls.OutputSerializer(document).data

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request, slug):
        return Response(self.detail(request.user, readable_document(request.user, slug)))

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def patch(self, request, slug):
        document = readable_document(request.user, slug)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        services.document_update(
            actor=request.user, document=document, base_revision=values.pop("revision"), **values
        )
        return Response(self.detail(request.user, readable_document(request.user, slug)))


class DocumentListView(APIView):
    """`GET` the documents the caller may read; `POST` creates a draft (steering committee)."""

    pagination_class = Pagination  # get() paginates by hand; the schema says so

    permission_classes = [permissions.AllowAny]

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.OTHER)
        body = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)
        is_public = serializers.BooleanField(default=False)
        target_type = serializers.CharField(
            required=False, max_length=100, help_text="app_label.model, e.g. proposals.proposal"
        )
        target_id = serializers.IntegerField(required=False, min_value=1)

    class OutputSerializer(DocumentOutput):
        pass

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request):
        documents = selectors.documents_for(request.user).select_related("target_type")
        paginator = Pagination()
        page = paginator.paginate_queryset(documents.order_by("title", "pk"), request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: DocumentDetailView.OutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reference, target_id = values.pop("target_type", None), values.pop("target_id", None)
        if reference or target_id:
            values["target"] = services.target_from_reference(reference, target_id)
        document = services.document_create(actor=request.user, **values)
        document = readable_document(request.user, document.slug)
        return Response(DocumentDetailView.detail(request.user, document), status=201)


class TransitionsView(APIView):
    """Every workflow move of a document; `POST` moves it (steering committee)."""

    permission_classes = [permissions.AllowAny]

    class InputSerializer(serializers.Serializer):
        to = serializers.CharField(
            max_length=12, help_text="draft | in_review | published | superseded | archived"
        )
        deadline = serializers.DateTimeField(required=False, allow_null=True, default=None)
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        from_status = serializers.CharField()
        to_status = serializers.CharField()
        version = serializers.IntegerField(source="version.number", allow_null=True, default=None)
        by = serializers.CharField(source="by.display_name")
        at = serializers.DateTimeField()
        note = serializers.CharField()

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request, slug):
        document = readable_document(request.user, slug)
        transitions = document.transitions.select_related("by", "version")
        return Response(self.OutputSerializer(transitions, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request, slug):
        document = readable_document(request.user, slug)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        transition = services.document_transition(
            actor=request.user, document=document, **data.validated_data
        )
        return Response(self.OutputSerializer(transition).data, status=201)


class VersionOutput(serializers.Serializer):
    number = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    review_deadline = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class VersionsView(APIView):
    """The numbered versions of a document (fixed at each review and publication)."""

    permission_classes = [permissions.AllowAny]

    class OutputSerializer(VersionOutput):
        pass

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request, slug):
        document = readable_document(request.user, slug)
        return Response(self.OutputSerializer(document.versions.all(), many=True).data)


class VersionView(APIView):
    """One version: its Markdown, its HTML and its paragraphs (what remarks anchor to)."""

    permission_classes = [permissions.AllowAny]

    class OutputSerializer(VersionOutput):
        body = serializers.CharField()
        body_html = serializers.CharField()
        paragraphs = serializers.ListField(child=serializers.CharField())

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request, slug, number):
        document = readable_document(request.user, slug)
        version = document.versions.filter(number=number).first()
        if version is None:
            raise NotFound(_("Cette version n'existe pas."), code="version_not_found")
        data = self.OutputSerializer(version).data
        data["paragraphs"] = version.paragraph_texts
        return Response(data)


class DiffView(APIView):
    """Word-level diff between two versions: `?from=1&to=2`."""

    permission_classes = [permissions.AllowAny]

    class OutputSerializer(serializers.Serializer):
        class Op(serializers.Serializer):
            op = serializers.ChoiceField(choices=["equal", "insert", "delete"])
            text = serializers.CharField()

        class Stats(serializers.Serializer):
            inserted_tokens = serializers.IntegerField()
            deleted_tokens = serializers.IntegerField()

        from_version = serializers.IntegerField()
        to_version = serializers.IntegerField()
        ops = Op(many=True)
        stats = Stats()

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True),
            OpenApiParameter("to", int, required=True),
        ],
        responses={200: OutputSerializer},
    )
    def get(self, request, slug):
        document = readable_document(request.user, slug)
        old, new = selectors.versions_pair(
            document, request.query_params.get("from"), request.query_params.get("to")
        )
        ops = word_diff(old.body, new.body)
        data = {
            "from_version": old.number,
            "to_version": new.number,
            "ops": [op.as_dict() for op in ops],
            "stats": diff_stats(ops),
        }
        return Response(self.OutputSerializer(data).data)


class RemarkOutput(serializers.Serializer):
    class Answer(serializers.Serializer):
        status = serializers.CharField(help_text=ANSWER_STATUSES)
        reply = serializers.CharField()
        by = serializers.CharField(source="by.display_name")
        at = serializers.DateTimeField()

    class Placement(serializers.Serializer):
        version = serializers.IntegerField()
        state = serializers.ChoiceField(choices=["kept", "changed", "removed"])
        index = serializers.IntegerField(allow_null=True)

    id = serializers.IntegerField()
    comment = serializers.IntegerField(source="comment_id")
    version = serializers.IntegerField(source="version.number")
    paragraph_index = serializers.IntegerField()
    paragraph_text = serializers.CharField()
    body = serializers.CharField(source="comment.body")
    stance = serializers.CharField(source="comment.stance")
    organisation = serializers.CharField(
        source="comment.organisation.name", allow_null=True, default=None
    )
    author = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField(source="comment.created_at")
    answer = Answer(allow_null=True)
    placement = Placement(allow_null=True)


def remark_data(remark: Remark, *, user, latest) -> dict:
    """A remark for the API; `placement` says where it stands in the latest version."""
    placement = None
    if latest is not None:
        found = place(remark.paragraph_text, remark.paragraph_index, latest.paragraph_texts)
        placement = {"version": latest.number, "state": found.state, "index": found.index}
    comment = remark.comment
    data = {
        "id": remark.pk,
        "comment_id": comment.pk,
        "version": remark.version,
        "paragraph_index": remark.paragraph_index,
        "paragraph_text": remark.paragraph_text,
        "comment": comment,
        "author": comment.author.display_name if can_view_people(user) else None,
        "answer": getattr(remark, "answer", None),
        "placement": placement,
    }
    return RemarkOutput(data).data


class RemarksView(APIView):
    """Remarks on the document's paragraphs, with where each stands in the latest version;
    `POST` comments a paragraph of the version in review (members, until the deadline)."""

    permission_classes = [permissions.AllowAny]

    class InputSerializer(serializers.Serializer):
        paragraph = serializers.IntegerField(min_value=0)
        body = serializers.CharField(max_length=10_000)
        stance = serializers.ChoiceField(choices=Stance.choices, default=Stance.NONE)

    class OutputSerializer(RemarkOutput):
        pass

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request, slug):
        document = readable_document(request.user, slug)
        latest = selectors.latest_version(document)
        remarks = selectors.remarks_of(document)
        return Response([remark_data(r, user=request.user, latest=latest) for r in remarks])

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request, slug):
        document = readable_document(request.user, slug)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        remark = services.remark_create(
            author=request.user,
            document=document,
            paragraph_index=data.validated_data["paragraph"],
            body=data.validated_data["body"],
            stance=data.validated_data["stance"],
        )
        remark = selectors.remarks_of(document).get(pk=remark.pk)
        latest = selectors.latest_version(document)
        return Response(remark_data(remark, user=request.user, latest=latest), status=201)


class AnswerView(APIView):
    """`PUT` the committee's answer to a remark (taken into account, answered, declined)."""

    permission_classes = [permissions.IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        status = serializers.CharField(max_length=20, help_text=ANSWER_STATUSES)
        reply = serializers.CharField(allow_blank=True, default="", max_length=5000)

    class OutputSerializer(RemarkOutput.Answer):
        pass

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def put(self, request, slug, pk):
        document = readable_document(request.user, slug)
        remark = Remark.objects.filter(document=document, pk=pk).select_related("comment").first()
        if remark is None:
            raise NotFound(_("Cette remarque n'existe pas."), code="remark_not_found")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = services.remark_answer(actor=request.user, remark=remark, **data.validated_data)
        return Response(self.OutputSerializer(answer).data)


class AttachmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    created_at = serializers.DateTimeField()


class AttachmentsView(APIView):
    """Attachments of a document; `POST` (multipart `file`, optional `name`) adds one:
    at most 10 MB, PDF, ODT/ODS/ODP, DOCX/XLSX/PPTX, PNG or JPEG (checked by content)."""

    permission_classes = [permissions.AllowAny]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        name = serializers.CharField(max_length=200, required=False, default="")

    class OutputSerializer(AttachmentOutput):
        pass

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request, slug):
        document = readable_document(request.user, slug)
        return Response(self.OutputSerializer(document.attachments.all(), many=True).data)

    @extend_schema(
        request={"multipart/form-data": InputSerializer}, responses={201: OutputSerializer}
    )
    def post(self, request, slug):
        document = readable_document(request.user, slug)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            actor=request.user,
            document=document,
            upload=data.validated_data["file"],
            name=data.validated_data["name"],
        )
        return Response(self.OutputSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(APIView):
    """`GET` the file itself, for those who may read the document; `DELETE` removes it
    (steering committee)."""

    permission_classes = [permissions.AllowAny]

    def attachment(self, request, slug, pk):
        document = readable_document(request.user, slug)
        attachment = document.attachments.filter(pk=pk).first()
        if attachment is None:
            raise NotFound(_("Cette pièce jointe n'existe pas."), code="attachment_not_found")
        return attachment

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, slug, pk):
        return attachment_response(self.attachment(request, slug, pk))

    @extend_schema(responses={204: None})
    def delete(self, request, slug, pk):
        services.attachment_delete(
            actor=request.user, attachment=self.attachment(request, slug, pk)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExportView(APIView):
    """The text the caller reads (latest version, or `?version=N`) as Markdown or HTML."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=sorted(exports.FORMATS)),
            OpenApiParameter("version", int, required=False),
        ],
        responses={
            (200, "text/markdown"): OpenApiTypes.STR,
            (200, "text/html"): OpenApiTypes.STR,
        },
    )
    def get(self, request, slug, fmt):
        document = readable_document(request.user, slug)
        return exports.export_response(
            request.user, document, fmt, request.query_params.get("version")
        )
