"""API of proposals, versions, amendments, workshop notes and network positions.

Thin views: serializers validate and shape, services write, selectors read. Errors keep the
one shape `{"code", "message", "details"}` (see `alliance.api.errors`).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance import rules
from alliance.api.pagination import Pagination
from alliance.api_views import NetworkRefSerializer, OrganisationRefSerializer
from alliance.errors import NotFound
from alliance.models import Network
from proposals.models import (
    AmendmentStatus,
    NoteKind,
    Position,
    Process,
    ProposalStatus,
    WorkshopNote,
)
from proposals.scenarios import selectors, services
from proposals.scenarios.export import workshop_notes_csv

# --- Shared output shapes -------------------------------------------------------------------------


class AuthorRef(serializers.Serializer):
    """A person, named only to signed-in callers (`alliance.rules.can_view_people`)."""

    id = serializers.IntegerField()
    display_name = serializers.CharField()

    def to_representation(self, person):
        if not self.context.get("show_people"):
            return None
        return super().to_representation(person)


class ProcessRef(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class ProposalOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.ChoiceField(choices=ProposalStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    process = ProcessRef(allow_null=True)
    by_steering_committee = serializers.BooleanField()
    author_organisation = OrganisationRefSerializer(allow_null=True)
    current_version = serializers.IntegerField()
    url = serializers.CharField(source="get_absolute_url")


class ProposalListOutput(ProposalOutput):
    pending_amendments = serializers.IntegerField()
    note_count = serializers.IntegerField()
    position_count = serializers.IntegerField()


class ProposalDetailOutput(ProposalOutput):
    body = serializers.CharField()
    body_html = serializers.CharField()
    author = AuthorRef(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class VersionOutput(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    body = serializers.CharField()
    body_html = serializers.CharField()
    note = serializers.CharField()
    author = AuthorRef(allow_null=True)
    amendment = serializers.IntegerField(source="amendment_id", allow_null=True)
    created_at = serializers.DateTimeField()


class AmendmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    proposal = serializers.IntegerField(source="proposal_id")
    base_version = serializers.IntegerField(source="base_version.number")
    paragraph_index = serializers.IntegerField(allow_null=True)
    original_text = serializers.CharField()
    replacement_text = serializers.CharField()
    rationale = serializers.CharField()
    author = AuthorRef(allow_null=True)
    organisation = OrganisationRefSerializer()
    status = serializers.ChoiceField(choices=AmendmentStatus.choices)
    decided_by = AuthorRef(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    resulting_version = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_resulting_version(self, amendment) -> int | None:
        version = getattr(amendment, "resulting_version", None)
        return version.number if version else None


class NoteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=NoteKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    text = serializers.CharField()
    session = serializers.CharField()
    organisation = OrganisationRefSerializer(allow_null=True)
    author = AuthorRef(allow_null=True)
    endorsement_count = serializers.IntegerField()
    endorsed_by_me = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class PositionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    network = NetworkRefSerializer()
    position = serializers.ChoiceField(choices=Position.choices)
    position_label = serializers.CharField(source="get_position_display")
    statement = serializers.CharField()
    statement_html = serializers.CharField()
    author = AuthorRef(allow_null=True)
    is_current = serializers.BooleanField()
    created_at = serializers.DateTimeField()


def shaped(serializer_class, instance, request, **kwargs):
    context = {"show_people": rules.can_view_people(request.user)}
    return serializer_class(instance, context=context, **kwargs).data


def paginated(view, queryset, serializer_class):
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    return paginator.get_paginated_response(shaped(serializer_class, page, view.request, many=True))


def filters(view, request) -> dict:
    """The view's query parameters, validated by its FilterSerializer (bad ones answer 400)."""
    serializer = view.FilterSerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def proposal_for(request, pk):
    return selectors.proposal_get(user=request.user, pk=pk)


# --- Proposals ------------------------------------------------------------------------------------


