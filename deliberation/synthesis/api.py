"""Synthesis API: the synthesis of a thread, its opinion groups, points and pins."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from deliberation.models import Comment, PinKind, SynthesisPin, Thread
from deliberation.selectors import visible_threads
from deliberation.synthesis import selectors, services

ERROR = "`{code, message, details}`"
READ_ERRORS = {404: OpenApiResponse(description=f"{ERROR}: `not_found`.")}
WRITE_ERRORS = {
    400: OpenApiResponse(description=f"{ERROR}: invalid input (`invalid`, ...)."),
    401: OpenApiResponse(description=f"{ERROR}: `not_authenticated`."),
    403: OpenApiResponse(description=f"{ERROR}: `not_allowed`."),
    404: OpenApiResponse(description=f"{ERROR}: `not_found`."),
}


class CountsSerializer(serializers.Serializer):
    """Reactions to a point; `small` means too few for a rate: show the counts."""

    def get_fields(self):
        return {
            "agree": serializers.IntegerField(),
            "disagree": serializers.IntegerField(),
            "pass": serializers.IntegerField(),
            "seen": serializers.IntegerField(),
            "agreement_rate": serializers.FloatField(allow_null=True),
            "smoothed_agreement": serializers.FloatField(),
            "small": serializers.BooleanField(),
        }


class GroupCountsSerializer(CountsSerializer):
    def get_fields(self):
        return {
            "group": serializers.CharField(help_text="A network id, or `outside`."),
            **super().get_fields(),
        }


class OrganisationCountsSerializer(CountsSerializer):
    def get_fields(self):
        return {
            "organisation": serializers.IntegerField(),
            "name": serializers.CharField(),
            **super().get_fields(),
        }


class RepresentativeSerializer(serializers.Serializer):
    point = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=["agree", "disagree"])
    group_rate = serializers.FloatField()
    rest_rate = serializers.FloatField()
    ratio = serializers.FloatField()


class OpinionGroupSerializer(serializers.Serializer):
    label = serializers.CharField()
    size = serializers.IntegerField()
    contains_viewer = serializers.BooleanField()
    representative = RepresentativeSerializer(many=True)


class ProjectedPersonSerializer(serializers.Serializer):
    x = serializers.FloatField()
    y = serializers.FloatField()
    group = serializers.CharField(allow_null=True)


class OpinionGroupsSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField()
    people_count = serializers.IntegerField()
    points_count = serializers.IntegerField()
    reactions_count = serializers.IntegerField()
    silhouette = serializers.FloatField(allow_null=True)
    groups = OpinionGroupSerializer(many=True)
    projection = ProjectedPersonSerializer(many=True)


class PinSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    comment = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PinKind.choices)
    summary = serializers.CharField()
    summary_html = serializers.CharField()
    order = serializers.IntegerField()
    pinned_by = serializers.CharField(
        allow_null=True, help_text="Who pinned it; null for the public, who sees no names."
    )
    updated_at = serializers.DateTimeField()


class SynthesisGroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="A network id, or `outside` for CAEs in no network.")
    label = serializers.CharField()
    name = serializers.CharField()


class SynthesisPointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    body_html = serializers.CharField()
    stance = serializers.CharField()
    organisation = serializers.IntegerField(allow_null=True)
    url = serializers.CharField(help_text="The point in its debate.")
    overall = CountsSerializer()
    by_group = GroupCountsSerializer(many=True)
    by_organisation = OrganisationCountsSerializer(many=True)
    consensus = serializers.FloatField(help_text="Product over groups of (agree+1)/(seen+2).")
    spread = serializers.FloatField(help_text="max - min of the groups' smoothed agreement.")
    is_convergence = serializers.BooleanField()
    is_divergence = serializers.BooleanField()


def _thread(user, thread_id: int) -> Thread:
    """A thread whose object `user` may see (anonymous visitors too: the synthesis shows no
    names); any other answers 404 like an unknown one."""
    return get_object_or_404(visible_threads(user), pk=thread_id)


class ThreadSynthesisView(APIView):
    """The synthesis of a thread: its points with counts overall, per network and per CAE,
    convergences ranked by group-informed consensus, divergences ranked by the spread of
    agreement between networks, the pinned entries and the opinion groups."""

    class OutputSerializer(serializers.Serializer):
        thread = serializers.IntegerField()
        title = serializers.CharField()
        groups = SynthesisGroupSerializer(many=True)
        points = SynthesisPointSerializer(many=True)
        convergences = serializers.ListField(child=serializers.IntegerField())
        divergences = serializers.ListField(child=serializers.IntegerField())
        pins = PinSerializer(many=True)
        opinion_groups = OpinionGroupsSerializer(allow_null=True)

    @extend_schema(responses={200: OutputSerializer, **READ_ERRORS})
    def get(self, request, thread_id: int):
        synthesis = selectors.thread_synthesis(
            thread=_thread(request.user, thread_id), viewer=request.user
        )
        return Response(self.OutputSerializer(selectors.synthesis_data(synthesis)).data)


class ThreadOpinionGroupsView(APIView):
    """The stored opinion groups of a thread (PCA and k-means over the reactions to its
    points); `null` before the first computation."""

    class OutputSerializer(serializers.Serializer):
        thread = serializers.IntegerField()
        opinion_groups = OpinionGroupsSerializer(allow_null=True)

    @extend_schema(responses={200: OutputSerializer, **READ_ERRORS})
    def get(self, request, thread_id: int):
        thread = _thread(request.user, thread_id)
        view = selectors.thread_opinion_groups(thread=thread, viewer=request.user)
        data = {"thread": thread.pk, "opinion_groups": selectors.opinion_groups_data(view)}
        return Response(self.OutputSerializer(data).data)


class CommentPointView(APIView):
    """`POST` marks a comment as a point of the synthesis, `DELETE` unmarks it (and unpins
    it): its author or a facilitator."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="pk")
        thread = serializers.IntegerField(source="thread_id")
        is_point = serializers.BooleanField()

    def _mark(self, request, comment_id: int, is_point: bool):
        comment = get_object_or_404(Comment, pk=comment_id)
        comment = services.point_mark(actor=request.user, comment=comment, is_point=is_point)
        return Response(self.OutputSerializer(comment).data)

    @extend_schema(request=None, responses={200: OutputSerializer, **WRITE_ERRORS})
    def post(self, request, comment_id: int):
        return self._mark(request, comment_id, True)

    @extend_schema(request=None, responses={200: OutputSerializer, **WRITE_ERRORS})
    def delete(self, request, comment_id: int):
        return self._mark(request, comment_id, False)


