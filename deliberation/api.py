"""Debate API: threads, comments, reactions, moderation, follows, notifications, search.

Thin views: serializers validate and shape, services write, selectors read.
"""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api.pagination import OneQueryPagination
from alliance.errors import InvalidInput, NotAllowed
from deliberation import rules, selectors, services
from deliberation.comment_pages import ThreadCommentPages
from deliberation.models import (
    Comment,
    NotificationFrequency,
    ReactionKind,
    Stance,
    Thread,
)

# --- Shared output shapes -----------------------------------------------------------------------


class PersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class NetworkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class OrganisationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    networks = NetworkOutput(many=True, source="networks.all")


class ReactionCountsOutput(serializers.Serializer):
    agree = serializers.IntegerField(source="agree_count", default=0)
    disagree = serializers.IntegerField(source="disagree_count", default=0)
    pass_ = serializers.IntegerField(source="pass_count", default=0)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["pass"] = data.pop("pass_")
        return data


class CommentOutput(serializers.Serializer):
    """A comment; the text of a hidden or deleted one is never sent."""

    id = serializers.IntegerField()
    thread = serializers.IntegerField(source="thread_id")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    depth = serializers.IntegerField()
    author = PersonOutput()
    organisation = OrganisationOutput(allow_null=True)
    stance = serializers.ChoiceField(choices=Stance.choices)
    is_point = serializers.BooleanField()
    status = serializers.CharField()
    body = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField()
    moderation_reason = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    reactions = ReactionCountsOutput(source="*")

    def get_body(self, comment) -> str | None:
        return comment.body if comment.is_visible else None

    def get_body_html(self, comment) -> str | None:
        return comment.body_html if comment.is_visible else None

    def get_moderation_reason(self, comment) -> str | None:
        return comment.moderation_reason or None


class ThreadOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    content_type = serializers.SerializerMethodField()
    object_id = serializers.IntegerField()
    is_open = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    def get_content_type(self, thread) -> str:
        content_type = ContentType.objects.get_for_id(thread.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"


def _thread(user, thread_id: int) -> Thread:
    """A thread whose object `user` may see; any other answers 404 like an unknown one."""
    return get_object_or_404(selectors.visible_threads(user), pk=thread_id)


def _comment(user, comment_id: int, comments=Comment.objects) -> Comment:
    """A comment of a thread whose object `user` may see; any other answers 404 like an
    unknown one (moderators act through `_moderated` on any comment)."""
    return get_object_or_404(
        comments.filter(thread__in=selectors.visible_threads(user)), pk=comment_id
    )


def _moderated(comment_id: int) -> Comment:
    return get_object_or_404(Comment, pk=comment_id)


def _shown(comment: Comment) -> dict:
    return CommentOutput(Comment.objects.for_display().get(pk=comment.pk)).data


class ReaderPermission(permissions.BasePermission):
    """Debates show people's names: signed-in people only."""

    def has_permission(self, request, view):
        return rules.can_read_debates(request.user)


# --- Threads --------------------------------------------------------------------------------------


class ThreadListView(GenericAPIView):
    """Threads, the most recently active first; `?content_type=proposals.proposal&object_id=`
    finds the thread of one object."""

    permission_classes = [ReaderPermission]
    serializer_class = ThreadOutput

    @extend_schema(
        parameters=[
            OpenApiParameter("content_type", str, description="app_label.model"),
            OpenApiParameter("object_id", int),
        ],
        responses={200: ThreadOutput(many=True)},
    )
    def get(self, request):
        threads = selectors.visible_threads(request.user).order_by("-pk")
        label = request.query_params.get("content_type")
        if label:
            app_label, _dot, model = label.partition(".")
            content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
            if content_type is None:
                raise InvalidInput(_("Type d'objet inconnu."), code="unknown_content_type")
            threads = threads.filter(content_type=content_type)
        object_id = request.query_params.get("object_id")
        if object_id is not None:
            if not object_id.isdigit():
                raise InvalidInput(
                    _("« object_id » doit être un entier."), code="invalid_object_id"
                )
            threads = threads.filter(object_id=int(object_id))
        page = self.paginate_queryset(threads)
        return self.get_paginated_response(ThreadOutput(page, many=True).data)


class ThreadDetailView(APIView):
    permission_classes = [ReaderPermission]

    @extend_schema(responses={200: ThreadOutput})
    def get(self, request, thread_id: int):
        return Response(ThreadOutput(_thread(request.user, thread_id)).data)


class ThreadCommentsView(GenericAPIView):
    """A thread's comments in order of writing, paginated (2 queries a page: the page with
    the total, then its networks); POST writes one."""

    permission_classes = [ReaderPermission]
    serializer_class = CommentOutput

    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(trim_whitespace=False, allow_blank=True)
        stance = serializers.CharField(required=False, default=Stance.NONE)
        parent = serializers.IntegerField(required=False, allow_null=True)

    pagination_class = OneQueryPagination

    @extend_schema(responses={200: CommentOutput(many=True)})
    def get(self, request, thread_id: int):
        if not selectors.visible_threads(request.user).filter(pk=thread_id).exists():
            raise Http404  # unknown, or its object hidden from this person: the same answer
        page = self.paginate_queryset(ThreadCommentPages(thread_id))
        return self.get_paginated_response(page)  # already in CommentOutput's shape

    @extend_schema(request=InputSerializer, responses={201: CommentOutput})
    def post(self, request, thread_id: int):
        thread = _thread(request.user, thread_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent = None
        if data.validated_data.get("parent") is not None:
            parent = get_object_or_404(Comment, pk=data.validated_data["parent"])
        comment = services.comment_create(
            author=request.user,
            thread=thread,
            parent=parent,
            body=data.validated_data["body"],
            stance=data.validated_data["stance"],
        )
        return Response(_shown(comment), status=status.HTTP_201_CREATED)


# --- Comments -------------------------------------------------------------------------------------


class CommentDetailView(APIView):
    permission_classes = [ReaderPermission]

    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(trim_whitespace=False, allow_blank=True)
        stance = serializers.CharField(required=False)

    @extend_schema(responses={200: CommentOutput})
    def get(self, request, comment_id: int):
        return Response(
            CommentOutput(_comment(request.user, comment_id, Comment.objects.for_display())).data
        )

    @extend_schema(request=InputSerializer, responses={200: CommentOutput})
    def patch(self, request, comment_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_edit(
            editor=request.user,
            comment=_comment(request.user, comment_id),
            body=data.validated_data["body"],
            stance=data.validated_data.get("stance"),
        )
        return Response(_shown(comment))

    @extend_schema(responses={204: None})
    def delete(self, request, comment_id: int):
        services.comment_delete(author=request.user, comment=_comment(request.user, comment_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentRevisionsView(APIView):
    """The earlier texts of a comment (not of a hidden or deleted one)."""

    permission_classes = [ReaderPermission]

    class OutputSerializer(serializers.Serializer):
        body = serializers.CharField()
        stance = serializers.CharField()
        edited_by = serializers.IntegerField(source="edited_by_id")
        created_at = serializers.DateTimeField()

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request, comment_id: int):
        comment = _comment(request.user, comment_id)
        if not comment.is_visible:
            raise NotAllowed(_("Ce commentaire n'est plus affiché."), code="comment_not_visible")
        return Response(self.OutputSerializer(comment.revisions.all(), many=True).data)


class ReactionView(APIView):
    """PUT `{"kind": "agree" | "disagree" | "pass"}` sets my reaction; DELETE withdraws it."""

    permission_classes = [ReaderPermission]

    class InputSerializer(serializers.Serializer):
        kind = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        comment = serializers.IntegerField()
        kind = serializers.ChoiceField(choices=ReactionKind.choices, allow_null=True)
        counts = serializers.DictField(child=serializers.IntegerField())

    def _answer(self, comment_id: int, kind):
        from deliberation.live import reaction_counts

        return Response(
            self.OutputSerializer(
                {"comment": comment_id, "kind": kind, "counts": reaction_counts(comment_id)}
            ).data
        )

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def put(self, request, comment_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reaction = services.reaction_set(
            person=request.user,
            comment=_comment(request.user, comment_id),
            kind=data.validated_data["kind"],
        )
        return self._answer(comment_id, reaction.kind)

    @extend_schema(request=None, responses={200: OutputSerializer})
    def delete(self, request, comment_id: int):
        services.reaction_clear(person=request.user, comment=_comment(request.user, comment_id))
        return self._answer(comment_id, None)


# --- Moderation -----------------------------------------------------------------------------------


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False)


class ReportOutput(serializers.Serializer):
    id = serializers.IntegerField()
    comment = serializers.IntegerField(source="comment_id")
    reporter = serializers.IntegerField(source="reporter_id")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class CommentReportView(APIView):
    """Report a comment to the moderators, with a reason."""

    permission_classes = [ReaderPermission]

    @extend_schema(request=ReasonInput, responses={201: ReportOutput})
    def post(self, request, comment_id: int):
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.comment_report(
            reporter=request.user,
            comment=_comment(request.user, comment_id),
            reason=data.validated_data["reason"],
        )
        return Response(ReportOutput(report).data, status=status.HTTP_201_CREATED)


class ModeratorPermission(permissions.BasePermission):
    message = _("Seul le secrétariat modère les débats.")

    def has_permission(self, request, view):
        return rules.can_moderate(request.user)


class ReportListView(GenericAPIView):
    """Open reports, for the moderators."""

    permission_classes = [ModeratorPermission]
    serializer_class = ReportOutput

    @extend_schema(responses={200: ReportOutput(many=True)})
    def get(self, request):
        page = self.paginate_queryset(selectors.open_reports())
        return self.get_paginated_response(ReportOutput(page, many=True).data)


class ModerationView(APIView):
    """POST with a reason: `hide`, `unhide` or `dismiss` (close the open reports)."""

    permission_classes = [ModeratorPermission]
    act = "hide"

    @extend_schema(request=ReasonInput, responses={200: CommentOutput})
    def post(self, request, comment_id: int):
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        comment, reason = _moderated(comment_id), data.validated_data["reason"]
        if self.act == "hide":
            services.comment_hide(moderator=request.user, comment=comment, reason=reason)
        elif self.act == "unhide":
            services.comment_unhide(moderator=request.user, comment=comment, reason=reason)
        else:
            services.reports_dismiss(moderator=request.user, comment=comment, reason=reason)
        return Response(_shown(comment))


class ModerationLogView(GenericAPIView):
    permission_classes = [ModeratorPermission]

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        comment = serializers.IntegerField(source="comment_id")
        moderator = PersonOutput()
        kind = serializers.CharField()
        reason = serializers.CharField()
        created_at = serializers.DateTimeField()

    serializer_class = OutputSerializer

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request):
        page = self.paginate_queryset(selectors.moderation_log())
        return self.get_paginated_response(self.OutputSerializer(page, many=True).data)


# --- Follows --------------------------------------------------------------------------------------


class FollowOutput(serializers.Serializer):
    id = serializers.IntegerField()
    content_type = serializers.SerializerMethodField()
    object_id = serializers.IntegerField()
    created_at = serializers.DateTimeField()

    def get_content_type(self, follow) -> str:
        return f"{follow.content_type.app_label}.{follow.content_type.model}"


class FollowListView(GenericAPIView):
    """What I follow (proposals, documents...): new comments on them notify me."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = FollowOutput

    @extend_schema(responses={200: FollowOutput(many=True)})
    def get(self, request):
        page = self.paginate_queryset(selectors.follows_of(request.user))
        return self.get_paginated_response(FollowOutput(page, many=True).data)


class ThreadFollowView(APIView):
    """PUT follows the object a thread is about; DELETE stops following it."""

    permission_classes = [ReaderPermission]

    class OutputSerializer(serializers.Serializer):
        following = serializers.BooleanField()

    def _target(self, thread_id: int):
        target = _thread(self.request.user, thread_id).target
        if target is None:
            raise InvalidInput(
                _("Ce débat n'est rattaché à rien qu'on puisse suivre."), code="no_target"
            )
        return target

    @extend_schema(request=None, responses={200: OutputSerializer})
    def put(self, request, thread_id: int):
        services.follow(person=request.user, target=self._target(thread_id))
        return Response({"following": True})

    @extend_schema(request=None, responses={200: OutputSerializer})
    def delete(self, request, thread_id: int):
        services.unfollow(person=request.user, target=self._target(thread_id))
        return Response({"following": False})


# --- Notifications --------------------------------------------------------------------------------


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NotificationListView(GenericAPIView):
    """My notifications, newest first; `?unread=1` for the unread ones only."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NotificationOutput

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL)],
        responses={200: NotificationOutput(many=True)},
    )
    def get(self, request):
        notifications = selectors.notifications_of(request.user)
        if request.query_params.get("unread") in {"1", "true"}:
            notifications = notifications.filter(read_at=None)
        page = self.paginate_queryset(notifications)
        return self.get_paginated_response(NotificationOutput(page, many=True).data)