class ProposalListView(APIView):
    """Proposals the caller may see (drafts only for the steering committee and their CAE)."""

    pagination_class = Pagination  # get() paginates by hand; the schema says so

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        summary = serializers.CharField(max_length=1000, required=False, allow_blank=True)
        body = serializers.CharField(max_length=100_000)
        process = serializers.SlugField(required=False, allow_null=True)
        by_steering_committee = serializers.BooleanField(default=False)

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=ProposalStatus.choices, required=False)
        process = serializers.SlugField(required=False, help_text="Identifiant du processus")

    @extend_schema(parameters=[FilterSerializer], responses={200: ProposalListOutput(many=True)})
    def get(self, request):
        queryset = selectors.proposal_list(user=request.user, **filters(self, request))
        return paginated(self, queryset, ProposalListOutput)

    @extend_schema(request=InputSerializer, responses={201: ProposalDetailOutput})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        process_slug = values.pop("process", None)
        process = None
        if process_slug:
            process = Process.objects.filter(slug=process_slug).first()
            if process is None:
                raise NotFound(code="process_not_found")
        proposal = services.proposal_create(actor=request.user, process=process, **values)
        return Response(shaped(ProposalDetailOutput, proposal, request), status=201)


class ProposalDetailView(APIView):
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False)
        summary = serializers.CharField(max_length=1000, required=False, allow_blank=True)
        body = serializers.CharField(max_length=100_000, required=False)
        note = serializers.CharField(max_length=300, required=False, allow_blank=True)
        expected_version = serializers.IntegerField(required=False, min_value=1)

    @extend_schema(responses={200: ProposalDetailOutput})
    def get(self, request, pk):
        return Response(shaped(ProposalDetailOutput, proposal_for(request, pk), request))

    @extend_schema(
        request=InputSerializer,
        responses={200: ProposalDetailOutput},
        description="Chaque modification crée une nouvelle version.",
    )
    def patch(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = proposal_for(request, pk)
        services.proposal_update(actor=request.user, proposal=proposal, **data.validated_data)
        return Response(shaped(ProposalDetailOutput, proposal_for(request, pk), request))


class ProposalStatusView(APIView):
    """The steering committee moves a proposal through its statuses."""

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=ProposalStatus.choices)

    @extend_schema(request=InputSerializer, responses={200: ProposalDetailOutput})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = proposal_for(request, pk)
        services.proposal_set_status(
            actor=request.user, proposal=proposal, status=data.validated_data["status"]
        )
        return Response(shaped(ProposalDetailOutput, proposal_for(request, pk), request))


# --- Versions --------------------------------------------------------------------------------------


class VersionListView(APIView):
    pagination_class = Pagination  # get() paginates by hand; the schema says so

    @extend_schema(responses={200: VersionOutput(many=True)})
    def get(self, request, pk):
        return paginated(self, selectors.version_list(proposal_for(request, pk)), VersionOutput)


class VersionDetailView(APIView):
    @extend_schema(responses={200: VersionOutput})
    def get(self, request, pk, number):
        version = selectors.version_get(proposal=proposal_for(request, pk), number=number)
        return Response(shaped(VersionOutput, version, request))


class DiffView(APIView):
    """Word-level differences between two versions (`from` and `to`, numbers)."""

    class OutputSerializer(serializers.Serializer):
        class Op(serializers.Serializer):
            op = serializers.ChoiceField(choices=["equal", "insert", "delete"])
            text = serializers.CharField()

        class Stats(serializers.Serializer):
            inserted_tokens = serializers.IntegerField()
            deleted_tokens = serializers.IntegerField()

        from_version = serializers.IntegerField(source="from_version.number")
        to_version = serializers.IntegerField(source="to_version.number")
        title = Op(many=True, source="title_ops")
        summary = Op(many=True, source="summary_ops")
        body = Op(many=True, source="body_ops")
        body_html = serializers.CharField(help_text="HTML échappé avec <ins> et <del>.")
        stats = Stats()

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True, description="Version de départ"),
            OpenApiParameter("to", int, required=True, description="Version d'arrivée"),
        ],
        responses={200: OutputSerializer},
    )
    def get(self, request, pk):
        proposal = proposal_for(request, pk)
        diff = selectors.version_diff(
            proposal=proposal,
            from_number=selectors.parse_version_number(
                request.query_params.get("from"), field="from"
            ),
            to_number=selectors.parse_version_number(request.query_params.get("to"), field="to"),
        )
        return Response(self.OutputSerializer(diff).data)