class ThreadPinsView(APIView):
    """`POST` pins a point into the synthesis with an editorial summary (Markdown), or
    updates the summary of a pinned point: steering committee only."""

    class InputSerializer(serializers.Serializer):
        comment = serializers.IntegerField()
        summary = serializers.CharField(max_length=services.SUMMARY_MAX_LENGTH)
        kind = serializers.ChoiceField(choices=PinKind.choices, default=PinKind.OTHER)

    @extend_schema(request=InputSerializer, responses={201: PinSerializer, **WRITE_ERRORS})
    def post(self, request, thread_id: int):
        thread = _thread(request.user, thread_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = get_object_or_404(Comment, pk=data.validated_data["comment"], thread=thread)
        pin = services.synthesis_pin(
            actor=request.user,
            comment=comment,
            summary=data.validated_data["summary"],
            kind=data.validated_data["kind"],
        )
        return Response(PinSerializer(selectors.pin_data(pin)).data, status=201)


class ThreadPinView(APIView):
    """`DELETE` takes a pinned entry out of the synthesis: steering committee only."""

    @extend_schema(responses={204: None, **WRITE_ERRORS})
    def delete(self, request, thread_id: int, pin_id: int):
        pin = get_object_or_404(SynthesisPin, pk=pin_id, thread_id=thread_id)
        services.synthesis_unpin(actor=request.user, pin=pin)
        return Response(status=204)