class UnreadCountView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={200: inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})}
    )
    def get(self, request):
        return Response({"unread": selectors.unread_count(request.user)})


class MarkReadView(APIView):
    """`{"ids": [...]}` marks those read; `{}` marks them all."""

    permission_classes = [permissions.IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1), required=False, max_length=1000
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})},
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.notifications_mark_read(
            person=request.user, ids=data.validated_data.get("ids")
        )
        return Response({"marked": marked})


class PreferenceView(APIView):
    """How often I get e-mails: immediate, daily (digest) or off."""

    permission_classes = [permissions.IsAuthenticated]

    class Serializer(serializers.Serializer):
        email_frequency = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        email_frequency = serializers.ChoiceField(choices=NotificationFrequency.choices)

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request):
        return Response({"email_frequency": selectors.email_frequency_of(request.user)})

    @extend_schema(request=Serializer, responses={200: OutputSerializer})
    def put(self, request):
        data = self.Serializer(data=request.data)
        data.is_valid(raise_exception=True)
        preference = services.notification_preference_set(
            person=request.user, email_frequency=data.validated_data["email_frequency"]
        )
        return Response({"email_frequency": preference.email_frequency})


# --- Search ---------------------------------------------------------------------------------------


class SearchView(GenericAPIView):
    """Visible comments matching `?q=` (French full text on PostgreSQL)."""

    permission_classes = [ReaderPermission]
    serializer_class = CommentOutput

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True)],
        responses={200: CommentOutput(many=True)},
    )
    def get(self, request):
        text = request.query_params.get("q", "").strip()
        if not text:
            raise InvalidInput(_("Indiquez les mots recherchés."), code="search_empty")
        if len(text) > selectors.SEARCH_MAX_LENGTH:
            raise InvalidInput(_("Recherche trop longue."), code="search_too_long")
        page = self.paginate_queryset(
            selectors.search_comments(text, request.user).with_reaction_counts()
        )
        return self.get_paginated_response(CommentOutput(page, many=True).data)