# --- Amendments ------------------------------------------------------------------------------------


class AmendmentListView(APIView):
    pagination_class = Pagination  # get() paginates by hand; the schema says so

    class InputSerializer(serializers.Serializer):
        replacement_text = serializers.CharField(max_length=100_000)
        rationale = serializers.CharField(max_length=5000)
        paragraph_index = serializers.IntegerField(
            required=False, allow_null=True, min_value=0, help_text="Vide : tout le texte."
        )
        base_version = serializers.IntegerField(required=False, min_value=1)

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=AmendmentStatus.choices, required=False)

    @extend_schema(parameters=[FilterSerializer], responses={200: AmendmentOutput(many=True)})
    def get(self, request, pk):
        queryset = selectors.amendment_list(
            proposal=proposal_for(request, pk), **filters(self, request)
        )
        return paginated(self, queryset, AmendmentOutput)

    @extend_schema(request=InputSerializer, responses={201: AmendmentOutput})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        amendment = services.amendment_create(
            actor=request.user, proposal=proposal_for(request, pk), **data.validated_data
        )
        amendment = selectors.amendment_get(user=request.user, pk=amendment.pk)
        return Response(shaped(AmendmentOutput, amendment, request), status=201)


class AmendmentDetailView(APIView):
    @extend_schema(responses={200: AmendmentOutput})
    def get(self, request, pk):
        return Response(
            shaped(AmendmentOutput, selectors.amendment_get(user=request.user, pk=pk), request)
        )


class AmendmentDecisionInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class AmendmentAcceptView(APIView):
    """The steering committee accepts: a new version records the amendment."""

    InputSerializer = AmendmentDecisionInput

    @extend_schema(request=AmendmentDecisionInput, responses={200: AmendmentOutput})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        amendment = selectors.amendment_get(user=request.user, pk=pk)
        services.amendment_accept(
            actor=request.user, amendment=amendment, reason=data.validated_data.get("reason", "")
        )
        return Response(
            shaped(AmendmentOutput, selectors.amendment_get(user=request.user, pk=pk), request)
        )


class AmendmentRejectView(APIView):
    """The steering committee rejects, with a reason."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=5000)

    @extend_schema(request=InputSerializer, responses={200: AmendmentOutput})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        amendment = selectors.amendment_get(user=request.user, pk=pk)
        services.amendment_reject(
            actor=request.user, amendment=amendment, reason=data.validated_data["reason"]
        )
        return Response(
            shaped(AmendmentOutput, selectors.amendment_get(user=request.user, pk=pk), request)
        )


class AmendmentWithdrawView(APIView):
    """The CAE that proposed it withdraws it."""

    @extend_schema(request=None, responses={200: AmendmentOutput})
    def post(self, request, pk):
        amendment = selectors.amendment_get(user=request.user, pk=pk)
        services.amendment_withdraw(actor=request.user, amendment=amendment)
        return Response(
            shaped(AmendmentOutput, selectors.amendment_get(user=request.user, pk=pk), request)
        )


# --- Workshop notes ---------------------------------------------------------------------------------


class NoteListView(APIView):
    """Brakes, fears, levers and strengths of a scenario, most endorsed first in each kind."""

    pagination_class = Pagination  # get() paginates by hand; the schema says so

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=NoteKind.choices)
        text = serializers.CharField(max_length=1000)
        session = serializers.CharField(
            max_length=200,
            required=False,
            allow_blank=True,
            help_text="Nom de l'atelier (animateur·rices) ; vide : note de votre CAE.",
        )

    class FilterSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=NoteKind.choices, required=False)

    @extend_schema(parameters=[FilterSerializer], responses={200: NoteOutput(many=True)})
    def get(self, request, pk):
        queryset = selectors.workshop_notes(
            proposal=proposal_for(request, pk), user=request.user, **filters(self, request)
        )
        return paginated(self, queryset, NoteOutput)

    @extend_schema(request=InputSerializer, responses={201: NoteOutput})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = proposal_for(request, pk)
        note = services.workshop_note_create(
            actor=request.user, proposal=proposal, **data.validated_data
        )
        note = selectors.workshop_notes(proposal=proposal, user=request.user).get(pk=note.pk)
        return Response(shaped(NoteOutput, note, request), status=201)


class NoteCsvView(APIView):
    """The notes of a scenario as CSV: UTF-8 with a BOM, `;` separated (Excel in French)."""

    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request, pk):
        proposal = proposal_for(request, pk)
        return workshop_notes_csv(proposal, user=request.user)


class NoteEndorsementView(APIView):
    """A CAE's +1 on a note: POST to endorse, DELETE to take it back (both idempotent)."""

    class OutputSerializer(serializers.Serializer):
        endorsed = serializers.BooleanField()
        endorsement_count = serializers.IntegerField()

    def _answer(self, request, pk, endorsed: bool):
        note = get_object_or_404(WorkshopNote.objects.select_related("proposal"), pk=pk)
        proposal_for(request, note.proposal_id)
        state = services.note_endorse(actor=request.user, note=note, endorsed=endorsed)
        return Response(
            self.OutputSerializer(
                {"endorsed": state, "endorsement_count": note.endorsements.count()}
            ).data
        )

    @extend_schema(request=None, responses={200: OutputSerializer})
    def post(self, request, pk):
        return self._answer(request, pk, True)

    @extend_schema(request=None, responses={200: OutputSerializer})
    def delete(self, request, pk):
        return self._answer(request, pk, False)


# --- Network positions --------------------------------------------------------------------------------


class PositionListView(APIView):
    """The current position of each network on a proposal."""

    class InputSerializer(serializers.Serializer):
        network = serializers.SlugField(help_text="Identifiant du réseau")
        position = serializers.ChoiceField(choices=Position.choices)
        statement = serializers.CharField(max_length=10000, required=False, allow_blank=True)

    @extend_schema(responses={200: PositionOutput(many=True)})
    def get(self, request, pk):
        positions = selectors.current_positions(proposal_for(request, pk))
        return Response(shaped(PositionOutput, positions, request, many=True))

    @extend_schema(request=InputSerializer, responses={201: PositionOutput})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        network = Network.objects.filter(slug=values.pop("network")).first()
        if network is None:
            raise NotFound(code="network_not_found")
        position = services.network_position_state(
            actor=request.user, proposal=proposal_for(request, pk), network=network, **values
        )
        return Response(shaped(PositionOutput, position, request), status=201)


class PositionHistoryView(APIView):
    """Every position stated on a proposal, newest first per network."""

    pagination_class = Pagination  # get() paginates by hand; the schema says so

    @extend_schema(
        parameters=[OpenApiParameter("network", str, description="Identifiant du réseau")],
        responses={200: PositionOutput(many=True)},
    )
    def get(self, request, pk):
        network = None
        if request.query_params.get("network"):
            network = Network.objects.filter(slug=request.query_params["network"]).first()
            if network is None:
                raise NotFound(code="network_not_found")
        queryset = selectors.position_history(proposal=proposal_for(request, pk), network=network)
        return paginated(self, queryset, PositionOutput)
